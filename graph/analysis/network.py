"""The claims graph projected into networkx: who is cited, who cites whom, what is central; GEXF
and GraphML exports for Gephi and Cytoscape."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from graph.store import ClaimStore
from graph.sparql import load_query

CITATIONS = load_query(__file__, "citations")

RUNS = load_query(__file__, "relations")

PART_OF = load_query(__file__, "part_of")

PUBLISHERS = load_query(__file__, "publishers")

ENTITY_LABELS = load_query(__file__, "entity_labels")


@dataclass
class Citation:
    citer: str
    cited: str
    claims: int


def _citation_rows(store: ClaimStore, facts) -> list[dict]:
    """Each claim's source, its article's publisher and its reporter: from the analysis's facts
    when the caller has them (one row per article is asked of the store, not one per claim)."""
    if facts is None:
        return store.select(CITATIONS)
    publishers = {r["article"]: r for r in store.select(PUBLISHERS)}
    names = {r["entity"]: r["label"] for r in store.select(ENTITY_LABELS)}
    rows = []
    for f in facts:
        publisher = publishers.get(f.article, {})
        rows.append({"claim": f.claim, "source": f.source, "sourceLabel": f.source_label, "article": f.article,
                     "publisher": publisher.get("publisher", ""), "publisherLabel": publisher.get("publisherLabel", ""),
                     "reporter": f.reporter or "", "reporterLabel": names.get(f.reporter or "", "")})
    return rows


def project(store: ClaimStore, facts=None) -> nx.MultiDiGraph:
    """Entities as nodes; 'cites' (publisher -> source, reporter -> source), 'reports' and the
    relations of the graph as edges. Labels go on the nodes, claim and article counts on edges.
    facts: the analysis's ClaimFacts, when the caller has them."""
    graph = nx.MultiDiGraph()

    def node(iri: str, label: str) -> None:
        if iri not in graph:
            graph.add_node(iri, label=label)

    for r in _citation_rows(store, facts):
        node(r["source"], r["sourceLabel"])
        if r["publisher"] and r["publisher"] != r["source"]:
            node(r["publisher"], r["publisherLabel"])
            graph.add_edge(r["publisher"], r["source"], kind="cites", claim=r["claim"], article=r["article"])
        if r["reporter"]:
            node(r["reporter"], r["reporterLabel"])
            graph.add_edge(r["reporter"], r["source"], kind="reports", claim=r["claim"], article=r["article"])
    for r in store.select(RUNS):
        node(r["agent"], r["agentLabel"])
        node(r["target"], r["targetLabel"])
        graph.add_edge(r["agent"], r["target"], kind=r["relation"].split("#")[-1])
    for r in store.select(PART_OF):
        node(r["part"], r["partLabel"])
        node(r["whole"], r["wholeLabel"])
        graph.add_edge(r["part"], r["whole"], kind="partOf")
    return graph


def most_cited(graph: nx.MultiDiGraph, top: int = 10) -> list[tuple[str, int, int]]:
    """(label, citing outlets or reporters, claims) for the sources others cite most."""
    scores = []
    for n in graph.nodes:
        cites = [(a, d) for a, _, d in graph.in_edges(n, data=True) if d["kind"] in ("cites", "reports")]
        if cites:
            scores.append((graph.nodes[n]["label"], len({a for a, _ in cites}), len(cites)))
    return sorted(scores, key=lambda s: (-s[1], -s[2], s[0]))[:top]


def who_cites_whom(graph: nx.MultiDiGraph) -> list[Citation]:
    counts: dict[tuple[str, str], int] = {}
    for a, b, d in graph.edges(data=True):
        if d["kind"] in ("cites", "reports"):
            key = (graph.nodes[a]["label"], graph.nodes[b]["label"])
            counts[key] = counts.get(key, 0) + 1
    return [Citation(a, b, n) for (a, b), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def central(graph: nx.MultiDiGraph, top: int = 10) -> list[tuple[str, float]]:
    """Degree centrality over the undirected projection: the agencies, operations and sources most
    linked to others (pure Python, no SciPy)."""
    if not len(graph):
        return []
    rank = nx.degree_centrality(nx.Graph(graph))
    return [(graph.nodes[n]["label"], round(score, 4)) for n, score in sorted(rank.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]


def export(graph: nx.MultiDiGraph, gexf: Path | None = None, graphml: Path | None = None) -> None:
    simple = nx.DiGraph()
    for n, d in graph.nodes(data=True):
        simple.add_node(n, label=d.get("label", ""))
    for a, b, d in graph.edges(data=True):
        weight = simple[a][b]["weight"] + 1 if simple.has_edge(a, b) else 1
        simple.add_edge(a, b, kind=d["kind"], weight=weight)
    if gexf:
        nx.write_gexf(simple, gexf)
    if graphml:
        nx.write_graphml(simple, graphml)
