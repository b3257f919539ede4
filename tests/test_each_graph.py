"""graph.rdf.each_graph: a query run over many article graphs in one call gives each graph the rows,
in the same order, that the query gives run on that graph alone (the extraction caches them)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from claimgraph.tables import table_queries
from graph.rdf.each_graph import EachGraphError, csv_by_graph, each_graph, solutions_by_graph
from graph.rdf.facts import CLAIM_FACTS, ENTITY_FACTS
from graph.rdf.mapping import ID
from graph.rdf.serialise import solution_rows

ARTICLE_GRAPHS = f"{ID}graph/"
QUERIES = {"claim_facts": CLAIM_FACTS, "entity_facts": ENTITY_FACTS,
           **{query.name: query.text for query in table_queries() if not query.from_analysis}}


@pytest.fixture(scope="module")
def seed_graphs(seed_build):
    """The seeds' build as a store, and its article graphs (not the analysis's or vocabulary's)."""
    store = ox.Store()
    store.load(path=str(seed_build[0] / "graph.trig"), format=ox.RdfFormat.TRIG)
    graphs = sorted(g.value for g in store.named_graphs()
                    if g.value.startswith(ARTICLE_GRAPHS) and g.value[len(ARTICLE_GRAPHS):].isalnum()
                    and len(g.value) - len(ARTICLE_GRAPHS) == 16)
    assert len(graphs) >= 5
    return store, graphs


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_rows_and_their_order_are_the_query_on_each_graph_alone(seed_graphs, name):
    store, graphs = seed_graphs
    query = QUERIES[name]
    alone = {g: store.query(query, default_graph=[ox.NamedNode(g)]) for g in graphs}
    csv_alone = {g: solutions.serialize(format=ox.QueryResultsFormat.CSV).split(b"\r\n", 1)[1] for g, solutions in alone.items()}
    assert sum(len(rows) for rows in csv_alone.values()) > 0
    assert csv_by_graph(store, query, graphs) == csv_alone
    rows_alone = {g: solution_rows(store.query(query, default_graph=[ox.NamedNode(g)])) for g in graphs}
    assert solutions_by_graph(store, query, graphs) == rows_alone
    some = graphs[1:3]  # the graphs asked for, not the others in the store
    assert csv_by_graph(store, query, some) == {g: csv_alone[g] for g in some}


def test_an_aggregate_without_group_by_gets_one_group_per_graph(seed_graphs):
    store, graphs = seed_graphs
    query = "PREFIX cg: <https://w3id.org/claimgraph/ns#> SELECT (COUNT(?claim) AS ?n) WHERE { ?claim a cg:FigureClaim }"
    counts = {g: int(rows[0]["n"]) for g, rows in solutions_by_graph(store, query, graphs).items()}
    assert counts == {g: int(solution_rows(store.query(query, default_graph=[ox.NamedNode(g)]))[0]["n"]) for g in graphs}
    assert sum(counts.values()) > 0


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?s ?p ?o }",
    "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT ?s FROM <urn:x> WHERE { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3",
    "SELECT ?s WHERE { ?s ?p ?o } OFFSET 3",
    "SELECT ?s WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "ASK { ?s ?p ?o }",
])
def test_a_query_whose_meaning_would_change_is_refused(query):
    with pytest.raises(EachGraphError):
        each_graph(query)


def test_keywords_in_strings_iris_comments_and_names_are_not_refused():
    query = '# LIMIT\nPREFIX ex: <http://example.org/graph#>\nSELECT ?limit WHERE { ?limit ex:from "GRAPH {" }'
    assert "GRAPH ?claimgraphEachGraph { ?limit ex:from \"GRAPH {\" }" in each_graph(query)
