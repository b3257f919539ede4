"""What the analysis reads of each article: two queries run on the article's graph when it is
extracted, whose rows are cached with it (graph.analysis turns them into records). A rebuild
reads these rows, not the store, so the analysis costs nothing per unchanged article's graph.

This file is part of the cache key (CACHED_CODE): the rows it defines are what the cache holds."""

CLAIM_FACTS = """
PREFIX cg: <https://w3id.org/claimgraph/ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX wikibase: <http://wikiba.se/ontology#>
SELECT ?claim ?source ?sourceLabel ?article ?flow ?unit ?value ?low ?high ?qualifier ?subject ?evidence ?periodLabel ?periodicity ?reporter ?measure
WHERE {
  ?claim a cg:FigureClaim ; prov:wasAttributedTo ?source ; cg:sourceLabel ?sourceLabel ; prov:wasDerivedFrom ?article ;
         cg:flow ?flow ; cg:quantity ?q ; cg:evidence/cg:exact ?evidence .
  ?q cg:unitLabel ?unit .
  OPTIONAL { ?q wikibase:quantityAmount ?value } OPTIONAL { ?q wikibase:quantityLowerBound ?low }
  OPTIONAL { ?q wikibase:quantityUpperBound ?high } OPTIONAL { ?q cg:qualifier ?qualifier }
  OPTIONAL { ?claim cg:subject ?subject }
  OPTIONAL { ?claim cg:period ?p . ?p rdfs:label ?periodLabel OPTIONAL { ?p cg:periodicity ?periodicity } }
  OPTIONAL { ?claim cg:reportedBy ?reporter }
  OPTIONAL { ?claim cg:measure ?measure }
}"""


ENTITY_FACTS = """
PREFIX cg: <https://w3id.org/claimgraph/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?entity ?type ?label ?alias
WHERE {
  ?entity a ?class .
  FILTER (?class IN (cg:Agency, cg:Organization, cg:CriminalOrganization, cg:Person, cg:Operation,
                     cg:Document, cg:Outlet, cg:Country, cg:Group, cg:Entity))
  BIND (STRAFTER(STR(?class), "#") AS ?type)
  OPTIONAL { ?entity rdfs:label ?label }
  OPTIONAL { ?entity skos:altLabel ?alias }
}"""
