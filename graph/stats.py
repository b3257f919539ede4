"""Counts of what a graph holds."""

from __future__ import annotations

from .store import ClaimStore

COUNTS = {
    "articles": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a cg:Article }",
    "claims": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a cg:FigureClaim }",
    "unattributed claims": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a cg:FigureClaim ; cg:unattributed true }",
    "sources": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?x a cg:FigureClaim ; prov:wasAttributedTo ?s }",
    "entities": """SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?c . FILTER (?c IN (cg:Agency, cg:Organization,
        cg:CriminalOrganization, cg:Person, cg:Operation, cg:Document, cg:Outlet, cg:Country, cg:Group)) }""",
    "operations": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a cg:Operation }",
    "agency-operation relations": """SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a cg:RelationAssertion ; cg:relation ?p .
        FILTER (?p IN (cg:runs, cg:led, cg:initiated, cg:partners)) }""",
    "quantity groups": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a cg:QuantityGroup }",
    "conflicting pairs": "SELECT (COUNT(*) AS ?n) WHERE { ?a cg:conflictsWith ?b . FILTER (STR(?a) < STR(?b)) }",
}
PREFIXES = "PREFIX cg: <https://w3id.org/claimgraph/ns#>\nPREFIX prov: <http://www.w3.org/ns/prov#>\n"


def count(store: ClaimStore) -> dict[str, int]:
    return {name: store.count(PREFIXES + text) for name, text in COUNTS.items()}
