"""What every store backend does: the API ClaimStore delegates to. A backend is a plugin, as an
rdflib store is; tests/test_store_contract.py holds one contract test class that each passes."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Dataset, URIRef

from graph.rdf.serialise import ox_term


class StoreError(RuntimeError):
    pass


class Backend(ABC):
    name: str = ""
    path: Path | None = None  # the folder of a persisted store, else None

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
    def select(self, text: str, bindings: dict | None = None) -> list[dict[str, str]]:
        """SELECT over the union of the named graphs, as dicts of plain strings ("" when unbound).
        Bindings keep the rows whose result column has that value."""

    @abstractmethod
    def write_results(self, text: str, fmt: str, output: BinaryIO, bindings: dict | None = None) -> None:
        """A SELECT's results as W3C CSV or JSON ("csv", "json") to a binary stream."""

    @property
    @abstractmethod
    def dataset(self) -> Dataset:
        """The store as an rdflib Dataset whose default graph is the union of all graphs."""

    def oxigraph(self) -> ox.Store:
        """An Oxigraph store with the same quads, for the engine's ordered dumps, named-graph
        queries and the SHACL check compiled to SPARQL."""
        store = ox.Store()
        store.load(self.dataset.serialize(format="nquads").encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        return store


def values_block(bindings: dict) -> str:
    """Bound values as a VALUES block, each term written by the engine's own serialiser (escaped,
    never pasted from the user's text as it came)."""
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(str(ox_term(value)) for value in bindings.values())
    return f"VALUES ({names}) {{ ({terms}) }}"
