"""SHACL validation of a claims graph against ontology/shapes.ttl (pyshacl), for `claimgraph
validate` and the tests; the build runs the same shapes compiled to SPARQL (shapes_sparql.py)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pyshacl import validate as shacl_validate
from rdflib import Graph

from ontology import ONTOLOGY_FILE, SHAPES_FILE


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
