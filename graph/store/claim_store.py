"""The claims store: an rdflib Dataset with one named graph per article, behind one small API.

The embedded default is Oxigraph (oxrdflib over pyoxigraph), in memory or persisted in a folder;
rdflib's Memory store is the other plugin. Bulk reads and writes go straight to pyoxigraph, where
rdflib's object path is slow; queries go through the Dataset with the union default graph."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO, Iterator

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef

from ontology import ONTOLOGY_FILE

from graph.files import atomic_stream, export_stamp
from graph.rdf.mapping import ONTOLOGY_GRAPH, TripleSet, bind_prefixes
from graph.rdf.serialise import canonical_blocks, solution_rows, sorted_quads, trig_header
from graph.store.backend import Backend, StoreError
from graph.store.memory_backend import MemoryBackend
from graph.store.oxigraph_backend import OxigraphBackend
from graph.store.remote import RemoteBackend

BACKENDS = ("oxigraph", "memory", "remote")


class ClaimStore:
    """The one door to the data, over one backend: "oxigraph" (embedded; in memory, or persisted
    in the folder path), "memory" (rdflib's Memory store) or "remote" (the SPARQL 1.1 store at
    the URL path)."""

    def __init__(self, backend: str = "oxigraph", path: Path | str | None = None, read_only: bool = False):
        if backend not in BACKENDS:
            raise StoreError(f"unknown store backend {backend!r}: use one of {', '.join(BACKENDS)}")
        self.backend = backend
        if backend == "oxigraph":
            self.engine: Backend = OxigraphBackend(path, read_only)
        elif backend == "memory":
            self.engine = MemoryBackend()
        else:
            if path is None:
                raise StoreError("a remote store needs the URL of its SPARQL endpoint")
            self.engine = RemoteBackend(str(path))

    @classmethod
    def remote(cls, url: str) -> "ClaimStore":
        return cls("remote", url)

    @property
    def path(self) -> Path | None:
        """The folder of a persisted store, else None."""
        return self.engine.path

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

            return self.dataset.query(with_bindings(text), initBindings=bindings)
        return self.dataset.query(text)

    def select(self, text: str, bindings: dict | None = None) -> list[dict[str, str]]:
        """SELECT results as dicts of plain strings ("" when unbound)."""
        return self.engine.select(text, bindings)

    def write_results(self, text: str, fmt: str, output: BinaryIO, bindings: dict | None = None) -> None:
        """A SELECT's results to a binary stream as W3C CSV or JSON, serialised by the engine itself
        as it reads them, or as a plain table."""
        from graph.queries import QueryError

        if fmt not in ("csv", "json", "table"):
            raise QueryError(f"unknown format {fmt!r}: use csv, json or table")
        if fmt == "table":
            self._write_table(text, self.select(text, bindings), output)
            return
        self.engine.write_results(text, fmt, output, bindings)

    @staticmethod
    def _write_table(text: str, rows: list[dict[str, str]], output: BinaryIO) -> None:
        from graph.queries import projection, table

        names = list(rows[0]) if rows else projection(text)
        output.write(table(names, [[row[name] for name in names] for row in rows]).encode("utf-8"))

    def write_page(self, text: str, fmt: str, output: BinaryIO, bindings: dict | None = None,
                   limit: int = 0, offset: int = 0) -> bool:
        """One page of a SELECT's results (limit 0: all rows after offset) written as
        write_results writes them; True when more rows follow. The engine is asked for one row more
        than the page, so a sorted query is evaluated once, not again to look past the page."""
        import io
        import json

        from graph.queries import csv_records, paged

        if limit <= 0:
            self.write_results(paged(text, 0, offset), fmt, output, bindings)
            return False
        one_more = paged(text, limit + 1, offset)
        if fmt == "table":
            rows = self.select(one_more, bindings)
            self._write_table(text, rows[:limit], output)
            return len(rows) > limit
        buffer = io.BytesIO()
        self.write_results(one_more, fmt, buffer, bindings)
        data = buffer.getvalue()
        if fmt == "csv":
            header, _, body = data.partition(b"\r\n")
            records = list(csv_records(body))
            output.write(header + b"\r\n" + b"".join(records[:limit]))
            return len(records) > limit
        results = json.loads(data)
        more = len(results["results"]["bindings"]) > limit
        if more:  # written again in the engine's own compact form, without the row past the page
            del results["results"]["bindings"][limit:]
            data = json.dumps(results, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        output.write(data)
        return more

    RESULT_TYPES = {"text/csv": "CSV", "text/tab-separated-values": "TSV",
                    "application/sparql-results+xml": "XML", "application/sparql-results+json": "JSON"}
    GRAPH_TYPES = {"text/turtle": "TURTLE", "application/n-triples": "N_TRIPLES", "application/rdf+xml": "RDF_XML"}

    def answer(self, text: str, accept: str = "") -> tuple[str, bytes]:
        """Any query's result as the SPARQL protocol returns it: (media type, bytes), serialised
        by the engine in the first type of Accept it can write (JSON results or N-Triples else)."""
        result = self.engine.oxigraph().query(text, use_default_graph_as_union=True)
        wanted = [part.split(";")[0].strip().lower() for part in (accept or "").split(",")]
        if isinstance(result, ox.QueryTriples):
            media = next((m for m in wanted if m in self.GRAPH_TYPES), "application/n-triples")
            return media, result.serialize(format=getattr(ox.RdfFormat, self.GRAPH_TYPES[media]))
        media = next((m for m in wanted if m in self.RESULT_TYPES), "application/sparql-results+json")
        return media, result.serialize(format=getattr(ox.QueryResultsFormat, self.RESULT_TYPES[media]))

    def count(self, text: str) -> int:
        """The first cell of the first row of a COUNT query."""
        rows = self.select(text)
        return int(next(iter(rows[0].values()))) if rows else 0

    def union_graph(self) -> Graph:
        """All triples of all graphs in one rdflib Graph (for SHACL)."""
        union = Graph()
        for s, p, o, _ in self.dataset.quads((None, None, None, None)):
            union.add((s, p, o))
        return union

    def serialize(self, fmt: str = "trig") -> bytes:
        """The whole dataset in a stable order (for small graphs and tests; write() streams)."""
        return b"".join(self._chunks(fmt))

    def write(self, path: Path, fmt: str = "trig") -> None:
        """Stream the dataset to path, graph by graph: memory is bounded by the largest graph."""
        atomic_stream(path, self._chunks(fmt))

    def _graph_quads(self, name: str) -> list:
        store = self.engine.oxigraph()
        return sorted_quads(store.quads_for_pattern(None, None, None, ox.NamedNode(name)))

    def graph_blocks(self, name: str) -> tuple[bytes, bytes]:
        """One named graph, canonical, as an N-Quads block and a TriG block."""
        return canonical_blocks(self._graph_quads(name))

    def graph_ntriples(self, name: str) -> bytes:
        """One named graph's triples as N-Triples (for a remote store)."""
        return self.engine.oxigraph().dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name))

    def has_graph(self, identifier: URIRef) -> bool:
        return str(identifier) in self.graph_names()

    def load_nquads_file(self, path: Path) -> None:
        """Add one file of N-Quads in a transaction (an in-place update of a few articles)."""
        self.engine.add_nquads(Path(path).read_bytes())

    def bulk_load_nquads(self, data: bytes) -> None:
        """Add N-Quads without a transaction: for a store nobody reads until the load is done."""
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
        return solution_rows(self.engine.oxigraph().query(text, default_graph=[ox.NamedNode(str(g)) for g in graphs]))

    def violations(self, graphs: list[str] | None = None, focus: set[str] | None = None) -> list[str]:
        """What in these graphs breaks the SHACL shapes (compiled to SPARQL); empty when they conform."""
        from graph.rdf.shapes import validate_store

        return [str(v) for v in validate_store(self.engine.oxigraph(), graphs, focus=focus)]

    def flush(self) -> None:
        self.engine.flush()

    def _chunks(self, fmt: str) -> Iterator[bytes]:
        if fmt == "json-ld":
            data = Dataset()
            data.parse(data=self.serialize("nquads").decode("utf-8"), format="nquads")
            bind_prefixes(data)
            yield data.serialize(format="json-ld").encode("utf-8")
            return
        if fmt == "trig":
            yield trig_header()
        for name in self.graph_names():
            nquads, trig = canonical_blocks(self._graph_quads(name))
            yield nquads if fmt == "nquads" else trig

    def save(self, path: Path, fmt: str = "trig") -> None:
        self.write(path, fmt)


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
