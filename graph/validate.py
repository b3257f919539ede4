"""SHACL validation of a claims graph against ontology/shapes.ttl (pyshacl)."""

from __future__ import annotations

from dataclasses import dataclass

from functools import cache

from pyshacl import validate as shacl_validate
from rdflib import Graph

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


def validate_graph(data: Graph) -> ValidationReport:
    conforms, _, text = shacl_validate(data, shacl_graph=_shapes(), ont_graph=_ontology(), inference="none",
                                       advanced=True, allow_warnings=True)
    return ValidationReport(bool(conforms), text)


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
