"""Dumps of the whole store or one graph, canonical: the role of ClaimStore that exports (TriG,
N-Quads, JSON-LD, one graph's blocks or N-Triples)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from rdflib import Dataset, Graph

from graph.files import atomic_stream
from graph.rdf.mapping import bind_prefixes
from graph.rdf.serialise import canonical_blocks, trig_header


class Dumps:
    """Mixed into ClaimStore: needs self.engine and self.graph_names."""

    def serialize(self, fmt: str = "trig") -> bytes:
        """The whole dataset in a stable order (for small graphs and tests; write() streams)."""
        return b"".join(self._chunks(fmt))

    def write(self, path: Path, fmt: str = "trig") -> None:
        """Stream the dataset to path, graph by graph: memory is bounded by the largest graph."""
        atomic_stream(path, self._chunks(fmt))

    def save(self, path: Path, fmt: str = "trig") -> None:
        self.write(path, fmt)

    def graph_blocks(self, name: str) -> tuple[bytes, bytes]:
        """One named graph, canonical, as an N-Quads block and a TriG block."""
        return canonical_blocks(self.engine.graph_quads(name))

    def graph_ntriples(self, name: str) -> bytes:
        """One named graph's triples as N-Triples (for a remote store)."""
        return self.engine.graph_ntriples(name)

    def union_graph(self) -> Graph:
        """All triples of all graphs in one rdflib Graph (for SHACL)."""
        union = Graph()
        for s, p, o, _ in self.engine.dataset.quads((None, None, None, None)):
            union.add((s, p, o))
        return union

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
            yield self.graph_blocks(name)[0 if fmt == "nquads" else 1]
