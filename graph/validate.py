"""SHACL validation of a claims graph against ontology/shapes.ttl (pyshacl)."""

from __future__ import annotations

from dataclasses import dataclass

from pyshacl import validate as shacl_validate
from rdflib import Graph

from ontology import ONTOLOGY_FILE, SHAPES_FILE


@dataclass
class ValidationReport:
    conforms: bool
    text: str


def validate_graph(data: Graph) -> ValidationReport:
    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    ontology = Graph().parse(ONTOLOGY_FILE, format="turtle")
    conforms, _, text = shacl_validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none",
                                       advanced=True, allow_warnings=True)
    return ValidationReport(bool(conforms), text)
