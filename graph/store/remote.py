"""A remote SPARQL 1.1 store (Oxigraph server, Fuseki, GraphDB, Virtuoso) as a backend: reads by
the SPARQL protocol, writes one named graph at a time in batched updates. The saved queries read
the union of the named graphs as the default graph, so the endpoint must answer that way
(Oxigraph: `oxigraph serve --union-default-graph`; Fuseki: `tdb2:unionDefaultGraph true`;
GraphDB does by default)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Dataset, URIRef

from graph.store.backend import GRAPH_TYPES, RESULT_TYPES as PROTOCOL_TYPES, Backend, StoreError, accepted, values_filter

BATCH = 5000  # triples per update request: one request per triple is about 35 times slower
TIMEOUT = 300
RESULT_TYPES = {"csv": "text/csv", "json": "application/sparql-results+json"}


def endpoints(url: str) -> tuple[str, str]:
    """'http://host:7878' or '.../query' -> (query endpoint, update endpoint); 'QUERY|UPDATE' gives
    both outright (GraphDB: '.../repositories/x|.../repositories/x/statements')."""
    if "|" in url:
        query, update = url.split("|", 1)
        return query.strip(), update.strip()
    base = url.rstrip("/")
    for suffix in ("/query", "/update", "/sparql"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
            break
    return f"{base}/query", f"{base}/update"


def _quads_by_graph(data: bytes, fmt: ox.RdfFormat) -> dict[str, list[str]]:
    graphs: dict[str, list[str]] = defaultdict(list)
    for quad in ox.parse(data, format=fmt):
        graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        graphs[graph].append(f"{quad.subject} {quad.predicate} {quad.object} .")
    return graphs


class RemoteBackend(Backend):
    name = "remote"

    def __init__(self, url: str):
        if not url.startswith(("http://", "https://")):
            raise StoreError(f"{url}: a remote store is an http(s) URL")
        self.url = url
        self.query_url, self.update_url = endpoints(url)

    @classmethod
    def open(cls, location: Path | str | None = None, read_only: bool = False) -> "RemoteBackend":
        if location is None:
            raise StoreError("a remote store needs the URL of its SPARQL endpoint")
        return cls(str(location))

    def _post(self, url: str, body: str, content_type: str, accept: str = "*/*") -> bytes:
        return self._exchange(url, body, content_type, accept)[1]

    def _exchange(self, url: str, body: str, content_type: str, accept: str) -> tuple[str, bytes]:
        """POST body; (the answer's media type, its bytes)."""
        request = urllib.request.Request(url, data=body.encode("utf-8"),
                                         headers={"Content-Type": content_type, "Accept": accept})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return response.headers.get_content_type(), response.read()
        except urllib.error.HTTPError as error:
            detail = error.read()[:300].decode("utf-8", "replace").strip()
            raise StoreError(f"{url}: the store answered {error.code} {error.reason}: {detail}") from error
        except (urllib.error.URLError, OSError) as error:
            raise StoreError(f"{url}: cannot reach the store ({getattr(error, 'reason', error)})") from error

    def update(self, text: str) -> None:
        self._post(self.update_url, text, "application/sparql-update")

    def _query(self, text: str, bindings: dict | None, accept: str) -> bytes:
        if bindings:
            from graph.queries import with_bindings

            text = with_bindings(text, values_filter(bindings))
        return self._post(self.query_url, text, "application/sparql-query", accept)

    # writing
    def load_file(self, path: Path) -> None:
        fmt = ox.RdfFormat.N_QUADS if Path(path).suffix == ".nq" else ox.RdfFormat.TRIG
        self._insert(_quads_by_graph(Path(path).read_bytes(), fmt))

    def add_nquads(self, data: bytes) -> None:
        self._insert(_quads_by_graph(data, ox.RdfFormat.N_QUADS))

    def _insert(self, graphs: dict[str, list[str]], verb: str = "INSERT") -> None:
        for graph, lines in graphs.items():
            for start in range(0, len(lines), BATCH):
                chunk = "\n".join(lines[start:start + BATCH])
                self.update(f"{verb} DATA {{ GRAPH <{graph}> {{\n{chunk}\n}} }}" if graph else f"{verb} DATA {{\n{chunk}\n}}")

    def remove_graph(self, identifier: URIRef) -> None:
        self.update(f"DROP SILENT GRAPH {ox.NamedNode(str(identifier))}")

    def replace_graph(self, identifier: str, ntriples: bytes) -> int:
        """The named graph's triples replaced by these; returns how many were written."""
        self.remove_graph(URIRef(identifier))
        lines = [line for line in ntriples.decode("utf-8").split("\n") if line.strip()]
        self._insert({identifier: lines})
        return len(lines)

    def apply_diff(self, removed: bytes, added: bytes) -> None:
        self._insert(_quads_by_graph(removed, ox.RdfFormat.N_QUADS), verb="DELETE")
        self.add_nquads(added)

    # reading
    def graph_names(self) -> list[str]:
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(row["g"] for row in rows)

    def select(self, text: str, bindings: dict | None = None) -> list[dict[str, str]]:
        answer = json.loads(self._query(text, bindings, RESULT_TYPES["json"]))
        names = answer["head"].get("vars", [])
        return [{name: binding.get(name, {}).get("value", "") for name in names}
                for binding in answer.get("results", {}).get("bindings", [])]

    def write_results(self, text: str, fmt: str, output: BinaryIO, bindings: dict | None = None) -> None:
        output.write(self._query(text, bindings, RESULT_TYPES[fmt]))

    def graph_quads(self, name: str) -> list[ox.Quad]:
        graph = ox.NamedNode(name)
        construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"
        data = self._query(construct, None, "application/n-triples")
        return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]

    def answer(self, text: str, accept: str = "") -> tuple[str, bytes]:
        # whether the query gives results or triples is the store's to know: it is offered the
        # client's first known type of each family, and says which it wrote
        offered = [accepted(accept, PROTOCOL_TYPES, "application/sparql-results+json"),
                   accepted(accept, GRAPH_TYPES, "application/n-triples")]
        return self._exchange(self.query_url, text, "application/sparql-query", ", ".join(offered))

    @property
    def dataset(self) -> Dataset:
        from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore

        store = SPARQLUpdateStore(query_endpoint=self.query_url, update_endpoint=self.update_url,
                                  autocommit=False, context_aware=True)
        return Dataset(store=store, default_union=True)


def push(url: str, store, previous_graphs: list[str] | None = None) -> int:
    """Replace each named graph of the local store on the remote and drop the graphs no longer
    built. Returns the number of triples written."""
    remote = RemoteBackend(url)
    names = store.graph_names()
    for gone in sorted(set(previous_graphs or []) - set(names)):
        remote.remove_graph(URIRef(gone))
    return sum(remote.replace_graph(name, store.graph_ntriples(name)) for name in names)


def remote_dataset(url: str) -> Dataset:
    return RemoteBackend(url).dataset
