"""The cross-source report, a summary that holds at the size of years of coverage: a table of
contents, then per flow each quantity group (most independent sources first) with one plot of the
competing estimates on a shared axis (inline SVG: points, ranges, open-ended bounds with a key),
a table of its claims, and its pairs collapsed to counts. Long groups are capped: the plot and the
table show the first claims, and say how many more there are and how to list them."""

from __future__ import annotations

import hashlib
import html
import re
from calendar import monthrange
from datetime import date
from pathlib import Path

from graph.views.labels import FLOWS, figure_as_said, format_number, safe_link

from graph.analysis.groups import ClaimFacts, QuantityGroup, claim_facts, group_claims
from graph.analysis.network import central, most_cited, project, who_cites_whom
from graph.files import atomic_write
from graph.store import ClaimStore
from graph.queries import paged, query_text
from graph.sparql import load_query

LABELS = load_query(__file__, "claim_labels")
PLOT_CAP = 25  # claims drawn in one group's plot
TABLE_CAP = 50  # claims listed in one group's table
PAIR_CAP = 100  # pairs listed when a group's pairs are opened
NETWORK_CAP = 30  # rows of each network table
TIMELINE_CAP = 20  # quantities drawn on the timeline

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


def _date_span(text: str) -> tuple[date, date] | None:
    """The days a publication date covers, at the precision it was given (a day, a month, a year)."""
    parts = [int(p) for p in re.findall(r"\d+", text or "")[:3]]
    try:
        if len(parts) == 3:
            return date(*parts), date(*parts)
        if len(parts) == 2:
            return date(parts[0], parts[1], 1), date(parts[0], parts[1], monthrange(*parts)[1])
        if len(parts) == 1 and len(str(parts[0])) == 4:
            return date(parts[0], 1, 1), date(parts[0], 12, 31)
    except ValueError:
        return None
    return None


def timeline(group: QuantityGroup, labels: dict, members: list[ClaimFacts]) -> str:
    """A quantity's claims against their article's publication date, as inline SVG: a dot for a
    figure, a bar for a range, an open bar with an arrow for a bound; a date known to the month or
    year is a line across it; a dashed line joins a figure's first appearance to its repetitions."""
    e = html.escape
    dated = [(f, span) for f in members if (span := _date_span(labels[str(f.claim)].get("date", "")))]
    if not dated:
        return ""
    first = min(span[0] for _, span in dated).toordinal()
    last = max(span[1] for _, span in dated).toordinal()
    if last - first < 60:
        first, last = first - 180, last + 180
    margin = (last - first) * 0.06
    first, last = first - margin, last + margin
    finite = [x for f, _ in dated for x in f.numbers() if x is not None]
    top = (max(finite) if finite else 1) * 1.1 or 1
    left, width, bottom, height = 80, 760, 160, 190

    def x(day: float) -> float:
        return round(left + (day - first) / (last - first) * width, 1)

    def y(v: float) -> float:
        return round(bottom - v / top * (bottom - 10), 1)

    parts = [f"<svg viewBox='0 0 {left + width + 20} {height}' role='img' aria-label='{e(group.topic)} over time'>"]
    for t in range(5):
        v, day = top / 1.1 * t / 4, first + (last - first) * t / 4
        parts.append(f"<line x1='{left}' x2='{left + width}' y1='{y(v)}' y2='{y(v)}' stroke='#eee'/>"
                     f"<text x='{left - 6}' y='{y(v) + 4}' font-size='11' text-anchor='end' fill='#555'>{e(format_number(round(v, 6)))}</text>"
                     f"<text x='{x(day)}' y='{height - 12}' font-size='11' text-anchor='middle' fill='#555'>"
                     f"{date.fromordinal(int(day)).isoformat()[:7]}</text>")
    repeats: dict[tuple, list] = {}
    for f, span in dated:
        repeats.setdefault(f.numbers(), []).append((span, f))
    for seen in repeats.values():
        seen.sort(key=lambda item: item[0][0])
        (head, f0), later = seen[0], seen[1:]
        v = next(n for n in f0.numbers() if n is not None)
        for span, _ in later:
            parts.append(f"<line x1='{x(_middle(head))}' x2='{x(_middle(span))}' y1='{y(v)}' y2='{y(v)}' "
                         "stroke='#888' stroke-dasharray='4 3'/>")
    for f, span in dated:
        info, cx = labels[str(f.claim)], x(_middle(span))
        colour = _colour(info["source"])
        parts.append(f"<g><title>{e(info['source'])}: {e(figure_text(f))} ({e(info.get('date', ''))})</title>")
        if span[1] > span[0]:
            parts.append(f"<line x1='{x(span[0].toordinal())}' x2='{x(span[1].toordinal())}' y1='{bottom + 6}' y2='{bottom + 6}' "
                         f"stroke='{colour}' stroke-width='2'/>")
        if f.value is not None:
            parts.append(f"<circle cx='{cx}' cy='{y(f.value)}' r='5' fill='{colour}'/>")
        elif f.low is not None and f.high is not None:
            parts.append(f"<rect x='{cx - 3}' y='{y(f.high)}' width='6' height='{max(2, y(f.low) - y(f.high))}' fill='{colour}'/>")
        elif f.low is not None:
            parts.append(f"<rect x='{cx - 3}' y='10' width='6' height='{max(2, y(f.low) - 10)}' fill='{colour}' opacity='.45'/>"
                         f"<path d='M{cx - 6} 12 l6 -8 l6 8 z' fill='{colour}'/>")
        else:
            parts.append(f"<rect x='{cx - 3}' y='{y(f.high)}' width='6' height='{max(2, bottom - y(f.high))}' fill='{colour}' opacity='.45'/>"
                         f"<path d='M{cx - 6} {bottom - 2} l6 8 l6 -8 z' fill='{colour}'/>")
        parts.append("</g>")
    parts.append("</svg>")
    undated = len(members) - len(dated)
    note = f"<p class='note'>{undated:,} of these claims have no publication date and are not drawn.</p>" if undated else ""
    return "".join(parts) + note


def _middle(span: tuple[date, date]) -> float:
    return (span[0].toordinal() + span[1].toordinal()) / 2


PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f")


def _colour(name: str) -> str:
    """A source's colour, the same in every plot of the report."""
    return PALETTE[int(hashlib.sha256(name.encode("utf-8")).hexdigest(), 16) % len(PALETTE)]


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
    grouped = {f.claim for g in groups for f in g.claims}
    singles = {flow: sorted((f for f in facts if f.flow == flow and f.claim not in grouped),
                            key=lambda f: (f.unit, f.source_label, f.claim)) for flow in FLOWS[:-1]}
    needed = {f.claim for g in groups for f in _shown(g)[:max(PLOT_CAP, TABLE_CAP)]}
    needed |= {f.claim for flow_singles in singles.values() for f in flow_singles[:TABLE_CAP]}
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
        out.append(f"<h3><a href='#flow-{e(flow)}'>{e(flow)}</a> ({len(flow_groups)} contested, "
                   f"{len(singles[flow]):,} figure{'' if len(singles[flow]) == 1 else 's'} from one source)</h3>")
        if flow_groups:
            out.append("<ol>" + "".join(
                f"<li><a href='#{anchors[id(g)]}'>{e(g.topic)}</a>: {_independent(g)} sources"
                + (f", {_conflicts(g)} conflicts" if _conflicts(g) else "") + "</li>" for g in flow_groups) + "</ol>")
    out.append("<h3><a href='#timeline'>Timeline</a>: the contested quantities over time</h3></nav>")
    for flow in FLOWS[:-1]:
        flow_groups = [g for g in order if g.key[0] == flow]
        out.append(f"<h2 id='flow-{e(flow)}'>{e(flow)}</h2>")
        if not flow_groups:
            out.append("<p>No quantity here is measured by more than one source.</p>")
        for group in flow_groups:
            out += _group_section(group, labels, anchors[id(group)])
        out += _singles_section(singles[flow], labels)
    out.append("<h2 id='timeline'>Timeline</h2><p class='key'>Each contested quantity's claims by their article's "
               "date of publication, coloured by source; a dashed line joins a figure's first appearance to its "
               "later repetitions; a date known only to the month or year is a line across it.</p>")
    for group in order[:TIMELINE_CAP]:
        drawn = timeline(group, labels, _shown(group)[:PLOT_CAP])
        out.append(f"<h3>{e(group.topic)}</h3>" + (drawn or "<p class='note'>No claim of it has a publication date.</p>"))
    out += _disputes_section(store)
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


DISPUTE_CAP = 200  # disputes listed; the saved query `disputes` lists them all


def _disputes_section(store: ClaimStore) -> list[str]:
    """The figures an article says a source contests: who contests which, and the sentence."""
    e = html.escape
    rows = store.select(paged(query_text("disputes"), DISPUTE_CAP + 1))
    out = ["<h2 id='disputes'>Disputed figures</h2>"]
    if not rows:
        return out + ["<p>No article says that a source contests one of its figures.</p>"]
    out.append("<table><tr><th>contested by</th><th>figure</th><th>claimed by</th><th>article</th><th>evidence</th></tr>")
    out += [f"<tr><td>{e(r['disputantLabel'])} ({e(r['cue'])})</td><td>{e(r['figure'])} {e(r['unit'])}</td>"
            f"<td>{e(r['sourceLabel'])}</td><td>{e(r['article'])}</td><td class='evidence'>{e(r['evidence'])}</td></tr>"
            for r in rows[:DISPUTE_CAP]]
    out.append("</table>")
    if len(rows) > DISPUTE_CAP:
        out.append("<p class='note'>More disputes: <code>claimgraph query disputes --limit 0</code> lists them all.</p>")
    return out


def _singles_section(claims: list[ClaimFacts], labels: dict) -> list[str]:
    """The figures of a flow that no other source or article measures: listed after the contested
    quantities, not hidden."""
    if not claims:
        return []
    e = html.escape
    out = [f"<h3>Figures only one source gives ({len(claims):,})</h3>",
           "<table><tr><th>source</th><th>figure</th><th>what</th><th>period</th><th>article</th></tr>"]
    for f in claims[:TABLE_CAP]:
        info = labels[str(f.claim)]
        out.append(f"<tr><td>{e(info['source'])}</td><td>{e(figure_text(f))}</td><td>{e(f.subject or '')}</td>"
                   f"<td>{e(f.period or '')}</td><td>{article_cell(info)}</td></tr>")
    out.append("</table>")
    if len(claims) > TABLE_CAP:
        out.append(f"<p class='note'>{len(claims) - TABLE_CAP:,} more: <code>claimgraph query claims --param flow=...</code> lists them all.</p>")
    return out


def write_report(store: ClaimStore, path: Path, facts: list[ClaimFacts] | None = None) -> None:
    atomic_write(path, render(store, facts))
