"""sorted_quads orders one graph's quads by their N-Quads text (cheaper) exactly as by
(graph, subject, predicate, object): checked on terms built to be prefixes of one another."""

from __future__ import annotations

import itertools
import random

import pyoxigraph as ox

from graph.rdf.serialise import sorted_quads

GRAPH = ox.NamedNode("https://w3id.org/claimgraph/id/graph/a")
IRIS = [ox.NamedNode(iri) for iri in ("http://x/a", "http://x/ab", "http://x/a-b", "http://x/a/b", "http://x/a#b", "http://x/A")]
BLANKS = [ox.BlankNode(label) for label in ("b1", "b10", "b1x", "B1")]
VALUES = ["a", "a b", "a\tb", "a\"b", "a\\b", "a\nb", "a\x01", "", " ", "á", "a\u2028", "ab"]
LITERALS = ([ox.Literal(value) for value in VALUES] + [ox.Literal(value, language=tag) for value in VALUES[:4] for tag in ("en", "en-us", "es")]
            + [ox.Literal(value, datatype=ox.NamedNode(dt)) for value in ("1", "10", "1.5") for dt in
               ("http://www.w3.org/2001/XMLSchema#integer", "http://www.w3.org/2001/XMLSchema#int", "http://x/a")])


def _by_terms(quads: list[ox.Quad]) -> list[ox.Quad]:
    return sorted(quads, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))


def test_one_graph_sorts_as_its_terms_do():
    subjects, predicates, objects = IRIS + BLANKS, IRIS[:4], IRIS + BLANKS + LITERALS
    quads = [ox.Quad(s, p, o, GRAPH) for s, p, o in itertools.product(subjects, predicates, objects)]
    assert len(quads) > 1000
    random.Random(7).shuffle(quads)
    assert sorted_quads(quads) == _by_terms(quads)


def test_quads_of_several_graphs_sort_by_graph_first():
    other = ox.NamedNode("https://w3id.org/claimgraph/id/graph/B")
    quads = [ox.Quad(s, IRIS[0], o, graph) for s in IRIS for o in LITERALS[:6] for graph in (GRAPH, other, ox.DefaultGraph())]
    random.Random(3).shuffle(quads)
    assert sorted_quads(iter(quads)) == _by_terms(quads)


def test_quads_holding_a_triple_term_sort_term_by_term():
    """A triple term is written one way alone and another inside a quad: its quads fall back."""
    subject, predicate = IRIS[0], IRIS[1]
    quoted = ox.Triple(subject, predicate, ox.Literal("o"))
    quads = [ox.Quad(subject, predicate, quoted, GRAPH), ox.Quad(subject, predicate, ox.Literal("<<"), GRAPH),
             ox.Quad(subject, predicate, IRIS[2], GRAPH)]
    assert sorted(quads, key=str) != _by_terms(quads)  # the text alone would sort them otherwise
    assert sorted_quads(reversed(quads)) == _by_terms(quads)
