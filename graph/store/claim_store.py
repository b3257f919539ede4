"""The claims store: an rdflib Dataset with one named graph per article, behind one small API.

The embedded default is Oxigraph (pyoxigraph), in memory or persisted in a folder; rdflib's Memory
store and a remote SPARQL 1.1 store are the other plugins. Every call goes to the backend's own
methods, so no backend's data is copied into another engine to answer."""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef

from ontology import ONTOLOGY_FILE

from graph.files import export_stamp
from graph.rdf.mapping import ONTOLOGY_GRAPH, TripleSet
from graph.store.backend import Backend, StoreError, open_backend
from graph.store.dumps import Dumps
from graph.store.pages import ResultPages


class ClaimStore(ResultPages, Dumps):
    """The one door to the data, over one backend plugin opened by name: "oxigraph" (embedded; in
    memory, or persisted in the folder path), "memory" (rdflib's Memory store) or "remote" (the
    SPARQL 1.1 store at the URL path); see graph.store.backend.register. This class reads, writes
    and answers; paging and formatting results (ResultPages) and dumps (Dumps) are its other roles."""

    def __init__(self, backend: str = "oxigraph", path: Path | str | None = None, read_only: bool = False):
        self.backend = backend
        self.engine: Backend = open_backend(backend, path, read_only)

    @classmethod
    def remote(cls, url: str) -> "ClaimStore":
        return cls("remote", url)

    @property
    def path(self) -> Path | None:
        """The folder of a persisted store, else None."""
        return self.engine.path

    @property
    def parallel_reads(self) -> int:
        """How many queries a reader may run side by side, each in a thread of its own."""
        return self.engine.parallel_reads

    @property
    def dataset(self) -> Dataset:
        """The store as an rdflib Dataset whose default graph is the union of all graphs."""
        return self.engine.dataset

    @classmethod
    def load(cls, trig: Path, backend: str = "oxigraph") -> "ClaimStore":
        """A store holding a built graph.trig (or .nq)."""
        trig = Path(trig)
        if not trig.exists():
            raise StoreError(f"{trig}: no such graph file (run `claimgraph build` first)")
        store = cls(backend)
        try:
            store.load_file(trig)
        except (SyntaxError, ValueError, OSError) as error:
            raise StoreError(f"{trig}: not a readable graph file ({error})") from error
        return store

    def load_file(self, path: Path) -> None:
        """Add a TriG or N-Quads (.nq) file."""
        self.engine.load_file(Path(path))

    def add_nquads(self, data: bytes) -> None:
        self.engine.add_nquads(data)

    def add_ontology(self) -> None:
        graph = Graph(identifier=ONTOLOGY_GRAPH).parse(ONTOLOGY_FILE, format="turtle")
        self.put_graph(graph)

    def put_graph(self, graph: Graph | TripleSet) -> None:
        """Replace the named graph with graph's identifier by graph's triples."""
        self.remove_graph(graph.identifier)
        self.add_nquads(graph.nquads() if isinstance(graph, TripleSet) else graph_to_nquads(graph))

    def remove_graph(self, identifier: URIRef) -> None:
        self.engine.remove_graph(identifier)

    def graph_names(self) -> list[str]:
        return self.engine.graph_names()

    def query(self, text: str, bindings: dict | None = None):
        """Run SPARQL over the union of all graphs through rdflib (a Result). Bindings filter
        result columns by value."""
        if bindings:
            from graph.queries import with_bindings
            from graph.store.backend import values_filter

            return self.dataset.query(with_bindings(text, values_filter(bindings)))
        return self.dataset.query(text)

    def select(self, text: str, bindings: dict | None = None) -> list[dict[str, str]]:
        """SELECT results as dicts of plain strings ("" when unbound)."""
        return self.engine.select(text, bindings)

    def answer(self, text: str, accept: str = "") -> tuple[str, bytes]:
        """Any query's result as the SPARQL protocol returns it: (media type, bytes), serialised
        by the backend in the first type of Accept it can write (JSON results or N-Triples else)."""
        return self.engine.answer(text, accept)

    def count(self, text: str) -> int:
        """The first cell of the first row of a COUNT query."""
        rows = self.select(text)
        return int(next(iter(rows[0].values()))) if rows else 0

    def has_graph(self, identifier: URIRef) -> bool:
        return str(identifier) in self.graph_names()

    def load_nquads_file(self, path: Path) -> None:
        """Add one file of N-Quads in a transaction (an in-place update of a few articles)."""
        self.engine.add_nquads(Path(path).read_bytes())

    def bulk_load_nquads(self, data: bytes) -> None:
        """Add N-Quads without a transaction: for a store no one else sees until the load is done."""
        self.engine.bulk_add_nquads(data)

    def apply_diff(self, removed: bytes, added: bytes) -> None:
        """Remove the quads of one N-Quads text and add those of another."""
        self.engine.apply_diff(removed, added)

    def select_for(self, text: str, variable: str, iris: list[str], batch: int = 500) -> list[dict[str, str]]:
        """A SELECT's rows for just these IRIs as ?variable, a VALUES block of batch at a time: a
        view that shows a few thousand claims asks for their rows, not the corpus's."""
        rows: list[dict[str, str]] = []
        for start in range(0, len(iris), batch):
            values = " ".join(str(ox.NamedNode(iri)) for iri in iris[start:start + batch])
            rows += self.select(text.replace("WHERE {", f"WHERE {{ VALUES ?{variable} {{ {values} }}", 1))
        return rows

    def select_in(self, text: str, graphs: list[URIRef]) -> list[dict[str, str]]:
        """A SELECT over the named graphs given (their union as the default graph), not the whole store."""
        return self.engine.select_in(text, [str(g) for g in graphs])

    def violations(self, graphs: list[str] | None = None, focus: set[str] | None = None) -> list[str]:
        """What in these graphs breaks the SHACL shapes (compiled to SPARQL); empty when they conform."""
        return [str(v) for v in self.engine.violations(graphs, focus)]

    def flush(self) -> None:
        self.engine.flush()

def graph_to_nquads(graph: Graph) -> bytes:
    dataset = Dataset()
    target = dataset.graph(graph.identifier)
    for triple in graph:
        target.add(triple)
    return dataset.serialize(format="nquads").encode("utf-8")


UPDATING = "store.updating"  # beside the store while it is changed in place: it is not to be trusted then
SOURCE = "SOURCE"  # in the store: the stamp of the graph.trig it was built with


def store_opens(store_dir: Path) -> bool:
    """Whether the persisted store opens: RocksDB checks on opening that every file it lists is there."""
    try:
        ClaimStore("oxigraph", store_dir, read_only=True)
    except StoreError:
        return False
    return True


def open_built(graph: Path) -> ClaimStore:
    """The store for a built graph.trig: the persisted store beside it when it was built from this
    very file, else the file loaded into an in-memory Oxigraph store."""
    graph = Path(graph)
    store_dir = graph.parent / "store"
    stamp = store_dir / SOURCE
    if graph.suffix == ".trig" and stamp.exists() and graph.exists() and not (graph.parent / UPDATING).exists():
        if stamp.read_text().strip() == export_stamp(graph):
            try:
                return ClaimStore("oxigraph", store_dir, read_only=True)
            except StoreError as error:
                print(f"claimgraph: {error}; reading {graph} instead", file=sys.stderr)
    return ClaimStore.load(graph)
