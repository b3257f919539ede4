"""The claims store: an rdflib Dataset with one named graph per article, behind one small API.
The store plugin is a setting ("Memory" by default; "Oxigraph" with oxrdflib installed)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from ontology import ONTOLOGY_FILE

from .rdf import ONTOLOGY_GRAPH, bind_prefixes


class StoreError(RuntimeError):
    pass


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write to a temporary file beside path, then rename: a crash never leaves half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class ClaimStore:
    def __init__(self, store: str = "default"):
        self.dataset = Dataset(store=store, default_union=True)
        bind_prefixes(self.dataset)

    @classmethod
    def load(cls, trig: Path) -> "ClaimStore":
        trig = Path(trig)
        if not trig.exists():
            raise StoreError(f"{trig}: no such graph file (run `claimgraph build` first)")
        store = cls()
        try:
            store.dataset.parse(trig, format="trig")
        except Exception as error:  # rdflib raises many kinds; name the file either way
            raise StoreError(f"{trig}: not a readable TriG file ({error})") from error
        return store

    def add_ontology(self) -> None:
        graph = self.dataset.graph(ONTOLOGY_GRAPH)
        graph.remove((None, None, None))
        graph.parse(ONTOLOGY_FILE, format="turtle")

    def put_graph(self, graph: Graph) -> None:
        """Replace the named graph with graph's identifier by graph's triples."""
        target = self.dataset.graph(graph.identifier)
        target.remove((None, None, None))
        for triple in graph:
            target.add(triple)

    def remove_graph(self, identifier: URIRef) -> None:
        self.dataset.remove_graph(self.dataset.graph(identifier))

    def graph(self, identifier: URIRef) -> Graph:
        return self.dataset.graph(identifier)

    def graph_names(self) -> list[URIRef]:
        return sorted(g.identifier for g in self.dataset.graphs() if isinstance(g.identifier, URIRef) and len(g))

    def query(self, text: str, bindings: dict | None = None):
        return self.dataset.query(text, initBindings=bindings or {})

    def serialize(self, fmt: str = "trig") -> str:
        return self.dataset.serialize(format=fmt)

    def save(self, path: Path, fmt: str = "trig") -> None:
        atomic_write(path, self.serialize(fmt))
