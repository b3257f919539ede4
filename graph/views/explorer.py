"""The HTML graph explorer: one self-contained, offline page (vis-network inlined from pyvis's
bundle, no CDN). Every string from an article goes in as JSON data and is shown with textContent."""

from __future__ import annotations

import json
import math
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pyvis
from rdflib import URIRef

from graph.views.labels import FLOWS, SEARCHED_FIELDS, SEARCHED_SOURCE_FIELDS, claim_attributes, disputes_by_claim

from graph.queries import paged, query_text
from graph.files import atomic_write
from graph.store import ClaimStore
from graph.sparql import load_query

TEMPLATE = Path(__file__).parent / "templates" / "explorer.html"
VIS_DIR = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"

STYLE = {  # type -> (shape, colour)
    "Claim": ("dot", "#f2b134"),
    "Source": ("diamond", "#d1495b"),
    "Agency": ("box", "#2e86ab"),
    "Person": ("ellipse", "#8d6a9f"),
    "Operation": ("hexagon", "#3bb273"),
    "Flow": ("star", "#7768ae"),
}
CLAIM_FACTS = load_query(__file__, "explorer_claim_facts")
ANY_DISPUTE = load_query(__file__, "any_dispute")
ENTITY_TYPES = load_query(__file__, "entity_types")
AFFILIATIONS = load_query(__file__, "affiliations")
PERSON_SHAPE = STYLE["Person"][0]  # a source who is a person is drawn as a person, as the legend says

CLAIM_LINKS = load_query(__file__, "claim_links")
CLAIM_GROUPS = load_query(__file__, "claim_groups")


@dataclass
class ExplorerData:
    nodes: list[dict] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)


SOURCE_COUNTS = load_query(__file__, "source_counts")


def drawn_sources(store: ClaimStore, limit: int) -> list[tuple[str, int]] | None:
    """None when every claim fits on the page; else the DRAWN_SOURCES most cited sources, each
    with how many of its claims to draw: fair shares of limit, so that one prolific source does not
    fill the page alone (the analysis keeps each source's count: one row per source)."""
    counts = [(row["source"], int(row["claims"])) for row in store.select(SOURCE_COUNTS)]
    if sum(n for _, n in counts) <= limit:
        return None
    chosen = counts[:DRAWN_SOURCES]
    shares, remaining = {}, limit
    for left, (source, n) in zip(range(len(chosen), 0, -1), sorted(chosen, key=lambda c: (c[1], c[0]))):
        shares[source] = min(n, remaining // left)  # a small source leaves the rest of its share to the others
        remaining -= shares[source]
    return [(source, shares[source]) for source, _ in chosen if shares[source] > 0]


def _rows(store: ClaimStore, query: str, column: str, values: list[tuple[str, int]] | None,
          pool: Executor | None = None) -> list[dict[str, str]]:
    """All rows, or for each (value, limit) up to limit rows whose column holds value (asked side by
    side in pool, when given)."""
    if values is None:
        return store.select(query)

    def page(value_limit: tuple[str, int]) -> list[dict[str, str]]:
        value, limit = value_limit
        return store.select(paged(query, limit), {column: URIRef(value)})

    return [row for rows in (pool.map if pool is not None else map)(page, values) for row in rows]


CLAIMS_PER_QUERY = 500  # the drawn claims a query is asked for at once (a VALUES block)


def _asked_by_claim(store: ClaimStore, query: str, claims: list[str], pool: Executor) -> list[Future]:
    """The query's rows for just these claims (?claim or ?a), asked CLAIMS_PER_QUERY claims at a
    time side by side in pool: one future per part, in the claims' order. The claims query pages
    by source in no fixed order, so what belongs to the drawn claims is asked for by claim, not
    paged alike."""
    variable = "claim" if "?claim" in query else "a"
    return [pool.submit(store.select_for, query, variable, claims[start:start + CLAIMS_PER_QUERY], CLAIMS_PER_QUERY)
            for start in range(0, len(claims), CLAIMS_PER_QUERY)]


def _joined(parts: list[Future]) -> list[dict[str, str]]:
    return [row for part in parts for row in part.result()]


def _affiliation_names(rows: list[dict[str, str]], entities: dict[str, dict]) -> dict[str, str]:
    """Each person's agencies by their names and aliases, so that a search for the agency finds them."""
    names: dict[str, list[str]] = {}
    for row in rows:
        agency = entities.get(row["agency"], {})
        names.setdefault(row["entity"], []).extend(filter(None, [agency.get("label", ""), agency.get("aliases", "")]))
    return {entity: " | ".join(sorted(set(found))) for entity, found in names.items()}


def explorer_graph(store: ClaimStore, limit: int | None = None) -> nx.MultiDiGraph:
    """The explorer's view of the store as a networkx graph: sources, claims, agencies, operations,
    flows. Past limit claims, only the most cited sources are read, so a corpus of years costs
    the page's size, not the corpus's. The queries that do not wait on each other run side by
    side where the store allows it (store.parallel_reads)."""
    limit = DRAWN_CLAIMS if limit is None else limit
    graph = nx.MultiDiGraph()
    with ThreadPoolExecutor(max_workers=store.parallel_reads) as pool:
        entity_rows, affiliation_rows = pool.submit(store.select, ENTITY_TYPES), pool.submit(store.select, AFFILIATIONS)
        sources = drawn_sources(store, limit)
        if sources is not None:
            graph.graph["note"] = (f"{sum(n for _, n in sources)} claims of the {len(sources)} most cited sources "
                                   "(the whole graph is too big to draw at once; use `claimgraph explore --focus NAME`)")
        operation_rows = pool.submit(_rows, store, query_text("operations"), "agent", sources)  # as many as its claims
        claim_rows = _rows(store, query_text("claims"), "source", sources, pool)
        drawn = [row["claim"] for row in claim_rows]
        if sources is None:
            asked = [[pool.submit(store.select, query)]
                     for query in (CLAIM_FACTS, CLAIM_LINKS, CLAIM_GROUPS, query_text("disputes"))]
        else:
            # asked for claim by claim, disputes cost a lookup per claim: none in the store, none to ask for
            queries = [CLAIM_FACTS, CLAIM_LINKS, CLAIM_GROUPS] + ([query_text("disputes")] if store.select(ANY_DISPUTE) else [])
            asked = [_asked_by_claim(store, query, drawn, pool) for query in queries]
        extra_rows, links, memberships, disputes = [_joined(parts) for parts in asked] + [[]] * (4 - len(asked))
        operations = operation_rows.result()
        entities = {row["entity"]: row for row in entity_rows.result()}
        affiliations = _affiliation_names(affiliation_rows.result(), entities)
    extra = {row["claim"]: row for row in extra_rows}
    disputed_by = disputes_by_claim(disputes)
    drawn_set = set(drawn)
    graph.graph["links"] = sorted((row["a"], row["b"], row["kind"]) for row in links
                                  if row["a"] in drawn_set and row["b"] in drawn_set)
    groups: dict[str, dict] = {}
    for row in memberships:
        groups.setdefault(row["group"], {"id": row["group"], "topic": row["topic"], "claims": []})["claims"].append(row["claim"])
    graph.graph["groups"] = sorted(({**g, "claims": sorted(g["claims"])} for g in groups.values()), key=lambda g: g["id"])
    for flow in FLOWS:
        graph.add_node(f"flow:{flow}", kind="Flow", label=flow, flow=flow)
    for row in claim_rows:
        claim, source = row["claim"], row["source"]
        facts = extra.get(claim, {})
        graph.add_node(source, kind="Source", label=row["sourceLabel"], aliases=entities.get(source, {}).get("aliases", ""),
                       type=entities.get(source, {}).get("type", ""), affiliation=affiliations.get(source, ""))
        graph.add_node(claim, kind="Claim", **claim_attributes(row, facts, disputed_by.get(claim, [])))
        graph.add_edge(source, claim, kind="asserts")
        graph.add_edge(claim, f"flow:{row['flow']}", kind="about")
    for row in operations:
        agent, operation = row["agent"], row["operation"]
        if agent not in graph:
            kind = "Person" if entities.get(agent, {}).get("type") == "Person" else "Agency"
            graph.add_node(agent, kind=kind, label=row["agentLabel"], aliases=entities.get(agent, {}).get("aliases", ""))
        graph.add_node(operation, kind="Operation", label=row["operationLabel"], article=row["article"],
                       evidence=row["evidence"])
        graph.add_edge(agent, operation, kind=row["relation"], evidence=row["evidence"], article=row["article"])
    for a, b, kind in graph.graph["links"]:
        if kind == "conflicts":
            graph.add_edge(a, b, kind="conflicts")
    return graph


SPRING_LIMIT = 400  # above this, networkx's spring layout wants SciPy and takes long: use clusters
MAX_NODES = 5000  # what one page paints (a browser test draws this many)
DRAWN_CLAIMS = 2000  # the default page's claims: past this, shares of the most cited sources' claims
DRAWN_SOURCES = 25


def layout(graph: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Positions computed in Python (seeded), so the browser need not run physics to settle."""
    if not len(graph):
        return {}
    simple = nx.Graph(graph)
    if len(simple) > SPRING_LIMIT:
        return cluster_layout(graph)
    scale = 300 + 60 * len(simple) ** 0.5
    spacing = 3.0 / len(simple) ** 0.5
    return nx.spring_layout(simple, seed=7, k=spacing, iterations=80, scale=scale)


def cluster_layout(graph: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """A linear-time layout: hubs (sources, agencies, flows) on a ring, each hub's claims and
    operations on a small ring around it."""
    hubs = [n for n, d in graph.nodes(data=True) if d["kind"] in ("Source", "Agency", "Flow")]
    hubs.sort(key=lambda n: -graph.degree(n))
    radius = 60 * max(len(hubs), 1) ** 0.5 * 8
    positions: dict[str, tuple[float, float]] = {}
    for i, hub in enumerate(hubs):
        angle = 2 * math.pi * i / max(len(hubs), 1)
        positions[hub] = (radius * math.cos(angle), radius * math.sin(angle))
    orbit: dict[str, list[str]] = {}
    for node, data in graph.nodes(data=True):
        if node in positions:
            continue
        owners = [a for a in graph.predecessors(node) if a in positions] or [b for b in graph.successors(node) if b in positions]
        orbit.setdefault(owners[0] if owners else "", []).append(node)
    for hub, members in orbit.items():
        cx, cy = positions.get(hub, (0.0, 0.0))
        ring = 40 + 6 * len(members) ** 0.5 * 4
        for j, node in enumerate(members):
            angle = 2 * math.pi * j / len(members)
            positions[node] = (cx + ring * math.cos(angle), cy + ring * math.sin(angle))
    return positions


class NothingMatches(ValueError):
    """A focus name that no source, operation or flow contains; the message suggests the nearest labels."""


def _names(data: dict) -> list[str]:
    """A node's label and its aliases: what --focus matches."""
    return [str(data.get("label") or ""), *filter(None, str(data.get("aliases") or "").split("|"))]


def _matches(data: dict, names: list[str]) -> bool:
    return any(x.lower() in own.lower() for x in names for own in _names(data))


def check_focus(graph: nx.MultiDiGraph, names: list[str]) -> None:
    """NothingMatches naming every focus name that matches no node, with the nearest names."""
    import difflib

    missing = [name for name in names if not any(_matches(d, [name]) for _, d in graph.nodes(data=True))]
    if not missing:
        return
    known = sorted({own for _, d in graph.nodes(data=True) if d.get("kind") != "Claim" for own in _names(d)} - {""})
    by_lower = {own.lower(): own for own in known}
    lines = []
    for name in missing:
        near = [by_lower[own] for own in difflib.get_close_matches(name.lower(), list(by_lower), n=5, cutoff=0.5)]
        lines.append(f"--focus {name!r} matches no source, operation or flow"
                     + (f"; nearest: {', '.join(repr(own) for own in near)}" if near else ""))
    raise NothingMatches("\n".join(lines))


def focus(graph: nx.MultiDiGraph, names: list[str] | None = None, limit: int = MAX_NODES) -> tuple[nx.MultiDiGraph, str]:
    """A subgraph small enough to draw: the neighbourhood of the nodes whose label or an alias contains
    one of names (a source, an operation, a flow), or else of the most cited sources, up to limit nodes.
    NothingMatches when a name matches no label."""
    if names:
        check_focus(graph, names)
        wanted = [n for n, d in graph.nodes(data=True) if _matches(d, names)]
        note = f"neighbourhood of {', '.join(names)}"
    elif len(graph) <= limit:
        return graph, ""
    else:
        wanted = sorted((n for n, d in graph.nodes(data=True) if d["kind"] == "Source"), key=lambda n: -graph.degree(n))
        note = "the most cited sources (the whole graph is too big to draw at once; use `claimgraph explore --focus NAME`)"
    keep: set[str] = set()
    for hub in wanted:
        around = {hub} | set(graph.successors(hub)) | set(graph.predecessors(hub))
        if keep and len(keep | around) > limit:
            break
        keep |= around
    keep |= {n for n, d in graph.nodes(data=True) if d["kind"] == "Flow"}
    return graph.subgraph(keep).copy(), note


def network(graph: nx.MultiDiGraph) -> tuple[list[dict], list[dict]]:
    """The page's vis-network nodes and edges, as pyvis's Network wrote them (same keys, same
    order). Written here: pyvis looks every edge's ends up in a list of all nodes (0.85 s of a
    3.6 s page at 2,000 claims), and networkx already holds each node once and every edge's ends."""
    positions = layout(graph)
    nodes = []
    for node, data in graph.nodes(data=True):
        shape, colour = STYLE.get(data["kind"], ("dot", "#999999"))
        if data["kind"] == "Source" and data.get("type") == "Person":
            shape = PERSON_SHAPE
        x, y = positions.get(node, (0, 0))
        # the node's facts go under "info": vis-network reads keys such as "value" as styling
        info = {k: ("" if v is None else str(v)) for k, v in data.items() if k not in ("label", "kind")}
        nodes.append({"color": colour, "x": float(x), "y": float(y), "physics": False, "kind": data["kind"],
                      "info": info, "id": str(node), "label": str(data.get("label", ""))[:40] or str(node),
                      "shape": shape})
    edges = []
    for a, b, data in graph.edges(data=True):
        kind = data.get("kind", "")
        style = {"color": "#d62828", "dashes": True, "width": 3} if kind == "conflicts" else {"color": "#b0b7bf"}
        edges.append({"kind": kind, "label": kind if kind not in ("asserts", "about") else "",
                      "info": {"evidence": data.get("evidence") or "", "article": data.get("article") or ""},
                      **style, "from": str(a), "to": str(b), "arrows": "to"})
    return nodes, edges


def _json_for_script(value) -> str:
    """JSON that cannot close its <script> element or start a comment."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render(store: ClaimStore, names: list[str] | None = None) -> str:
    # a focus on names searches every claim; the default page reads only what it can draw
    graph = explorer_graph(store, limit=10**12 if names else DRAWN_CLAIMS)
    shown, note = focus(graph, names) if names else (graph, "")  # unfocused, the graph is already cut to size
    return render_graph(shown, note or graph.graph.get("note", ""))


def render_graph(graph: nx.MultiDiGraph, note: str = "") -> str:
    nodes, edges = network(graph)
    legend = [{"kind": k, "shape": f"{s}; a person: {PERSON_SHAPE}" if k == "Source" else s, "color": c}
              for k, (s, c) in STYLE.items()]
    page = TEMPLATE.read_text(encoding="utf-8")
    replacements = {
        "/*VIS_JS*/": (VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8").replace("</script", "<\\/script"),
        "/*VIS_CSS*/": (VIS_DIR / "vis-network.css").read_text(encoding="utf-8"),
        "__GRAPH_DATA__": _json_for_script({"nodes": nodes, "edges": edges, "legend": legend, "flows": list(FLOWS),
                                            "note": note, "links": graph.graph.get("links", []),
                                            "searched": SEARCHED_FIELDS, "searchedOfSource": SEARCHED_SOURCE_FIELDS,
                                            "groups": graph.graph.get("groups", [])}),
    }
    for marker, text in replacements.items():
        page = page.replace(marker, text, 1)
    return page


def write_explorer(store: ClaimStore, path: Path, names: list[str] | None = None) -> None:
    atomic_write(path, render(store, names))
