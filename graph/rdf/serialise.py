"""Terms, graphs and query rows out of pyoxigraph, in a fixed form: the per-article blocks the
build caches (sorted N-Quads and TriG) and the rows the analysis's facts are cached as.

This file is part of the cache key (CACHED_CODE): its output is what the cache holds."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, URIRef

from graph.rdf.mapping import PREFIXES


def strip_prefixes(body: bytes) -> bytes:
    """Oxigraph's own prefix lines come in no fixed order; the stream writes ours once, first."""
    lines = body.split(b"\n")
    while lines and lines[0].startswith(b"@prefix"):
        lines.pop(0)
    return b"\n".join(lines)


def solution_rows(solutions: ox.QuerySolutions) -> list[dict[str, str]]:
    names = [v.value for v in solutions.variables]
    return [dict(zip(names, ("" if term is None else term.value for term in row))) for row in solutions]


def ox_term(term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    datatype = getattr(term, "datatype", None)
    language = getattr(term, "language", None)
    if language:
        return ox.Literal(str(term), language=language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(datatype)) if datatype else None)


def sorted_quads(quads) -> list[ox.Quad]:
    """Quads sorted by graph, subject, predicate and object, each term as N-Quads writes it. The
    quads of one graph (an article's) sort by their N-Quads text alone, in a third of the time:
    no term's text begins another's but where the longer goes on with a character above the space
    that ends the shorter (an IRI closes at '>', a tag or datatype follows a literal's quote, a
    blank node's label goes on with letters), so the text sorts as (subject, predicate, object) do.
    A triple term is written otherwise inside a quad than alone, so quads holding one (claimgraph
    makes none) are sorted term by term."""
    quads = list(quads)
    if len({q.graph_name for q in quads}) <= 1 and not any(isinstance(q.object, ox.Triple) for q in quads):
        return sorted(quads, key=str)
    return sorted(quads, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))


def canonical_blocks(quads: list[ox.Quad]) -> tuple[bytes, bytes]:
    """One graph's quads, sorted, as N-Quads and as a TriG block without prefix lines: the build
    caches both per article and concatenates them into graph.nq and graph.trig."""
    return sorted_blocks(sorted_quads(quads))


def sorted_blocks(quads: list[ox.Quad]) -> tuple[bytes, bytes]:
    """canonical_blocks of quads already in sorted_quads' order."""
    return (ox.serialize(quads, format=ox.RdfFormat.N_QUADS),
            strip_prefixes(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)))


def trig_header() -> bytes:
    return "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in PREFIXES.items()).encode()
