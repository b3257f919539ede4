"""What the analysis reads of each article: two queries (queries/*.rq) run on the article's graph
when it is extracted, whose rows are cached with it (graph.analysis turns them into records). A
rebuild reads these rows, not the store, so the analysis costs nothing per unchanged article's graph.

This folder is part of the cache key (CACHED_CODE): the rows these queries define are what the cache holds."""

from graph.sparql import load_query

CLAIM_FACTS = load_query(__file__, "claim_facts")
ENTITY_FACTS = load_query(__file__, "entity_facts")
