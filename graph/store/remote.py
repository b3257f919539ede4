"""Writing the build to a remote SPARQL 1.1 Update endpoint (Oxigraph server, Fuseki, GraphDB,
Virtuoso), one named graph at a time, in batched requests; reading it back with the union graph."""

from __future__ import annotations

from rdflib import Dataset
from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore

BATCH = 5000  # triples per commit: one request per triple is about 35 times slower


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


def remote_store(url: str) -> SPARQLUpdateStore:
    query, update = endpoints(url)
    return SPARQLUpdateStore(query_endpoint=query, update_endpoint=update, autocommit=False, context_aware=True)


def push(url: str, store, previous_graphs: list[str] | None = None) -> int:
    """Replace each named graph of the local store on the remote, in batches of INSERT DATA, and
    drop the graphs no longer built. Returns the number of triples written."""
    remote = remote_store(url)
    names = store.graph_names()
    for gone in sorted(set(previous_graphs or []) - set(names)):
        remote.update(f"DROP SILENT GRAPH <{gone}>")
        remote.commit()
    written = 0
    for name in names:
        remote.update(f"DROP SILENT GRAPH <{name}>")
        remote.commit()
        lines = [line for line in store.graph_ntriples(name).decode("utf-8").split("\n") if line.strip()]
        for start in range(0, len(lines), BATCH):
            chunk = "\n".join(lines[start:start + BATCH])
            remote.update(f"INSERT DATA {{ GRAPH <{name}> {{\n{chunk}\n}} }}")
            remote.commit()
            written += min(BATCH, len(lines) - start)
    return written


def remote_dataset(url: str) -> Dataset:
    return Dataset(store=remote_store(url), default_union=True)
