"""Across sources: group claims that measure the same quantity, and classify each pair as
conflict, corroboration, different measure or update. Results go to their own named graph."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from functools import cache
from itertools import combinations
from typing import NamedTuple

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import XSD

from extract.lexicon import load
from ontology import CG

from .rdf import ANALYSIS_GRAPH, ID, bind_prefixes
from .store import ClaimStore

CLAIM_FACTS = """
PREFIX cg: <https://w3id.org/claimgraph/ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX wikibase: <http://wikiba.se/ontology#>
SELECT ?claim ?source ?article ?flow ?unit ?value ?low ?high ?qualifier ?subject ?evidence ?periodLabel ?periodicity ?reporter ?measure
WHERE {
  ?claim a cg:FigureClaim ; prov:wasAttributedTo ?source ; prov:wasDerivedFrom ?article ;
         cg:flow ?flow ; cg:quantity ?q ; cg:evidence/cg:exact ?evidence .
  ?q cg:unitLabel ?unit .
  OPTIONAL { ?q wikibase:quantityAmount ?value } OPTIONAL { ?q wikibase:quantityLowerBound ?low }
  OPTIONAL { ?q wikibase:quantityUpperBound ?high } OPTIONAL { ?q cg:qualifier ?qualifier }
  OPTIONAL { ?claim cg:subject ?subject }
  OPTIONAL { ?claim cg:period ?p . ?p rdfs:label ?periodLabel OPTIONAL { ?p cg:periodicity ?periodicity } }
  OPTIONAL { ?claim cg:reportedBy ?reporter }
  OPTIONAL { ?claim cg:measure ?measure }
}"""


@dataclass
class ClaimFacts:
    claim: URIRef
    source: URIRef
    article: URIRef
    flow: str
    unit: str
    value: float | None
    low: float | None
    high: float | None
    qualifier: str | None
    subject: str
    evidence: str
    period: str | None
    reporter: URIRef | None
    measure: str | None = None

    def interval(self, tolerance: float, hedge_tolerance: float) -> tuple[float, float]:
        if self.value is not None:
            spread = hedge_tolerance if self.qualifier else tolerance
            return self.value * (1 - spread), self.value * (1 + spread)
        return (self.low if self.low is not None else -math.inf, self.high if self.high is not None else math.inf)

    def numbers(self) -> tuple:
        return (self.value, self.low, self.high)


@dataclass
class QuantityGroup:
    key: tuple
    claims: list[ClaimFacts]
    pairs: list[tuple[ClaimFacts, ClaimFacts, str, str]] = field(default_factory=list)

    @property
    def iri(self) -> URIRef:
        return ID["group/" + hashlib.sha256("|".join(map(str, self.key)).encode()).hexdigest()[:12]]

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


@cache
def _rules() -> MeasureRules:
    lex = load("measures")
    return MeasureRules(lex["tolerance"], lex["hedge_tolerance"], frozenset(lex["rate_measures"]))


def _number(value) -> float | None:
    return None if value is None else float(value)


def claim_facts(store: ClaimStore) -> list[ClaimFacts]:
    facts = []
    for row in store.query(CLAIM_FACTS):
        period = str(row.periodLabel) if row.periodLabel is not None else None
        if period == "annual" or (row.periodicity is not None and str(row.periodicity) == "annual"):
            period = "annual"
        f = ClaimFacts(row.claim, row.source, row.article, str(row.flow).split("#")[-1], str(row.unit),
                       _number(row.value), _number(row.low), _number(row.high),
                       str(row.qualifier) if row.qualifier is not None else None,
                       str(row.subject or ""), str(row.evidence), period, row.reporter,
                       str(row.measure) if row.measure is not None else None)
        facts.append(f)
    # One row per claim: the query can repeat a claim when a label differs between graphs.
    unique = {}
    for f in facts:
        unique.setdefault(f.claim, f)
    return sorted(unique.values(), key=lambda f: str(f.claim))


def _period_key(period: str | None) -> str | None:
    """'annual' and no stated period may be the same yearly figure; a dated period is its own."""
    if period in (None, "annual", "past year"):
        return None
    return period


def classify(a: ClaimFacts, b: ClaimFacts) -> tuple[str, str]:
    tolerance, hedge_tolerance, _ = _rules()
    if a.source == b.source:
        if a.numbers() == b.numbers():
            return "corroboration", "same source repeats the figure"
        return "update", "same source gives another figure for the quantity"
    lo_a, hi_a = a.interval(tolerance, hedge_tolerance)
    lo_b, hi_b = b.interval(tolerance, hedge_tolerance)
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
    if f.period is None:
        return f.measure in _rules().rate_measures
    return f.period != "past year"


PAIR_LIMIT = 60  # pairs grow with the square of a group: past this, one claim per source and figure


def representatives(members: list[ClaimFacts]) -> list[ClaimFacts]:
    """The claims whose pairs are classified. A big group keeps one claim per (source, figure)
    and at most PAIR_LIMIT of them, chosen in a fixed order, so that a corpus of years of coverage
    gives pairs in the thousands, not the millions."""
    if len(members) <= PAIR_LIMIT:
        return members
    seen, chosen = set(), []
    for m in sorted(members, key=lambda m: (str(m.source), m.numbers().__repr__(), str(m.claim))):
        key = (m.source, m.numbers())
        if key not in seen:
            seen.add(key)
            chosen.append(m)
    return chosen[:PAIR_LIMIT]


def group_claims(facts: list[ClaimFacts]) -> tuple[list[QuantityGroup], list[tuple[ClaimFacts, ClaimFacts, str]]]:
    groups: dict[tuple, list[ClaimFacts]] = {}
    for f in facts:
        if not comparable(f):
            continue
        groups.setdefault((f.flow, f.unit, f.measure, _period_key(f.period)), []).append(f)
    result = []
    for key, members in sorted(groups.items(), key=lambda kv: str(kv[0])):
        if len({m.article for m in members}) < 2 and len({m.source for m in members}) < 2:
            continue
        group = QuantityGroup(key, members)
        for a, b in combinations(representatives(members), 2):
            kind, reason = classify(a, b)
            group.pairs.append((a, b, kind, reason))
        result.append(group)
    # Look-alikes: same flow and unit, another measure (traced vs manufactured).
    different = []
    by_flow_unit: dict[tuple, list[ClaimFacts]] = {}
    for f in facts:
        if f.flow != "other" and f.measure is not None and f.unit == "percent":
            by_flow_unit.setdefault((f.flow, f.unit), []).append(f)
    for members in by_flow_unit.values():
        for a, b in combinations(representatives(members), 2):
            if a.measure != b.measure and a.article != b.article:
                different.append((a, b, f"{a.measure} is not {b.measure}"))
    return result, different


def analysis_graph(store: ClaimStore) -> Graph:
    """The cross-source analysis as a named graph: groups, pair relations, reasons."""
    facts = claim_facts(store)
    groups, different = group_claims(facts)
    graph = Graph(identifier=ANALYSIS_GRAPH)
    bind_prefixes(graph)
    for group in groups:
        node = group.iri
        graph.add((node, RDF.type, CG.QuantityGroup))
        graph.add((node, CG.topic, Literal(group.topic)))
        graph.add((node, CG.measure, Literal(group.key[2])))
        figures = {m.numbers() for m in group.claims}
        sources = {m.source for m in group.claims}
        graph.add((node, CG.hasDifferentFigures, Literal(len(figures) > 1 and len(sources) > 1)))
        graph.add((node, CG.hasConflict, Literal(any(k == "conflict" for _, _, k, _ in group.pairs))))
        for member in group.claims:
            graph.add((node, CG.member, member.claim))
        for a, b, kind, reason in group.pairs:
            prop = {"conflict": CG.conflictsWith, "corroboration": CG.corroborates, "update": CG.updates}[kind]
            graph.add((a.claim, prop, b.claim))
            if kind != "update":
                graph.add((b.claim, prop, a.claim))
        origins = {m.source for m in group.claims}
        for member in group.claims:
            graph.add((member.claim, CG.independentOrigins, Literal(len(origins), datatype=XSD.integer)))
    for a, b, reason in different:
        graph.add((a.claim, CG.differentMeasureFrom, b.claim))
        graph.add((b.claim, CG.differentMeasureFrom, a.claim))
        pair = ID["difference/" + hashlib.sha256(f"{a.claim}|{b.claim}".encode()).hexdigest()[:12]]
        graph.add((pair, CG.member, a.claim))
        graph.add((pair, CG.member, b.claim))
        graph.add((pair, CG.reason, Literal(reason)))
    return graph
