"""The claims store: an rdflib Dataset with one named graph per article, behind one small API.

The embedded default is Oxigraph (oxrdflib over pyoxigraph), in memory or persisted in a folder;
rdflib's Memory store is the other plugin. Bulk reads and writes go straight to pyoxigraph, where
rdflib's object path is slow; queries go through the Dataset with the union default graph."""

from __future__ import annotations

import sys

import re
from pathlib import Path
from typing import BinaryIO, Iterator

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef

from ontology import ONTOLOGY_FILE

from graph.rdf.mapping import ONTOLOGY_GRAPH, TripleSet, bind_prefixes
from graph.files import atomic_stream, export_stamp
from graph.rdf.serialise import canonical_blocks, ox_term, solution_rows, sorted_quads, trig_header

BACKENDS = ("oxigraph", "memory")


class StoreError(RuntimeError):
    pass


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
                except RuntimeError as error:  # RocksDB checks its files on opening: a lost one is "Corruption"
                    raise StoreError(f"{path}: the Oxigraph store is damaged ({str(error).splitlines()[0][:200]}); "
                                     "the next build makes it again from its cache") from error
            self._dataset = None  # made when first asked for: oxrdflib costs a third of a read command's start-up
        else:
            self._dataset = Dataset(default_union=True)
            bind_prefixes(self._dataset)

    @property
    def dataset(self) -> Dataset:
        """The store as an rdflib Dataset whose default graph is the union of all graphs."""
        if self._dataset is None:
            from oxrdflib.store import OxigraphStore

            self._dataset = Dataset(store=OxigraphStore(store=self.ox), default_union=True)
            bind_prefixes(self._dataset)
        return self._dataset

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
            from graph.queries import with_bindings

            return self.dataset.query(with_bindings(text), initBindings=bindings)
        return self.dataset.query(text)

    def select(self, text: str, bindings: dict | None = None) -> list[dict[str, str]]:
        """SELECT results as dicts of plain strings ("" when unbound). On Oxigraph this reads
        pyoxigraph's solutions directly: rdflib's term conversion costs more than the query."""
        if self.ox is None:
            from graph.queries import rows

            return rows(self.query(text, bindings))
        return solution_rows(self._ox_select(text, bindings))

    def _ox_select(self, text: str, bindings: dict | None = None) -> ox.QuerySolutions:
        from graph.queries import with_bindings

        substitutions = {ox.Variable(name): ox_term(value) for name, value in (bindings or {}).items()}
        # a column computed with (... AS ?x) cannot be substituted inside: filter it from outside
        computed = any(re.search(rf"\bAS\s+[?$]{re.escape(name)}\b", text, re.I) for name in bindings or {})
        return self.ox.query(with_bindings(text) if computed else text, use_default_graph_as_union=True,
                             substitutions=substitutions or None)

    def write_results(self, text: str, fmt: str, output: BinaryIO, bindings: dict | None = None) -> None:
        """A SELECT's results to a binary stream as W3C CSV or JSON, serialised by the engine itself
        as it reads them, or as a plain table."""
        from graph.queries import QueryError, format_result, table

        if fmt not in ("csv", "json", "table"):
            raise QueryError(f"unknown format {fmt!r}: use csv, json or table")
        if self.ox is None:
            output.write(format_result(self.query(text, bindings), fmt).encode("utf-8"))
            return
        solutions = self._ox_select(text, bindings)
        if fmt == "table":
            names = [v.value for v in solutions.variables]
            output.write(table(names, [[row[name] for name in names] for row in solution_rows(solutions)]).encode("utf-8"))
            return
        formats = {"csv": ox.QueryResultsFormat.CSV, "json": ox.QueryResultsFormat.JSON}
        solutions.serialize(output, format=formats[fmt])

    RESULT_TYPES = {"text/csv": "CSV", "text/tab-separated-values": "TSV",
                    "application/sparql-results+xml": "XML", "application/sparql-results+json": "JSON"}
    GRAPH_TYPES = {"text/turtle": "TURTLE", "application/n-triples": "N_TRIPLES", "application/rdf+xml": "RDF_XML"}

    def answer(self, text: str, accept: str = "") -> tuple[str, bytes]:
        """Any query's result as the SPARQL protocol returns it: (media type, bytes), serialised
        by the engine in the first type of Accept it can write (JSON results or N-Triples else)."""
        result = self._oxigraph().query(text, use_default_graph_as_union=True)
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
        store = self._oxigraph()
        return sorted_quads(store.quads_for_pattern(None, None, None, ox.NamedNode(name)))

    def graph_blocks(self, name: str) -> tuple[bytes, bytes]:
        """One named graph, canonical, as an N-Quads block and a TriG block."""
        return canonical_blocks(self._graph_quads(name))

    def graph_ntriples(self, name: str) -> bytes:
        """One named graph's triples as N-Triples (for a remote store)."""
        return self._oxigraph().dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name))

    def has_graph(self, identifier: URIRef) -> bool:
        return str(identifier) in self.graph_names()

    def load_nquads_file(self, path: Path) -> None:
        """Add one file of N-Quads in a transaction (an in-place update of a few articles)."""
        if self.ox is not None:
            self.ox.load(path=str(path), format=ox.RdfFormat.N_QUADS)
        else:
            self.dataset.parse(path, format="nquads")

    def bulk_load_nquads(self, data: bytes) -> None:
        """Add N-Quads without a transaction: for a store nobody reads until the load is done."""
        if self.ox is not None:
            self.ox.bulk_load(data, format=ox.RdfFormat.N_QUADS)
        else:
            self.add_nquads(data)

    def apply_diff(self, removed: bytes, added: bytes) -> None:
        """Remove the quads of one N-Quads text and add those of another."""
        if self.ox is None:
            for quad in ox.parse(removed, format=ox.RdfFormat.N_QUADS):
                self.dataset.remove(tuple(_rdflib_term(t) for t in (quad.subject, quad.predicate, quad.object, quad.graph_name)))
            self.add_nquads(added)
            return
        for quad in ox.parse(removed, format=ox.RdfFormat.N_QUADS):
            self.ox.remove(quad)
        self.ox.load(added, format=ox.RdfFormat.N_QUADS)

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
        return solution_rows(self._oxigraph().query(text, default_graph=[ox.NamedNode(str(g)) for g in graphs]))

    def violations(self, graphs: list[str] | None = None, focus: set[str] | None = None) -> list[str]:
        """What in these graphs breaks the SHACL shapes (compiled to SPARQL); empty when they conform."""
        from graph.rdf.shapes import validate_store

        return [str(v) for v in validate_store(self._oxigraph(), graphs, focus=focus)]

    def flush(self) -> None:
        if self.ox is not None:
            self.ox.flush()

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


def _rdflib_term(term):
    from rdflib import BNode, Literal

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    return Literal(term.value, lang=term.language, datatype=None if term.language else URIRef(term.datatype.value))


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
