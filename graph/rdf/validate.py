"""SHACL validation of a claims graph against ontology/shapes.ttl (pyshacl), for `claimgraph
validate` and the tests; the build runs the same shapes compiled to SPARQL (shapes_sparql.py)."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Iterator

from pyshacl import validate as shacl_validate
from rdflib import XSD, Graph, Literal

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
    """The SHACL report, with every literal that is not a value of its datatype ("2024-13-45"
    as an xsd:date) reported first: such a graph does not conform, whatever the shapes say."""
    _plain_strings(data)
    conforms, _, text = shacl_validate(data, shacl_graph=_shapes(), ont_graph=_ontology(), inference="none",
                                       advanced=True, allow_warnings=True)
    bad = ill_typed_literals(data)
    if bad:
        listed = "".join(f"  {s.n3()} {p.n3()} {o.n3()}\n" for s, p, o in bad[:MAX_LISTED])
        more = f"  ... and {len(bad) - MAX_LISTED} more\n" if len(bad) > MAX_LISTED else ""
        text = f"{len(bad)} literal(s) not valid for their datatype:\n{listed}{more}" + (text if not conforms else "")
    return ValidationReport(bool(conforms) and not bad, text)


MAX_LISTED = 20


def _plain_strings(data: Graph) -> None:
    """"x"^^xsd:string as "x", as RDF 1.1 has it: rdflib tells them apart, so a shape's sh:in ("x")
    would refuse the typed one that a store hands back."""
    typed = [(s, p, o) for s, p, o in data if isinstance(o, Literal) and o.datatype == XSD.string]
    for s, p, o in typed:
        data.remove((s, p, o))
        data.add((s, p, Literal(str(o))))


def ill_typed_literals(data: Graph) -> list:
    """The triples whose object is a literal its datatype cannot read."""
    return sorted((s, p, o) for s, p, o in data if isinstance(o, Literal) and o.ill_typed)


@contextmanager
def quiet_literal_warnings() -> Iterator[None]:
    """rdflib logs a traceback for each ill-typed literal it reads; validate_graph reports them instead."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
