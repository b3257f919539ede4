"""Across sources: group claims that measure the same quantity, and classify each pair as
conflict, corroboration, different measure or update. Results go to their own named graph."""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from itertools import combinations
from pathlib import Path
from typing import Iterable, NamedTuple

import pyoxigraph as ox
import yaml
from rdflib import RDF, RDFS
from rdflib.namespace import XSD

from ontology import CG

from graph.rdf.facts import CLAIM_FACTS
from graph.rdf.mapping import ANALYSIS_GRAPH, ID
from graph.sparql import load_query
from graph.store import ClaimStore

RDF_TYPE = str(RDF.type)
FIGURE_TEXTS = load_query(__file__, "figure_texts")  # each claim's figure as the text gives it


class EntityRow(NamedTuple):
    """One ENTITY_FACTS row."""
    entity: str
    type: str
    label: str
    alias: str


@dataclass(slots=True)  # a large corpus has hundreds of thousands of these
class ClaimFacts:
    """One claim's facts; IRIs are plain strings, read from the store (which checked them)."""
    claim: str
    source: str
    article: str
    flow: str
    unit: str
    value: float | None
    low: float | None
    high: float | None
    qualifier: str | None
    subject: str
    evidence: str
    period: str | None
    reporter: str | None
    measure: str | None = None
    source_label: str = ""
    unattributed: bool = False  # no source named: credited to the outlet or issuer by default

    def row(self) -> list:
        """The fields in order, for ClaimFacts(*row)."""
        return [getattr(self, name) for name in self.__slots__]

    def interval(self, tolerance: float, hedge_tolerance: float) -> tuple[float, float]:
        if self.value is not None:
            spread = hedge_tolerance if self.qualifier else tolerance
            return self.value * (1 - spread), self.value * (1 + spread)
        return (self.low if self.low is not None else -math.inf, self.high if self.high is not None else math.inf)

    def numbers(self) -> tuple:
        return (self.value, self.low, self.high)


def _number(value: str) -> float | None:
    return float(value) if value else None


def claim_facts_from_rows(rows: Iterable[dict[str, str]]) -> list[ClaimFacts]:
    """CLAIM_FACTS rows -> one ClaimFacts per claim, in claim order. The build caches each
    article's rows, so that a rebuild need not read every claim back out of the store."""
    unique: dict[str, ClaimFacts] = {}
    for row in rows:
        # one row per claim: the query can repeat a claim when a label differs between graphs
        claim = row["claim"]
        if claim in unique:
            continue
        period = row["periodLabel"] or None
        if period == "annual" or row["periodicity"] == "annual":
            period = "annual"
        unique[claim] = ClaimFacts(claim, row["source"], row["article"], row["flow"].split("#")[-1],
                                   row["unit"], _number(row["value"]), _number(row["low"]), _number(row["high"]),
                                   row["qualifier"] or None, row["subject"], row["evidence"], period,
                                   row["reporter"] or None, row["measure"] or None, row["sourceLabel"],
                                   row.get("unattributed") == "true")
    return sorted(unique.values(), key=lambda f: f.claim)


def entity_index(rows: Iterable[EntityRow]) -> list[tuple[str, str, str, list[str]]]:
    """ENTITY_FACTS rows of every article -> (entity, label, type, aliases) once per entity: the
    label and type most articles give it, and every alias any gives it. An entity no article
    gives a type more precise than cg:Entity is left out."""
    types: dict[str, dict[str, int]] = {}
    labels: dict[str, dict[str, int]] = {}
    aliases: dict[str, set[str]] = {}
    for row in rows:  # hundreds of thousands at 10k articles: plain dicts, made only when new
        if row.type != "Entity":
            _count(types, row.entity, row.type)
        if row.label:
            _count(labels, row.entity, row.label)
        if row.alias:
            found = aliases.get(row.entity)
            if found is None:
                found = aliases[row.entity] = set()
            found.add(row.alias)
    return [(entity, _most_common(labels.get(entity, {"": 1})), _most_common(types[entity]),
             sorted(aliases.get(entity, ()))) for entity in sorted(types)]


def _count(counts: dict[str, dict[str, int]], entity: str, value: str) -> None:
    found = counts.get(entity)
    if found is None:
        found = counts[entity] = {}
    found[value] = found.get(value, 0) + 1


def _most_common(counts: dict[str, int]) -> str:
    return min(counts, key=lambda k: (-counts[k], k))  # ties go to the first name in order


@dataclass
class QuantityGroup:
    key: tuple
    claims: list[ClaimFacts]
    pairs: list[tuple[ClaimFacts, ClaimFacts, str, str]] = field(default_factory=list)

    @property
    def iri(self) -> str:
        return str(ID["group/" + hashlib.sha256("|".join(map(str, self.key)).encode()).hexdigest()[:12]])

    @property
    def topic(self) -> str:
        flow, unit, measure, period = self.key
        if unit == "percent":
            text = f"share of {flow} {measure}"
        elif unit in ("USD", "MXN", "EUR", "GBP"):
            text = f"{unit} of {flow} {measure}"
        else:
            text = f"{unit} {measure}" + ("" if flow in unit else f" ({flow})")
        return f"{text}, {period}" if period else text


class MeasureRules(NamedTuple):
    tolerance: float
    hedge_tolerance: float
    rate_measures: frozenset[str]
    share_measures: dict[str, str]
    scale_ratio: float


@cache
def _rules() -> MeasureRules:
    lex = yaml.safe_load((Path(__file__).parent / "rules.yaml").read_text(encoding="utf-8"))
    return MeasureRules(lex["tolerance"], lex["hedge_tolerance"], frozenset(lex["rate_measures"]),
                        dict(lex.get("share_measures") or {}), float(lex["scale_ratio"]))


def compared_measure(f: ClaimFacts) -> str | None:
    """The measure a claim is compared under: a share's measure as rules.yaml folds it."""
    if f.unit == "percent":
        return _rules().share_measures.get(f.measure, f.measure)
    return f.measure


def claim_facts(store: ClaimStore) -> list[ClaimFacts]:
    return claim_facts_from_rows(store.select(CLAIM_FACTS))


def _period_key(period: str | None) -> str | None:
    """'annual' and no stated period may be the same yearly figure; a dated period is its own."""
    if period is None or period.split(" (")[0] in ("annual", "past year"):  # "past year (2023-05-02/2024-05-02)"
        return None
    return period


def classify(a: ClaimFacts, b: ClaimFacts) -> tuple[str, str]:
    return _classify(_span(a), _span(b))


def _span(f: ClaimFacts) -> tuple:
    """What classifying a claim reads of it, computed once per claim rather than once per pair."""
    rules = _rules()
    tolerance, hedge_tolerance = rules.tolerance, rules.hedge_tolerance
    return (f.source, f.numbers(), *f.interval(tolerance, hedge_tolerance))


def _classify(a: tuple, b: tuple) -> tuple[str, str]:
    source_a, numbers_a, lo_a, hi_a = a
    source_b, numbers_b, lo_b, hi_b = b
    if source_a == source_b:
        if numbers_a == numbers_b:
            return "corroboration", "same source repeats the figure"
        return "update", "same source gives another figure for the quantity"
    if lo_a <= hi_b and lo_b <= hi_a:
        return "corroboration", "figures overlap"
    return "conflict", "figures do not overlap"


def comparable(f: ClaimFacts) -> bool:
    """Shares and money compare across texts; a count only when it is a rate (annual) or dated.
    One-off counts ('seven individuals charged') are events, not estimates of one quantity."""
    if f.flow == "other" or f.measure is None:
        return False
    if f.unit == "percent" or f.unit in ("USD", "MXN", "EUR", "GBP"):
        return True
    if f.period is None:  # an estimate of an ongoing flow, not one event's count
        return f.measure in _rules().rate_measures and (f.low is not None or f.high is not None or bool(f.qualifier))
    return f.period != "past year"


def _magnitude(numbers: tuple) -> float | None:
    """A figure's size for comparing scales: its value, else its finite bounds' mean."""
    value, low, high = numbers
    if value is not None:
        return abs(value)
    bounds = [abs(b) for b in (low, high) if b is not None]
    return sum(bounds) / len(bounds) if bounds else None


def _shown(size: float) -> str:
    return f"{size:,.0f}" if size >= 100 else f"{size:g}"


def _scales_apart(size_a: float | None, size_b: float | None) -> bool:
    """Two figures' magnitudes too far apart to be one quantity's."""
    if not size_a or not size_b:
        return False
    return max(size_a, size_b) / min(size_a, size_b) > _rules().scale_ratio


PAIR_LIMIT = 60  # pairs grow with the square of a group: past this, one claim per source and figure


def representatives(members: list[ClaimFacts]) -> list[ClaimFacts]:
    """The claims whose pairs are classified. A big group keeps one claim per (source, figure)
    and at most PAIR_LIMIT of them, chosen in a fixed order, so that a corpus of years of coverage
    gives pairs in the thousands, not the millions."""
    if len(members) <= PAIR_LIMIT:
        return members
    first: dict[tuple, ClaimFacts] = {}  # per (source, figure), the claim first in claim order
    for m in members:
        key = (m.source, m.numbers())
        if key not in first or m.claim < first[key].claim:
            first[key] = m
    return sorted(first.values(), key=lambda m: (m.source, repr(m.numbers())))[:PAIR_LIMIT]


def group_claims(facts: list[ClaimFacts]) -> tuple[list[QuantityGroup], list[tuple[ClaimFacts, ClaimFacts, str]]]:
    groups: dict[tuple, list[ClaimFacts]] = {}
    # pairs that are not one quantity: a group's figures too far apart, then look-alike measures
    different: list[tuple[ClaimFacts, ClaimFacts, str]] = []
    for f in facts:
        if not comparable(f):
            continue
        groups.setdefault((f.flow, f.unit, compared_measure(f), _period_key(f.period)), []).append(f)
    result = []
    for key, members in sorted(groups.items(), key=lambda kv: str(kv[0])):
        if len({m.article for m in members}) < 2 and len({m.source for m in members}) < 2:
            continue
        group = QuantityGroup(key, members)
        chosen = representatives(members)
        spans = [_span(claim) for claim in chosen]  # once per claim, not once per pair
        sizes = [_magnitude(claim.numbers()) for claim in chosen]
        for i, j in combinations(range(len(chosen)), 2):
            a, b = chosen[i], chosen[j]
            if _scales_apart(sizes[i], sizes[j]):
                shown = " and ".join(_shown(size) for size in (sizes[i], sizes[j]))
                different.append((a, b, f"{shown} are too far apart to be one quantity"))
            else:
                group.pairs.append((a, b, *_classify(spans[i], spans[j])))
        result.append(group)
    # Look-alikes: same flow and unit, another measure (traced vs manufactured).
    by_flow_unit: dict[tuple, list[ClaimFacts]] = {}
    for f in facts:
        if f.flow != "other" and f.measure is not None and f.unit == "percent":
            by_flow_unit.setdefault((f.flow, f.unit), []).append(f)
    for members in by_flow_unit.values():
        for a, b in combinations(representatives(members), 2):
            measure_a, measure_b = compared_measure(a), compared_measure(b)
            if measure_a != measure_b and a.article != b.article:
                different.append((a, b, f"{measure_a} is not {measure_b}"))
    return result, different


class ConflictPair(NamedTuple):
    """Two claims of one group whose figures do not overlap; first the one whose IRI sorts first."""
    claim: ClaimFacts
    other: ClaimFacts
    topic: str


class AnalysisWriter:
    """Collects the analysis as N-Quads lines of its named graph: a large corpus's analysis has
    hundreds of thousands of triples, and building rdflib or pyoxigraph objects for each costs
    more than the analysis itself. IRIs are written as given: they come from the store, which
    checked them, or from this module's own namespaces. Each line is kept encoded: joining them
    as text and encoding the whole held two more copies of a graph of 145 MB at 10,000 articles."""

    def __init__(self):
        self.graph = f"<{ANALYSIS_GRAPH}>"
        self._lines: dict[bytes, None] = {}  # an ordered set: the order is the analysis's, fixed
        self.conflicts: list[ConflictPair] = []  # what `query conflicts` lists, for its table

    def link(self, subject: str, predicate: str, obj: str) -> None:
        """A triple whose object is an IRI."""
        self._lines[f"<{subject}> <{predicate}> <{obj}> {self.graph} .\n".encode()] = None

    def link_pairs(self, pairs: Iterable[tuple[str, str, str, bool]]) -> None:
        """a predicate b for each (a, predicate, b, both_ways), and b predicate a too when both_ways:
        a group's pairs in one call (there are hundreds of thousands in a large corpus)."""
        graph, lines = self.graph, []
        for a, predicate, b, both_ways in pairs:
            lines.append(f"<{a}> <{predicate}> <{b}> {graph} .\n".encode())
            if both_ways:
                lines.append(f"<{b}> <{predicate}> <{a}> {graph} .\n".encode())
        self._lines.update(dict.fromkeys(lines))

    def add(self, subject: str, predicate: str, value: str | int | bool) -> None:
        """A triple whose object is a literal."""
        self._lines[f"<{subject}> <{predicate}> {_literal(value)} {self.graph} .\n".encode()] = None

    def link_all(self, subject: str, predicate: str, objects: Iterable[str]) -> None:
        """subject predicate o, for every IRI o of objects (a group's members: one call, not one per member)."""
        head, tail = f"<{subject}> <{predicate}> <", f"> {self.graph} .\n"
        self._lines.update(dict.fromkeys([(head + obj + tail).encode() for obj in objects]))

    def add_to_all(self, subjects: Iterable[str], predicate: str, value: str | int | bool) -> None:
        """s predicate value, for every IRI s of subjects."""
        tail = f"> <{predicate}> {_literal(value)} {self.graph} .\n"
        self._lines.update(dict.fromkeys([("<" + subject + tail).encode() for subject in subjects]))

    def nquads(self) -> bytes:
        return b"".join(self._lines)


def _literal(value: str | int | bool) -> str:
    """A literal in N-Triples syntax; strings are escaped by pyoxigraph."""
    if isinstance(value, bool):
        return f'"{"true" if value else "false"}"^^<{XSD.boolean}>'
    if isinstance(value, int):
        return f'"{value}"^^<{XSD.integer}>'
    return str(ox.Literal(value))


def analysis_quads(facts: list[ClaimFacts], entities: list[tuple[str, str, str, list[str]]] = ()) -> AnalysisWriter:
    """The cross-source analysis as a named graph: groups, pair relations, reasons, each
    source's counts, and the corpus's index of entities (so that listing sources or entities
    reads a row each, not every claim or every article's description)."""
    groups, different = group_claims(facts)
    out = AnalysisWriter()
    relation = {"conflict": str(CG.conflictsWith), "corroboration": str(CG.corroborates), "update": str(CG.updates)}
    member, origins, differs = str(CG.member), str(CG.independentOrigins), str(CG.differentMeasureFrom)
    for group in groups:
        node, topic = group.iri, group.topic
        out.link(node, RDF_TYPE, str(CG.QuantityGroup))
        out.add(node, str(CG.topic), topic)
        out.add(node, str(CG.measure), group.key[2])
        figures = {m.numbers() for m in group.claims}
        sources = {m.source for m in group.claims}
        out.add(node, str(CG.hasDifferentFigures), len(figures) > 1 and len(sources) > 1)
        out.add(node, str(CG.hasConflict), any(k == "conflict" for _, _, k, _ in group.pairs))
        out.link_all(node, member, [claim.claim for claim in group.claims])
        out.link_pairs([(a.claim, relation[kind], b.claim, kind != "update") for a, b, kind, _ in group.pairs])
        out.conflicts += [ConflictPair(a, b, topic) if a.claim <= b.claim else ConflictPair(b, a, topic)
                          for a, b, kind, _ in group.pairs if kind == "conflict"]
        out.add_to_all([claim.claim for claim in group.claims], origins, len(sources))
    for a, b, reason in different:
        out.link(a.claim, differs, b.claim)
        out.link(b.claim, differs, a.claim)
        pair = str(ID["difference/" + hashlib.sha256(f"{a.claim}|{b.claim}".encode()).hexdigest()[:12]])
        out.link(pair, member, a.claim)
        out.link(pair, member, b.claim)
        out.add(pair, str(CG.reason), reason)
    by_source: dict[str, list[ClaimFacts]] = {}
    for f in facts:
        by_source.setdefault(f.source, []).append(f)
    for source, claims in sorted(by_source.items()):
        out.add(source, str(CG.claimCount), len(claims))
        out.add(source, str(CG.articleCount), len({f.article for f in claims}))
        default_credited = sum(f.unattributed for f in claims)
        out.add(source, str(CG.attributedCount), len(claims) - default_credited)
        out.add(source, str(CG.defaultCreditedCount), default_credited)
        out.add(source, str(RDFS.label), Counter(f.source_label for f in claims).most_common(1)[0][0])
    for entity, label, kind, aliases in entities:
        out.add(entity, str(CG.corpusLabel), label)
        out.add(entity, str(CG.corpusType), kind)
        if aliases:
            out.add(entity, str(CG.corpusAliases), "|".join(aliases))
    return out
