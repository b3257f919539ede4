"""The claims store: an rdflib Dataset with one named graph per article, behind one small API.

The embedded default is Oxigraph (oxrdflib over pyoxigraph), in memory or persisted in a folder;
rdflib's Memory store is the other plugin. Bulk reads and writes go straight to pyoxigraph, where
rdflib's object path is slow; queries go through the Dataset with the union default graph."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

import pyoxigraph as ox
from oxrdflib.store import OxigraphStore
from rdflib import Dataset, Graph, URIRef

from ontology import ONTOLOGY_FILE

from .rdf import ONTOLOGY_GRAPH, TripleSet, bind_prefixes
from .serialise import canonical_blocks, ox_term, solution_rows, sorted_quads, trig_header

BACKENDS = ("oxigraph", "memory")


class StoreError(RuntimeError):
    pass


def atomic_write(path: Path, data: bytes | str) -> None:
    atomic_stream(path, [data.encode("utf-8") if isinstance(data, str) else data])


def atomic_stream(path: Path, chunks: Iterable[bytes]) -> None:
    """Write chunks to a temporary file beside path, then rename: a crash never leaves half a file."""
    with atomic_file(path) as handle:
        for chunk in chunks:
            handle.write(chunk)


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A file to write in place of path: it replaces path, synced, only when the block ends
    without an error; otherwise it is removed and path is as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; the result should read like any file written here
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def replace_directory(new: Path, target: Path) -> None:
    """Swap a finished directory into place; the old one is kept as target.old until the swap is done."""
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def recover_directory(target: Path) -> None:
    """After a build killed between the two renames of replace_directory, put the old one back."""
    old = target.with_name(target.name + ".old")
    if old.exists() and not target.exists():
        os.replace(old, target)


class ClaimStore:
    def __init__(self, backend: str = "oxigraph", path: Path | None = None, read_only: bool = False):
        if backend not in BACKENDS:
            raise StoreError(f"unknown store backend {backend!r}: use one of {', '.join(BACKENDS)}")
        self.backend = backend
        self.ox: ox.Store | None = None
        if backend == "oxigraph":
            if path is None:
                self.ox = ox.Store()
            else:
                try:
                    self.ox = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
                except OSError as error:
                    raise StoreError(f"{path}: cannot open the Oxigraph store ({error})") from error
            self.dataset = Dataset(store=OxigraphStore(store=self.ox), default_union=True)
        else:
            self.dataset = Dataset(default_union=True)
        bind_prefixes(self.dataset)

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
        fmt = "nquads" if Path(path).suffix == ".nq" else "trig"
        if self.ox is not None:
            self.ox.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS if fmt == "nquads" else ox.RdfFormat.TRIG)
        else:
            self.dataset.parse(path, format=fmt)

    def add_nquads(self, data: bytes) -> None:
        if self.ox is not None:
            self.ox.load(data, format=ox.RdfFormat.N_QUADS)
        else:
            self.dataset.parse(data=data.decode("utf-8"), format="nquads")

    def add_ontology(self) -> None:
        graph = Graph(identifier=ONTOLOGY_GRAPH).parse(ONTOLOGY_FILE, format="turtle")
        self.put_graph(graph)

    def put_graph(self, graph: Graph | TripleSet) -> None:
        """Replace the named graph with graph's identifier by graph's triples."""
        self.remove_graph(graph.identifier)
        self.add_nquads(graph.nquads() if isinstance(graph, TripleSet) else graph_to_nquads(graph))

    def remove_graph(self, identifier: URIRef) -> None:
        if self.ox is not None:
            node = ox.NamedNode(str(identifier))
            if node in set(self.ox.named_graphs()):
                self.ox.remove_graph(node)
        else:
            self.dataset.remove_graph(self.dataset.graph(identifier))

    def graph_names(self) -> list[str]:
        if self.ox is not None:
            return sorted(g.value for g in self.ox.named_graphs() if isinstance(g, ox.NamedNode))
        return sorted(str(g.identifier) for g in self.dataset.graphs() if isinstance(g.identifier, URIRef) and len(g))

    def query(self, text: str, bindings: dict | None = None):
        """Run SPARQL over the union of all graphs. Bindings filter result columns by value."""
        if bindings:
            from .query import with_bindings

            return self.dataset.query(with_bindings(text), initBindings=bindings)
        return self.dataset.query(text)

    def select(self, text: str, bindings: dict | None = None) -> list[dict[str, str]]:
        """SELECT results as dicts of plain strings ("" when unbound). On Oxigraph this reads
        pyoxigraph's solutions directly: rdflib's term conversion costs more than the query."""
        if self.ox is None:
            from .query import rows

            return rows(self.query(text, bindings))
        return solution_rows(self._ox_select(text, bindings))

    def _ox_select(self, text: str, bindings: dict | None = None) -> ox.QuerySolutions:
        from .query import with_bindings

        substitutions = {ox.Variable(name): ox_term(value) for name, value in (bindings or {}).items()}
        # a column computed with (... AS ?x) cannot be substituted inside: filter it from outside
        computed = any(re.search(rf"\bAS\s+[?$]{re.escape(name)}\b", text, re.I) for name in bindings or {})
        return self.ox.query(with_bindings(text) if computed else text, use_default_graph_as_union=True,
                             substitutions=substitutions or None)

    def formatted(self, text: str, fmt: str, bindings: dict | None = None) -> str:
        """A SELECT's results as W3C CSV or JSON, or as a plain table."""
        from .query import QueryError, format_result, table

        if self.ox is None:
            return format_result(self.query(text, bindings), fmt)
        formats = {"csv": ox.QueryResultsFormat.CSV, "json": ox.QueryResultsFormat.JSON}
        solutions = self._ox_select(text, bindings)
        if fmt in formats:
            return solutions.serialize(format=formats[fmt]).decode("utf-8")
        if fmt != "table":
            raise QueryError(f"unknown format {fmt!r}: use csv, json or table")
        names = [v.value for v in solutions.variables]
        return table(names, [[row[name] for name in names] for row in solution_rows(solutions)])

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
        store = self._oxigraph()
        return sorted_quads(store.quads_for_pattern(None, None, None, ox.NamedNode(name)))

    def _oxigraph(self) -> ox.Store:
        if self.ox is not None:
            return self.ox
        store = ox.Store()  # the Memory backend, copied once for its ordered dump
        store.load(self.dataset.serialize(format="nquads").encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        return store

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
