"""The one door to the data: ClaimStore over a backend plugin: Oxigraph (embedded), rdflib's Memory
store, or a remote SPARQL 1.1 store."""

from graph.store.backend import Backend, StoreError
from graph.store.claim_store import BACKENDS, SOURCE, UPDATING, ClaimStore, graph_to_nquads, open_built, store_opens

__all__ = ["BACKENDS", "SOURCE", "UPDATING", "Backend", "ClaimStore", "StoreError", "graph_to_nquads", "open_built",
           "store_opens"]
