"""The one door to the data: ClaimStore over a backend plugin registered by name (Oxigraph embedded,
rdflib's Memory store, a remote SPARQL 1.1 store, or one of your own: graph.store.register)."""

from graph.store.backend import Backend, StoreError, backend_names, register
from graph.store.claim_store import SOURCE, UPDATING, ClaimStore, graph_to_nquads, open_built, store_opens

__all__ = ["SOURCE", "UPDATING", "Backend", "ClaimStore", "StoreError", "backend_names", "graph_to_nquads",
           "open_built", "register", "store_opens"]
