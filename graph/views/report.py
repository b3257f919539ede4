"""The cross-source report: for each flow, every quantity group with its figures side by side,
conflicts highlighted, and a plot of the competing estimates (ranges as bars, points as dots)."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # rendered offline, embedded as PNG
import matplotlib.pyplot as plt  # noqa: E402

from graph.views.labels import FLOWS, format_number, safe_link  # noqa: E402

from graph.analysis.groups import ClaimFacts, QuantityGroup, claim_facts, group_claims  # noqa: E402
from graph.analysis.network import central, most_cited, project, who_cites_whom  # noqa: E402
from graph.files import atomic_write  # noqa: E402
from graph.store import ClaimStore  # noqa: E402
from graph.sparql import load_query  # noqa: E402

LABELS = load_query(__file__, "claim_labels")

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1.5em; font-size: 14px; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 6px; text-align: left; vertical-align: top; }
tr.conflict td { background: #fde2e1; }
.tag { font-size: 12px; padding: 1px 6px; border-radius: 8px; background: #eee; }
.tag.conflict { background: #d62828; color: white; }
.evidence { color: #555; font-size: 13px; }
img { max-width: 100%; }
"""


def figure_text(f: ClaimFacts) -> str:
    if f.value is not None:
        text = format_number(f.value)
    elif f.low is not None and f.high is not None:
        text = f"{format_number(f.low)}–{format_number(f.high)}"
    elif f.low is not None:
        text = f"more than {format_number(f.low)}"
    else:
        text = f"up to {format_number(f.high)}"
    return f"{text} {f.unit}" + (f" ({f.qualifier})" if f.qualifier else "")


def plot(group: QuantityGroup, labels: dict) -> str:
    """Competing estimates, one row per claim: a bar for a range or a bound, a dot for a point."""
    members = group.claims
    conflicted = {c.claim for a, b, kind, _ in group.pairs if kind == "conflict" for c in (a, b)}
    finite = [x for f in members for x in f.numbers() if x is not None]
    top = max(finite) * 1.25 if finite else 1
    fig, ax = plt.subplots(figsize=(8, 0.6 * len(members) + 1.2))
    for row, f in enumerate(members):
        colour = "#d62828" if f.claim in conflicted else "#2e86ab"
        if f.value is not None:
            ax.plot([f.value], [row], "o", color=colour, markersize=9)
        else:
            low = f.low if f.low is not None else 0
            high = f.high if f.high is not None else top
            ax.barh(row, high - low, left=low, height=0.35, color=colour, alpha=0.6)
            if f.high is None:
                ax.annotate("", xy=(top, row), xytext=(low, row), arrowprops={"arrowstyle": "->", "color": colour})
    ax.set_yticks(range(len(members)))
    ax.set_yticklabels([f"{labels[str(f.claim)]['source']} ({labels[str(f.claim)]['file'][:24]})" for f in members])
    ax.set_xlim(0, top)
    ax.set_xlabel(group.claims[0].unit)
    ax.set_title(group.topic)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def article_cell(info: dict) -> str:
    """The article as a reader knows it: headline, outlet and date, linked to its address when
    that is an http(s) URL (opened without a way back to the report)."""
    e = html.escape
    title = e(info.get("title") or info["file"])
    url = safe_link(info.get("url"))
    if url:
        title = f"<a href='{e(url, quote=True)}' rel='noopener noreferrer' target='_blank'>{title}</a>"
    said = ", ".join(e(x) for x in (info.get("outlet"), info.get("date")) if x)
    return f"{title}<br><small>{said}</small>" if said else title


def render(store: ClaimStore) -> str:
    facts = claim_facts(store)
    groups, different = group_claims(facts)
    labels = {r["claim"]: r for r in store.select(LABELS)}
    e = html.escape
    out = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>claimgraph report</title>"
           f"<style>{STYLE}</style></head><body><h1>Who claims what: figures side by side</h1>",
           f"<p>{len(facts)} claims; {len(groups)} quantities measured by more than one source or article; "
           f"{sum(any(k == 'conflict' for *_, k, _ in g.pairs) for g in groups)} with conflicting figures.</p>"]
    for flow in FLOWS[:-1]:  # "other" groups nothing worth a section
        flow_groups = [g for g in groups if g.key[0] == flow]
        out.append(f"<h2>{e(flow)}</h2>")
        if not flow_groups:
            out.append("<p>No quantity here is measured by more than one source.</p>")
            continue
        for group in flow_groups:
            conflicted = {c.claim for a, b, kind, _ in group.pairs if kind == "conflict" for c in (a, b)}
            tag = "<span class='tag conflict'>conflict</span>" if conflicted else "<span class='tag'>agree</span>"
            origins = len({f.source for f in group.claims})
            out.append(f"<h3>{e(group.topic)} {tag}</h3><p>{len(group.claims)} claims from {origins} independent origins.</p>")
            out.append(f"<img alt='{e(group.topic)}' src='data:image/png;base64,{plot(group, labels)}'>")
            out.append("<table><tr><th>source</th><th>figure</th><th>period</th><th>article</th><th>evidence</th></tr>")
            for f in group.claims:
                info = labels[str(f.claim)]
                via = f" (reported by {e(info['reporter'])})" if info.get("reporter") else ""
                out.append(f"<tr class='{'conflict' if f.claim in conflicted else ''}'><td>{e(info['source'])}{via}</td>"
                           f"<td>{e(figure_text(f))}</td><td>{e(f.period or '')}</td><td>{article_cell(info)}</td>"
                           f"<td class='evidence'>{e(f.evidence)}</td></tr>")
            out.append("</table>")
            pairs = [(a, b, kind, reason) for a, b, kind, reason in group.pairs]
            if pairs:
                out.append("<ul>" + "".join(
                    f"<li>{e(labels[str(a.claim)]['source'])} – {e(labels[str(b.claim)]['source'])}: "
                    f"<b>{e(kind)}</b> ({e(reason)})</li>" for a, b, kind, reason in pairs) + "</ul>")
    if different:
        out.append("<h2>Look alike, but measure different things</h2><ul>")
        for a, b, reason in different:
            out.append(f"<li>{e(labels[str(a.claim)]['source'])}: {e(figure_text(a))} {e(a.measure or '')} vs "
                       f"{e(labels[str(b.claim)]['source'])}: {e(figure_text(b))} {e(b.measure or '')} — {e(reason)}</li>")
        out.append("</ul>")
    network = project(store)
    out.append("<h2>Most cited sources</h2><table><tr><th>source</th><th>cited by</th><th>claims</th></tr>")
    out += [f"<tr><td>{e(label)}</td><td>{n}</td><td>{c}</td></tr>" for label, n, c in most_cited(network)]
    out.append("</table><h2>Who cites whom</h2><table><tr><th>cites or reports</th><th>source</th><th>claims</th></tr>")
    out += [f"<tr><td>{e(c.citer)}</td><td>{e(c.cited)}</td><td>{c.claims}</td></tr>" for c in who_cites_whom(network)]
    out.append("</table><h2>Central agencies, operations and sources</h2><table><tr><th>name</th><th>degree centrality</th></tr>")
    out += [f"<tr><td>{e(label)}</td><td>{score}</td></tr>" for label, score in central(network)]
    out.append("</table></body></html>")
    return "\n".join(out)


def write_report(store: ClaimStore, path: Path) -> None:
    atomic_write(path, render(store))
