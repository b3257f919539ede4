"""SHACL validation of a claims graph against ontology/shapes.ttl (pyshacl)."""

from __future__ import annotations

from dataclasses import dataclass

from functools import cache

from pyshacl import validate as shacl_validate
from rdflib import Graph
from rdflib.namespace import SH

from ontology import CG, ONTOLOGY_FILE, SHAPES_FILE


@dataclass
class ValidationReport:
    conforms: bool
    text: str


@cache
def _shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


@cache
def _ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


@cache
def _core_shapes() -> Graph:
    """The shapes without their SHACL-SPARQL constraints (the evidence-offset check), which
    rdflib runs slowly, once per claim; the build checks offsets in Python instead."""
    shapes = Graph()
    for triple in _shapes():
        shapes.add(triple)
    for shape, _, constraint in list(shapes.triples((None, SH.sparql, None))):
        shapes.remove((shape, SH.sparql, constraint))
        shapes.remove((constraint, None, None))
    return shapes


def validate_graph(data: Graph, with_sparql: bool = True) -> ValidationReport:
    shapes = _shapes() if with_sparql else _core_shapes()
    conforms, _, text = shacl_validate(data, shacl_graph=shapes, ont_graph=_ontology(), inference="none",
                                       advanced=True, allow_warnings=True)
    return ValidationReport(bool(conforms), text)


EVIDENCE = """PREFIX cg: <https://w3id.org/claimgraph/ns#> PREFIX schema: <https://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?node ?start ?end ?exact ?text WHERE {
  ?node cg:evidence ?e ; prov:wasDerivedFrom ?a . ?e cg:start ?start ; cg:end ?end ; cg:exact ?exact .
  ?a schema:text ?text }"""


def evidence_offsets_ok(data: Graph) -> list[str]:
    """The SHACL-SPARQL offset constraint, in Python: text[start:end] must be the evidence."""
    return [f"{row.node}: evidence offsets {row.start}-{row.end} do not slice the article text back to the evidence"
            for row in data.query(EVIDENCE) if str(row.text)[int(row.start):int(row.end)] != str(row.exact)]


CLAIMS = """PREFIX cg: <https://w3id.org/claimgraph/ns#>
SELECT DISTINCT ?claim WHERE { ?claim a cg:FigureClaim }"""


def validate_analysis(store, analysis: Graph) -> ValidationReport:
    """The analysis graph against the shapes, and every claim it points at present in the store."""
    report = validate_graph(analysis)
    claims = {row.claim for row in store.query(CLAIMS)}
    missing = sorted({o for _, _, o in analysis.triples((None, CG.member, None))} - claims)
    if missing:
        text = "".join(f"analysis names a claim the store lacks: {m}\n" for m in missing)
        return ValidationReport(False, report.text + text)
    return report


def short(text: str, lines: int = 40) -> str:
    """The head of a long validation report."""
    rows = text.splitlines()
    return "\n".join(rows[:lines]) + (f"\n... ({len(rows) - lines} more lines)" if len(rows) > lines else "")
