"""The one door to the data: ClaimStore over Oxigraph (embedded), rdflib's Memory store, or a
remote SPARQL 1.1 store (graph.store.remote)."""

from graph.store.claim_store import SOURCE, UPDATING, ClaimStore, StoreError, graph_to_nquads, open_built, store_opens

__all__ = ["SOURCE", "UPDATING", "ClaimStore", "StoreError", "graph_to_nquads", "open_built", "store_opens"]
