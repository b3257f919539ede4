"""The embedded default: Oxigraph (pyoxigraph), in memory or persisted in a folder. Bulk reads and
writes go straight to pyoxigraph, where rdflib's object path is slow; the rdflib Dataset over it
(oxrdflib) is made only when asked for."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Dataset, URIRef

from graph.rdf.mapping import bind_prefixes
from graph.rdf.serialise import solution_rows
from graph.store.backend import GRAPH_TYPES, RESULT_TYPES, Backend, StoreError, accepted, values_filter

RESULT_FORMATS = {"csv": ox.QueryResultsFormat.CSV, "json": ox.QueryResultsFormat.JSON}


def _format(path: Path) -> ox.RdfFormat:
    return ox.RdfFormat.N_QUADS if Path(path).suffix == ".nq" else ox.RdfFormat.TRIG


class OxigraphBackend(Backend):
    name = "oxigraph"
    parallel_reads = 2  # Oxigraph lets go of the GIL while it evaluates a query

    def __init__(self, path: Path | None = None, read_only: bool = False):
        self.path = Path(path) if path is not None else None
        if path is None:
            self.store = ox.Store()
        else:
            try:
                self.store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
            except OSError as error:
                raise StoreError(f"{path}: cannot open the Oxigraph store ({error})") from error
            except RuntimeError as error:  # RocksDB checks its files on opening: a lost one is "Corruption"
                raise StoreError(f"{path}: the Oxigraph store is damaged ({str(error).splitlines()[0][:200]}); "
                                 "the next build makes it again from its cache") from error
        self._dataset: Dataset | None = None  # oxrdflib costs a third of a read command's start-up

    @classmethod
    def open(cls, location: Path | str | None = None, read_only: bool = False) -> "OxigraphBackend":
        return cls(location, read_only)

    def load_file(self, path: Path) -> None:
        self.store.bulk_load(path=str(path), format=_format(path))

    def add_nquads(self, data: bytes) -> None:
        self.store.load(data, format=ox.RdfFormat.N_QUADS)

    def bulk_add_nquads(self, data: bytes) -> None:
        self.store.bulk_load(data, format=ox.RdfFormat.N_QUADS)

    def remove_graph(self, identifier: URIRef) -> None:
        node = ox.NamedNode(str(identifier))
        if node in set(self.store.named_graphs()):
            self.store.remove_graph(node)

    def apply_diff(self, removed: bytes, added: bytes) -> None:
        for quad in ox.parse(removed, format=ox.RdfFormat.N_QUADS):
            self.store.remove(quad)
        self.store.load(added, format=ox.RdfFormat.N_QUADS)

    def flush(self) -> None:
        self.store.flush()

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def solutions(self, text: str, bindings: dict | None = None) -> ox.QuerySolutions:
        from graph.queries import with_bindings

        if bindings:
            text = with_bindings(text, values_filter(bindings))
        return self.store.query(text, use_default_graph_as_union=True)

    def select(self, text: str, bindings: dict | None = None) -> list[dict[str, str]]:
        # pyoxigraph's solutions read directly: rdflib's term conversion costs more than the query
        return solution_rows(self.solutions(text, bindings))

    def write_results(self, text: str, fmt: str, output: BinaryIO, bindings: dict | None = None) -> None:
        self.solutions(text, bindings).serialize(output, format=RESULT_FORMATS[fmt])

    @property
    def dataset(self) -> Dataset:
        if self._dataset is None:
            from oxrdflib.store import OxigraphStore

            self._dataset = Dataset(store=OxigraphStore(store=self.store), default_union=True)
            bind_prefixes(self._dataset)
        return self._dataset

    def graph_quads(self, name: str) -> list[ox.Quad]:
        return list(self.store.quads_for_pattern(None, None, None, ox.NamedNode(name)))

    def graph_ntriples(self, name: str) -> bytes:
        return self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name))

    def answer(self, text: str, accept: str = "") -> tuple[str, bytes]:
        result = self.store.query(text, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryTriples):
            media = accepted(accept, GRAPH_TYPES, "application/n-triples")
            return media, result.serialize(format=getattr(ox.RdfFormat, GRAPH_TYPES[media]))
        media = accepted(accept, RESULT_TYPES, "application/sparql-results+json")
        return media, result.serialize(format=getattr(ox.QueryResultsFormat, RESULT_TYPES[media]))

    def select_in(self, text: str, graphs: list[str]) -> list[dict[str, str]]:
        return solution_rows(self.store.query(text, default_graph=[ox.NamedNode(g) for g in graphs]))

    def violations(self, graphs: list[str] | None = None, focus: set[str] | None = None) -> list:
        from graph.rdf.shapes import validate_store

        return validate_store(self.store, graphs, focus=focus)
