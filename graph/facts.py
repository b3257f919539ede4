"""What the analysis reads of each article: two queries run on the article's graph when it is
extracted, whose rows are cached with it, and the compact records the rows become. A rebuild
reads these rows, not the store, so the analysis costs nothing per unchanged article's graph.

This file is part of the cache key (CACHED_CODE): the rows it defines are what the cache holds."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, NamedTuple


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
                                   row["reporter"] or None, row["measure"] or None, row["sourceLabel"])
    return sorted(unique.values(), key=lambda f: f.claim)
