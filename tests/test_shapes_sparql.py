"""The shapes compiled to SPARQL find what pyshacl finds, on the same graphs."""

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from graph.rdf.mapping import ONTOLOGY_GRAPH
from graph.rdf.shapes import UnsupportedShape, _compile_node, compiled_shapes, validate_store
from graph.store import graph_to_nquads
from ontology import ONTOLOGY_FILE

BREAKAGES = {
    "offsets": """DELETE { ?e cg:end ?end } INSERT { ?e cg:end ?wrong } WHERE {
        { SELECT ?e ?end WHERE { ?c a cg:FigureClaim ; cg:evidence ?e . ?e cg:end ?end } ORDER BY ?c LIMIT 1 }
        BIND (?end - 3 AS ?wrong) }""",
    "no source": """DELETE { ?c prov:wasAttributedTo ?s } WHERE {
        { SELECT ?c ?s WHERE { ?c a cg:FigureClaim ; prov:wasAttributedTo ?s } ORDER BY ?c LIMIT 1 } }""",
    "two flows": """INSERT { ?c cg:flow cg:cash, cg:firearms } WHERE {
        { SELECT ?c WHERE { ?c a cg:FigureClaim } ORDER BY ?c LIMIT 1 } }""",
    "flow not allowed": """DELETE { ?c cg:flow ?f } INSERT { ?c cg:flow cg:spaceships } WHERE {
        { SELECT ?c ?f WHERE { ?c a cg:FigureClaim ; cg:flow ?f } ORDER BY ?c LIMIT 1 } }""",
    "string as number": """DELETE { ?q wikibase:quantityAmount ?v } INSERT { ?q wikibase:quantityAmount "many" } WHERE {
        { SELECT ?q ?v WHERE { ?q wikibase:quantityAmount ?v } ORDER BY ?q LIMIT 1 } }""",
    "no figure": """DELETE { ?q wikibase:quantityAmount ?v } WHERE {
        { SELECT ?q ?v WHERE { ?q wikibase:quantityAmount ?v } ORDER BY ?q LIMIT 1 } }""",
    "bad hash": """DELETE { ?a cg:sha256 ?h } INSERT { ?a cg:sha256 "not-a-hash" } WHERE {
        { SELECT ?a ?h WHERE { ?a cg:sha256 ?h } ORDER BY ?a LIMIT 1 } }""",
    "source not an entity": """DELETE { ?s a ?t } WHERE {
        { SELECT ?s WHERE { ?c a cg:FigureClaim ; prov:wasAttributedTo ?s } ORDER BY ?c LIMIT 1 } ?s a ?t }""",
    "empty label": """DELETE { ?e rdfs:label ?l } INSERT { ?e rdfs:label "" } WHERE {
        { SELECT ?e ?l WHERE { ?c prov:wasAttributedTo ?e . ?e rdfs:label ?l } ORDER BY ?e LIMIT 1 } }""",
}
PREFIXES = """PREFIX cg: <https://w3id.org/claimgraph/ns#> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX wikibase: <http://wikiba.se/ontology#>
"""


def pyshacl_foci(graph: Graph) -> set[str]:
    from pyshacl import validate

    from graph.rdf.validate import _ontology, _shapes

    _, results, _ = validate(graph, shacl_graph=_shapes(), ont_graph=_ontology(), inference="none", advanced=True)
    return {str(f) for f in results.objects(None, SH.focusNode)}


def compiled_foci(graph: Graph) -> set[str]:
    store = ox.Store()
    store.load(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(ONTOLOGY_GRAPH)))
    store.load(graph_to_nquads(graph), format=ox.RdfFormat.N_QUADS)
    return {v.focus for v in validate_store(store, [str(graph.identifier)])}


@pytest.fixture(scope="module")
def article(seed_build):
    """One seed article's named graph, the unit the build validates."""
    from rdflib import Dataset

    data = Dataset()
    data.parse(seed_build[0] / "graph.trig", format="trig")
    name = sorted(str(g.identifier) for g in data.graphs() if "/graph/" in str(g.identifier) and len(g) > 100)[0]
    graph = Graph(identifier=URIRef(name))
    for triple in data.graph(URIRef(name)):
        graph.add(triple)
    return graph


def test_a_sound_article_graph_passes_both(article):
    assert compiled_foci(article) == set() == pyshacl_foci(article)


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_compiled_shapes_flag_the_same_nodes_as_pyshacl(article, breakage):
    broken = Graph(identifier=article.identifier)
    for triple in article:
        broken.add(triple)
    broken.update(PREFIXES + BREAKAGES[breakage])
    expected = pyshacl_foci(broken)
    assert expected, f"the breakage {breakage!r} changed nothing pyshacl sees"
    assert compiled_foci(broken) == expected


def test_a_shape_term_the_compiler_does_not_cover_stops_it():
    shapes = Graph().parse(data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:qualifiedMinCount 1 ] .""", format="turtle")
    with pytest.raises(UnsupportedShape, match="qualifiedMinCount"):
        _compile_node(shapes, URIRef("http://example.org/S"), "?focus a <http://example.org/C> .")
    assert len(compiled_shapes()) > 30


def test_validation_of_given_focus_nodes_reports_those_alone(article):
    """A rebuild validates the nodes its change touched: those nodes' violations, nested ones
    included, and none of the others."""
    broken = Graph(identifier=article.identifier)
    for triple in article:
        broken.add(triple)
    claims = sorted(str(c) for c in broken.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                                                   URIRef("https://w3id.org/claimgraph/ns#FigureClaim")))
    amount = URIRef("http://wikiba.se/ontology#quantityAmount")
    with_amount = [c for c in claims if (broken.value(URIRef(c), URIRef("https://w3id.org/claimgraph/ns#quantity")), amount, None) in broken]
    first, last = claims[0], with_amount[-1]  # last's point figure is taken away below
    assert first != last
    broken.update(PREFIXES + f"DELETE {{ <{first}> prov:wasAttributedTo ?s }} WHERE {{ <{first}> prov:wasAttributedTo ?s }}")
    broken.update(PREFIXES + f"""DELETE {{ ?q wikibase:quantityAmount ?v }} WHERE {{
        <{last}> cg:quantity ?q . ?q wikibase:quantityAmount ?v }}""")  # a nested node breaks
    store = ox.Store()
    store.load(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(ONTOLOGY_GRAPH)))
    store.load(graph_to_nquads(broken), format=ox.RdfFormat.N_QUADS)
    graphs = [str(article.identifier)]
    everything = {v.focus for v in validate_store(store, graphs)}
    assert {first, last} <= everything
    assert {v.focus for v in validate_store(store, graphs, focus=[first])} == {first}
    only_last = {v.focus for v in validate_store(store, graphs, focus=[last])}
    assert last in only_last and first not in only_last and len(only_last) == 2  # the claim and its quantity
    assert validate_store(store, graphs, focus=[claims[1]]) == [] and validate_store(store, graphs, focus=[]) == []
