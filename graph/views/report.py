"""The cross-source report, a summary that holds at the size of years of coverage: a table of
contents, then per flow each quantity group (most independent sources first) with one plot of the
competing estimates on a shared axis (inline SVG: points, ranges, open-ended bounds with a key),
a table of its claims, and its pairs collapsed to counts. Long groups are capped: the plot and the
table show the first claims, and say how many more there are and how to list them."""

from __future__ import annotations

import html
from pathlib import Path

from graph.views.labels import FLOWS, figure_as_said, format_number, safe_link

from graph.analysis.groups import ClaimFacts, QuantityGroup, claim_facts, group_claims
from graph.analysis.network import central, most_cited, project, who_cites_whom
from graph.files import atomic_write
from graph.store import ClaimStore
from graph.sparql import load_query

LABELS = load_query(__file__, "claim_labels")
PLOT_CAP = 25  # claims drawn in one group's plot
TABLE_CAP = 50  # claims listed in one group's table
PAIR_CAP = 100  # pairs listed when a group's pairs are opened
NETWORK_CAP = 30  # rows of each network table

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1.5em; font-size: 14px; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 6px; text-align: left; vertical-align: top; }
tr.conflict td { background: #fde2e1; }
.tag { font-size: 12px; padding: 1px 6px; border-radius: 8px; background: #eee; }
.tag.conflict { background: #d62828; color: white; }
.evidence { color: #555; font-size: 13px; }
.key, .note { color: #555; font-size: 13px; }
svg { width: 100%; max-width: 900px; display: block; }
nav ol { columns: 2; font-size: 14px; }
"""


def figure_text(f: ClaimFacts) -> str:
    return figure_as_said(f.value, f.low, f.high, f.qualifier, f.unit)


def plot(group: QuantityGroup, labels: dict, members: list[ClaimFacts]) -> str:
    """Competing estimates as inline SVG, one row per claim on an axis shared by the group: a dot
    for a figure, a bar for a range, an open-ended bar with an arrow for a bound. Conflicting
    claims in red. The axis is in the group's unit with thousands separators."""
    e = html.escape
    conflicted = {c.claim for a, b, kind, _ in group.pairs if kind == "conflict" for c in (a, b)}
    finite = [x for f in members for x in f.numbers() if x is not None]
    top = (max(finite) if finite else 1) * 1.08 or 1
    left, width, line = 260, 560, 20
    height = len(members) * line + 30

    def x(v: float) -> float:
        return round(left + v / top * width, 1)

    parts = [f"<svg viewBox='0 0 {left + width + 30} {height}' role='img' aria-label='{e(group.topic)}'>"]
    for t in range(5):
        v = top / 1.08 * t / 4
        parts.append(f"<line x1='{x(v)}' x2='{x(v)}' y1='0' y2='{height - 22}' stroke='#e3e3e3'/>"
                     f"<text x='{x(v)}' y='{height - 6}' font-size='11' text-anchor='middle' fill='#555'>"
                     f"{e(format_number(round(v, 6)))}{e(' ' + group.claims[0].unit) if t == 4 else ''}</text>")
    for row, f in enumerate(members):
        y = row * line + 12
        colour = "#d62828" if f.claim in conflicted else "#2e86ab"
        info = labels[str(f.claim)]
        name = info["source"] if len(info["source"]) <= 34 else info["source"][:33] + "…"
        parts.append(f"<g><title>{e(info['source'])}: {e(figure_text(f))}</title>"
                     f"<text x='{left - 8}' y='{y + 4}' font-size='12' text-anchor='end'>{e(name)}</text>")
        if f.value is not None:
            parts.append(f"<circle cx='{x(f.value)}' cy='{y}' r='5' fill='{colour}'/>")
        elif f.low is not None and f.high is not None:
            parts.append(f"<rect x='{x(f.low)}' y='{y - 4}' width='{max(2, x(f.high) - x(f.low))}' height='8' fill='{colour}'/>")
        elif f.low is not None:
            end = left + width
            parts.append(f"<rect x='{x(f.low)}' y='{y - 4}' width='{max(2, end - x(f.low))}' height='8' fill='{colour}' opacity='.45'/>"
                         f"<path d='M{end} {y - 6} l8 6 l-8 6 z' fill='{colour}'/>")
        else:
            parts.append(f"<rect x='{left}' y='{y - 4}' width='{max(2, x(f.high) - left)}' height='8' fill='{colour}' opacity='.45'/>"
                         f"<path d='M{left} {y - 6} l-8 6 l8 6 z' fill='{colour}'/>")
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


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


def _independent(group: QuantityGroup) -> int:
    return len({f.source for f in group.claims})


def _conflicts(group: QuantityGroup) -> int:
    return sum(1 for *_, kind, _ in group.pairs if kind == "conflict")


def _labels(store: ClaimStore, claims: set[str]) -> dict[str, dict]:
    """Source and article names of just the claims the report shows: asking for every claim's
    costs a row per claim of the corpus."""
    return {r["claim"]: r for r in store.select_for(LABELS, "claim", sorted(claims))}


def _shown(group: QuantityGroup) -> list[ClaimFacts]:
    """A group's claims in the order the report shows them: those in conflict first, then by source."""
    conflicted = {c.claim for a, b, kind, _ in group.pairs if kind == "conflict" for c in (a, b)}
    return sorted(group.claims, key=lambda f: (f.claim not in conflicted, f.source_label, f.claim))


def render(store: ClaimStore, facts: list[ClaimFacts] | None = None) -> str:
    """The report; facts: the analysis's records of every claim, when the caller has them (a
    build's snapshot), else read from the store."""
    facts = claim_facts(store) if facts is None else facts
    groups, different = group_claims(facts)
    needed = {f.claim for g in groups for f in _shown(g)[:max(PLOT_CAP, TABLE_CAP)]}
    needed |= {c.claim for g in groups for a, b, *_ in g.pairs[:PAIR_CAP] for c in (a, b)}
    needed |= {c.claim for a, b, _ in different[:PAIR_CAP] for c in (a, b)}
    labels = _labels(store, needed)
    e = html.escape
    order = sorted(groups, key=lambda g: (-_independent(g), -_conflicts(g), g.topic))
    anchors = {id(g): f"g{n}" for n, g in enumerate(order)}
    conflicted_groups = sum(1 for g in groups if _conflicts(g))
    out = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>claimgraph report</title>"
           f"<style>{STYLE}</style></head><body><h1>Who claims what: figures side by side</h1>",
           f"<p>{len(facts):,} claims; {len(groups):,} quantities measured by more than one source or article; "
           f"{conflicted_groups:,} with conflicting figures.</p>",
           "<p class='key'>In each plot: ● a figure; ▬ a range; ▬▶ at least (no upper bound); ◀▬ at most (no lower "
           "bound); red: in conflict with another claim of the group.</p><nav><h2>Contents</h2>"]
    for flow in FLOWS[:-1]:  # "other" groups nothing worth a section
        flow_groups = [g for g in order if g.key[0] == flow]
        out.append(f"<h3><a href='#flow-{e(flow)}'>{e(flow)}</a> ({len(flow_groups)})</h3>")
        if flow_groups:
            out.append("<ol>" + "".join(
                f"<li><a href='#{anchors[id(g)]}'>{e(g.topic)}</a>: {_independent(g)} sources"
                + (f", {_conflicts(g)} conflicts" if _conflicts(g) else "") + "</li>" for g in flow_groups) + "</ol>")
    out.append("</nav>")
    for flow in FLOWS[:-1]:
        flow_groups = [g for g in order if g.key[0] == flow]
        out.append(f"<h2 id='flow-{e(flow)}'>{e(flow)}</h2>")
        if not flow_groups:
            out.append("<p>No quantity here is measured by more than one source.</p>")
            continue
        for group in flow_groups:
            out += _group_section(group, labels, anchors[id(group)])
    if different:
        out.append(f"<h2>Look alike, but measure different things</h2><details><summary>{len(different):,} pairs</summary><ul>")
        for a, b, reason in different[:PAIR_CAP]:
            out.append(f"<li>{e(labels[str(a.claim)]['source'])}: {e(figure_text(a))} {e(a.measure or '')} vs "
                       f"{e(labels[str(b.claim)]['source'])}: {e(figure_text(b))} {e(b.measure or '')} — {e(reason)}</li>")
        out.append("</ul></details>")
    network = project(store, facts)
    out.append("<h2>Most cited sources</h2><table><tr><th>source</th><th>cited by</th><th>claims</th></tr>")
    out += [f"<tr><td>{e(label)}</td><td>{n:,}</td><td>{c:,}</td></tr>" for label, n, c in most_cited(network, NETWORK_CAP)]
    out.append("</table><h2>Who cites whom</h2><table><tr><th>cites or reports</th><th>source</th><th>claims</th></tr>")
    citations = sorted(who_cites_whom(network), key=lambda c: (-c.claims, c.citer, c.cited))
    out += [f"<tr><td>{e(c.citer)}</td><td>{e(c.cited)}</td><td>{c.claims:,}</td></tr>" for c in citations[:NETWORK_CAP]]
    out.append("</table>")
    if len(citations) > NETWORK_CAP:
        out.append(f"<p class='note'>{len(citations) - NETWORK_CAP:,} more pairs (claimgraph report --gexf for the whole network).</p>")
    out.append("<h2>Central agencies, operations and sources</h2><table><tr><th>name</th><th>degree centrality</th></tr>")
    out += [f"<tr><td>{e(label)}</td><td>{score}</td></tr>" for label, score in central(network, NETWORK_CAP)]
    out.append("</table></body></html>")
    return "\n".join(out)


def _group_section(group: QuantityGroup, labels: dict, anchor: str) -> list[str]:
    e = html.escape
    conflicted = {c.claim for a, b, kind, _ in group.pairs if kind == "conflict" for c in (a, b)}
    tag = "<span class='tag conflict'>conflict</span>" if conflicted else "<span class='tag'>agree</span>"
    members = _shown(group)
    out = [f"<h3 id='{anchor}'>{e(group.topic)} {tag}</h3>"
           f"<p>{len(group.claims):,} claims from {_independent(group):,} independent origins.</p>",
           plot(group, labels, members[:PLOT_CAP])]
    if len(members) > PLOT_CAP:
        out.append(f"<p class='note'>The plot shows {PLOT_CAP} of {len(members):,} claims, those in conflict first.</p>")
    out.append("<table><tr><th>source</th><th>figure</th><th>period</th><th>article</th><th>evidence</th></tr>")
    for f in members[:TABLE_CAP]:
        info = labels[str(f.claim)]
        via = f" (reported by {e(info['reporter'])})" if info.get("reporter") else ""
        out.append(f"<tr class='{'conflict' if f.claim in conflicted else ''}'><td>{e(info['source'])}{via}</td>"
                   f"<td>{e(figure_text(f))}</td><td>{e(f.period or '')}</td><td>{article_cell(info)}</td>"
                   f"<td class='evidence'>{e(f.evidence)}</td></tr>")
    out.append("</table>")
    if len(members) > TABLE_CAP:
        out.append(f"<p class='note'>{len(members) - TABLE_CAP:,} more claims: <code>claimgraph query disagreements "
                   f"--param group=&lt;{e(group.iri)}&gt;</code> lists them all.</p>")
    if group.pairs:
        counts: dict[str, int] = {}
        for *_, kind, _ in group.pairs:
            counts[kind] = counts.get(kind, 0) + 1
        summary = ", ".join(f"{n:,} {kind}{'s' if n != 1 else ''}" for kind, n in sorted(counts.items()))
        out.append(f"<details><summary>{len(group.pairs):,} pairs: {e(summary)}</summary><ul>" + "".join(
            f"<li>{e(labels[str(a.claim)]['source'])} – {e(labels[str(b.claim)]['source'])}: <b>{e(kind)}</b> ({e(reason)})</li>"
            for a, b, kind, reason in group.pairs[:PAIR_CAP]) + "</ul>"
            + (f"<p class='note'>and {len(group.pairs) - PAIR_CAP:,} more</p>" if len(group.pairs) > PAIR_CAP else "")
            + "</details>")
    return out


def write_report(store: ClaimStore, path: Path, facts: list[ClaimFacts] | None = None) -> None:
    atomic_write(path, render(store, facts))
