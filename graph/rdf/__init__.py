"""Records -> RDF: the mapping under the ontology, the canonical serialisation, the rows the
analysis reads, and the shapes. This folder is exactly what an article's cache entry depends on
on the graph side (claimgraph.extraction.CACHED_CODE names it)."""
