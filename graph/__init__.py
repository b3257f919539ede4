"""Records -> RDF: storing, querying, validating, analysing and rendering the claims graph."""
