"""Across sources: group claims that measure the same quantity, and classify each pair as
conflict, corroboration, different measure or update. Results go to their own named graph."""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from itertools import combinations
from typing import Iterable, NamedTuple

import pyoxigraph as ox
from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import XSD

from extract.lexicon import load
from ontology import CG

from .rdf import ANALYSIS_GRAPH, ID
from .store import ClaimStore

CLAIM_FACTS = """
PREFIX cg: <https://w3id.org/claimgraph/ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX wikibase: <http://wikiba.se/ontology#>
SELECT ?claim ?source ?sourceLabel ?article ?flow ?unit ?value ?low ?high ?qualifier ?subject ?evidence ?periodLabel ?periodicity ?reporter ?measure
WHERE {
  ?claim a cg:FigureClaim ; prov:wasAttributedTo ?source ; cg:sourceLabel ?sourceLabel ; prov:wasDerivedFrom ?article ;
         cg:flow ?flow ; cg:quantity ?q ; cg:evidence/cg:exact ?evidence .
  ?q cg:unitLabel ?unit .
  OPTIONAL { ?q wikibase:quantityAmount ?value } OPTIONAL { ?q wikibase:quantityLowerBound ?low }
  OPTIONAL { ?q wikibase:quantityUpperBound ?high } OPTIONAL { ?q cg:qualifier ?qualifier }
  OPTIONAL { ?claim cg:subject ?subject }
  OPTIONAL { ?claim cg:period ?p . ?p rdfs:label ?periodLabel OPTIONAL { ?p cg:periodicity ?periodicity } }
  OPTIONAL { ?claim cg:reportedBy ?reporter }
  OPTIONAL { ?claim cg:measure ?measure }
}"""


ENTITY_FACTS = """
PREFIX cg: <https://w3id.org/claimgraph/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?entity ?type ?label ?alias
WHERE {
  ?entity a ?class .
  FILTER (?class IN (cg:Agency, cg:Organization, cg:CriminalOrganization, cg:Person, cg:Operation,
                     cg:Document, cg:Outlet, cg:Country, cg:Group, cg:Entity))
  BIND (STRAFTER(STR(?class), "#") AS ?type)
  OPTIONAL { ?entity rdfs:label ?label }
  OPTIONAL { ?entity skos:altLabel ?alias }
}"""


class EntityRow(NamedTuple):
    """One ENTITY_FACTS row."""
    entity: str
    type: str
    label: str
    alias: str


def entity_index(rows: Iterable[EntityRow]) -> list[tuple[str, str, str, list[str]]]:
    """ENTITY_FACTS rows of every article -> (entity, label, type, aliases) once per entity: the
    label and type most articles give it, and every alias any gives it. An entity no article
    gives a type more precise than cg:Entity is left out."""
    types: dict[str, Counter] = {}
    labels: dict[str, Counter] = {}
    aliases: dict[str, set[str]] = {}
    for row in rows:
        if row.type != "Entity":
            types.setdefault(row.entity, Counter())[row.type] += 1
        if row.label:
            labels.setdefault(row.entity, Counter())[row.label] += 1
        if row.alias:
            aliases.setdefault(row.entity, set()).add(row.alias)
    return [(entity, _most_common(labels.get(entity, Counter({"": 1}))), _most_common(types[entity]),
             sorted(aliases.get(entity, ()))) for entity in sorted(types)]


def _most_common(counts: Counter) -> str:
    return min(counts, key=lambda k: (-counts[k], k))  # ties go to the first name in order


@dataclass(slots=True)  # a large corpus has hundreds of thousands of these
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
    source_label: str = ""

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


def _number(value: str) -> float | None:
    return float(value) if value else None


def claim_facts(store: ClaimStore) -> list[ClaimFacts]:
    return claim_facts_from_rows(store.select(CLAIM_FACTS))


def claim_facts_from_rows(rows: Iterable[dict[str, str]]) -> list[ClaimFacts]:
    """CLAIM_FACTS rows -> one ClaimFacts per claim, in claim order. The build caches each
    article's rows, so that a rebuild need not read every claim back out of the store."""
    unique: dict[URIRef, ClaimFacts] = {}
    for row in rows:
        # one row per claim: the query can repeat a claim when a label differs between graphs
        claim = URIRef(row["claim"])
        if claim in unique:
            continue
        period = row["periodLabel"] or None
        if period == "annual" or row["periodicity"] == "annual":
            period = "annual"
        unique[claim] = ClaimFacts(claim, URIRef(row["source"]), URIRef(row["article"]), row["flow"].split("#")[-1],
                                   row["unit"], _number(row["value"]), _number(row["low"]), _number(row["high"]),
                                   row["qualifier"] or None, row["subject"], row["evidence"], period,
                                   URIRef(row["reporter"]) if row["reporter"] else None, row["measure"] or None,
                                   row["sourceLabel"])
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


class AnalysisWriter:
    """Collects the analysis as N-Quads lines of its named graph: a large corpus's analysis has
    hundreds of thousands of triples, and building rdflib or pyoxigraph objects for each costs
    more than the analysis itself."""

    def __init__(self):
        self.graph = _nt(ANALYSIS_GRAPH)
        self._lines: dict[str, None] = {}  # an ordered set: the order is the analysis's, fixed

    def add(self, subject, predicate, obj) -> None:
        self._lines[f"{_nt(subject)} {_nt(predicate)} {_nt(obj)} {self.graph} .\n"] = None

    def nquads(self) -> bytes:
        return "".join(self._lines).encode("utf-8")


@cache
def _iri_nt(iri: str) -> str:
    return str(ox.NamedNode(iri))  # pyoxigraph checks the IRI and writes it as N-Triples


def _nt(term) -> str:
    """A term in N-Triples syntax; literals are escaped by pyoxigraph."""
    if isinstance(term, URIRef):
        return _iri_nt(str(term))
    if isinstance(term, bool):
        return f'"{"true" if term else "false"}"^^<{XSD.boolean}>'
    if isinstance(term, int):
        return f'"{term}"^^<{XSD.integer}>'
    return str(ox.Literal(str(term)))


def analysis_quads(facts: list[ClaimFacts], entities: list[tuple[str, str, str, list[str]]] = ()) -> AnalysisWriter:
    """The cross-source analysis as a named graph: groups, pair relations, reasons, each
    source's counts, and the corpus's index of entities (so that listing sources or entities
    reads a row each, not every claim or every article's description)."""
    groups, different = group_claims(facts)
    out = AnalysisWriter()
    for group in groups:
        node = group.iri
        out.add(node, RDF.type, CG.QuantityGroup)
        out.add(node, CG.topic, group.topic)
        out.add(node, CG.measure, group.key[2])
        figures = {m.numbers() for m in group.claims}
        sources = {m.source for m in group.claims}
        out.add(node, CG.hasDifferentFigures, len(figures) > 1 and len(sources) > 1)
        out.add(node, CG.hasConflict, any(k == "conflict" for _, _, k, _ in group.pairs))
        for member in group.claims:
            out.add(node, CG.member, member.claim)
        for a, b, kind, reason in group.pairs:
            prop = {"conflict": CG.conflictsWith, "corroboration": CG.corroborates, "update": CG.updates}[kind]
            out.add(a.claim, prop, b.claim)
            if kind != "update":
                out.add(b.claim, prop, a.claim)
        for member in group.claims:
            out.add(member.claim, CG.independentOrigins, len(sources))
    for a, b, reason in different:
        out.add(a.claim, CG.differentMeasureFrom, b.claim)
        out.add(b.claim, CG.differentMeasureFrom, a.claim)
        pair = ID["difference/" + hashlib.sha256(f"{a.claim}|{b.claim}".encode()).hexdigest()[:12]]
        out.add(pair, CG.member, a.claim)
        out.add(pair, CG.member, b.claim)
        out.add(pair, CG.reason, reason)
    by_source: dict[URIRef, list[ClaimFacts]] = {}
    for f in facts:
        by_source.setdefault(f.source, []).append(f)
    for source, claims in sorted(by_source.items()):
        out.add(source, CG.claimCount, len(claims))
        out.add(source, CG.articleCount, len({f.article for f in claims}))
        out.add(source, RDFS.label, Counter(f.source_label for f in claims).most_common(1)[0][0])
    for entity, label, kind, aliases in entities:
        node = URIRef(entity)
        out.add(node, CG.corpusLabel, label)
        out.add(node, CG.corpusType, kind)
        if aliases:
            out.add(node, CG.corpusAliases, "|".join(aliases))
    return out
