"""rdflib's Memory store: pure Python, for small graphs and as a second engine to check the first."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef

from graph.rdf.mapping import bind_prefixes
from graph.rdf.serialise import ox_term
from graph.store.backend import Backend, accepted

# rdflib's serialiser names for the media types it can answer the protocol in
RESULT_FORMATS = {"application/sparql-results+json": "json", "application/sparql-results+xml": "xml",
                  "text/csv": "csv", "text/tab-separated-values": "tsv"}
GRAPH_FORMATS = {"application/n-triples": "nt", "text/turtle": "turtle", "application/rdf+xml": "xml"}


class MemoryBackend(Backend):
    name = "memory"

    def __init__(self):
        self._dataset = Dataset(default_union=True)
        bind_prefixes(self._dataset)

    def load_file(self, path: Path) -> None:
        self._dataset.parse(path, format="nquads" if Path(path).suffix == ".nq" else "trig")

    def add_nquads(self, data: bytes) -> None:
        self._dataset.parse(data=data.decode("utf-8"), format="nquads")

    def remove_graph(self, identifier: URIRef) -> None:
        self._dataset.remove_graph(self._dataset.graph(identifier))

    def apply_diff(self, removed: bytes, added: bytes) -> None:
        for quad in ox.parse(removed, format=ox.RdfFormat.N_QUADS):
            self._dataset.remove(tuple(_rdflib_term(t) for t in (quad.subject, quad.predicate, quad.object, quad.graph_name)))
        self.add_nquads(added)

    def graph_names(self) -> list[str]:
        return sorted(str(g.identifier) for g in self._dataset.graphs() if isinstance(g.identifier, URIRef) and len(g))

    def graph_quads(self, name: str) -> list[ox.Quad]:
        graph = ox.NamedNode(name)
        return [ox.Quad(ox_term(s), ox_term(p), ox_term(o), graph) for s, p, o in self._dataset.graph(URIRef(name))]

    def answer(self, text: str, accept: str = "") -> tuple[str, bytes]:
        result = self._query(text)
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            media = accepted(accept, GRAPH_FORMATS, "application/n-triples")
            return media, result.serialize(format=GRAPH_FORMATS[media])
        media = accepted(accept, RESULT_FORMATS, "application/sparql-results+json")
        return media, result.serialize(format=RESULT_FORMATS[media])

    def _query(self, text: str, bindings: dict | None = None):
        if bindings:
            from graph.queries import with_bindings
            from graph.store.backend import values_filter

            return self._dataset.query(with_bindings(text, values_filter(bindings)))
        return self._dataset.query(text)

    def select(self, text: str, bindings: dict | None = None) -> list[dict[str, str]]:
        from graph.queries import rows

        return rows(self._query(text, bindings))

    def write_results(self, text: str, fmt: str, output: BinaryIO, bindings: dict | None = None) -> None:
        from graph.queries import format_result

        output.write(format_result(self._query(text, bindings), fmt).encode("utf-8"))

    @property
    def dataset(self) -> Dataset:
        return self._dataset


def _rdflib_term(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    # rdflib keeps a plain literal apart from an xsd:string one; N-Quads cannot tell them apart
    plain = term.language or term.datatype.value == XSD_STRING
    return Literal(term.value, lang=term.language, datatype=None if plain else URIRef(term.datatype.value))


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
