"""What every store backend does: the API ClaimStore delegates to. A backend is a plugin, as an
rdflib store is: registered by name in rdflib's plugin registry (kind Backend) and opened by
name, never chosen by if/elif. tests/test_store_contract.py holds one contract test class that
each passes."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Dataset, URIRef, plugin

from graph.rdf.serialise import ox_term, solution_rows


class StoreError(RuntimeError):
    pass


class Backend(ABC):
    name: str = ""
    path: Path | None = None  # the folder of a persisted store, else None
    parallel_reads: int = 1  # queries a reader may run side by side in threads of one process

    @classmethod
    def open(cls, location: Path | str | None = None, read_only: bool = False) -> "Backend":
        """The backend at a location (a folder, a URL, or None for a new one in memory)."""
        return cls()

    # writing
    @abstractmethod
    def load_file(self, path: Path) -> None:
        """Add a TriG or N-Quads (.nq) file."""

    @abstractmethod
    def add_nquads(self, data: bytes) -> None:
        """Add N-Quads in one transaction."""

    def bulk_add_nquads(self, data: bytes) -> None:
        """Add N-Quads for a store nobody reads until the load is done (no transaction where the
        engine allows that)."""
        self.add_nquads(data)

    @abstractmethod
    def remove_graph(self, identifier: URIRef) -> None: ...

    @abstractmethod
    def apply_diff(self, removed: bytes, added: bytes) -> None:
        """Remove the quads of one N-Quads text and add those of another."""

    def flush(self) -> None:
        """Make what was written durable (a persisted store)."""

    # reading
    @abstractmethod
    def graph_names(self) -> list[str]:
        """The named graphs holding triples, sorted."""

    @abstractmethod
    def graph_quads(self, name: str) -> list[ox.Quad]:
        """Every quad of one named graph, in no particular order."""

    def graph_ntriples(self, name: str) -> bytes:
        """One named graph's triples as N-Triples."""
        return ox.serialize([quad.triple for quad in self.graph_quads(name)], format=ox.RdfFormat.N_TRIPLES)

    @abstractmethod
    def select(self, text: str, bindings: dict | None = None) -> list[dict[str, str]]:
        """SELECT over the union of the named graphs, as dicts of plain strings ("" when unbound).
        Bindings keep the rows whose result column has that value."""

    @abstractmethod
    def write_results(self, text: str, fmt: str, output: BinaryIO, bindings: dict | None = None) -> None:
        """A SELECT's results as W3C CSV or JSON ("csv", "json") to a binary stream."""

    @abstractmethod
    def answer(self, text: str, accept: str = "") -> tuple[str, bytes]:
        """Any query's result as the SPARQL protocol returns it: (media type, bytes) in the first
        type of Accept the backend can write (JSON results or N-Triples else)."""

    def select_in(self, text: str, graphs: list[str]) -> list[dict[str, str]]:
        """A SELECT over the named graphs given (their union as the default graph). This default
        copies just those graphs into a scratch Oxigraph store; Oxigraph reads them in place."""
        scratch = self._scratch(graphs)
        return solution_rows(scratch.query(text, default_graph=[ox.NamedNode(g) for g in graphs]))

    def violations(self, graphs: list[str] | None = None, focus: set[str] | None = None) -> list:
        """What in these graphs (all when None) breaks the SHACL shapes compiled to SPARQL. This
        default copies those graphs into a scratch Oxigraph store; Oxigraph checks them in place."""
        from graph.rdf.shapes import validate_store

        return validate_store(self._scratch(self.graph_names() if graphs is None else graphs), graphs, focus=focus)

    def _scratch(self, graphs: list[str]) -> ox.Store:
        store = ox.Store()
        for name in graphs:
            store.extend(self.graph_quads(name))
        return store

    @property
    @abstractmethod
    def dataset(self) -> Dataset:
        """The store as an rdflib Dataset whose default graph is the union of all graphs."""


# The media types of the SPARQL protocol's answers, by the engine's names for their formats.
RESULT_TYPES = {"text/csv": "CSV", "text/tab-separated-values": "TSV",
                "application/sparql-results+xml": "XML", "application/sparql-results+json": "JSON"}
GRAPH_TYPES = {"text/turtle": "TURTLE", "application/n-triples": "N_TRIPLES", "application/rdf+xml": "RDF_XML"}


def accepted(accept: str, types: dict[str, str], fallback: str) -> str:
    """The first media type of an Accept header that types knows, else fallback."""
    wanted = [part.split(";")[0].strip().lower() for part in (accept or "").split(",")]
    return next((media for media in wanted if media in types), fallback)


def values_filter(bindings: dict) -> str:
    """Bound values as a FILTER that keeps the rows whose columns hold exactly those terms, each
    term written by the engine's own serialiser (escaped, never pasted from the user's text as it
    came). Not VALUES nor substitution: both join, and a row whose column is unbound (an OPTIONAL
    that did not match) would be kept with the bound value written into it."""
    tests = " && ".join(f"sameTerm(?{name}, {ox_term(value)})" for name, value in bindings.items())
    return f"FILTER({tests})"


def register(name: str, module: str, class_name: str) -> None:
    """Make a backend class openable by name; its module is imported only when first opened."""
    plugin.register(name, Backend, module, class_name)


def backend_names() -> list[str]:
    return sorted(p.name for p in plugin.plugins(kind=Backend))


def open_backend(name: str, location: Path | str | None = None, read_only: bool = False) -> Backend:
    """The backend registered under name, opened at location."""
    try:
        backend = plugin.get(name, Backend)
    except plugin.PluginException:
        raise StoreError(f"unknown store backend {name!r}: use one of {', '.join(backend_names())}") from None
    return backend.open(location, read_only)


register("oxigraph", "graph.store.oxigraph_backend", "OxigraphBackend")
register("memory", "graph.store.memory_backend", "MemoryBackend")
register("remote", "graph.store.remote", "RemoteBackend")
