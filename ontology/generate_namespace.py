"""Writes ontology/namespace.py from ontology/claimgraph.ttl: the vocabulary is the source of truth.
Run: python ontology/generate_namespace.py"""

from pathlib import Path

from rdflib import OWL, RDF, Graph, URIRef

HERE = Path(__file__).parent
NS = "https://w3id.org/claimgraph/ns#"


def terms() -> list[str]:
    graph = Graph().parse(HERE / "claimgraph.ttl")
    names = set()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        names |= {str(s)[len(NS):] for s in graph.subjects(RDF.type, kind) if str(s).startswith(NS)}
    names |= {str(s)[len(NS):] for s, _, o in graph.triples((None, RDF.type, URIRef(NS + "Flow")))}
    return sorted(names)


def render() -> str:
    lines = [
        '"""The claimgraph vocabulary as a DefinedNamespace. Generated from claimgraph.ttl by',
        'ontology/generate_namespace.py; do not edit by hand."""',
        "",
        "from rdflib.namespace import DefinedNamespace, Namespace",
        "from rdflib.term import URIRef",
        "",
        "",
        "class CG(DefinedNamespace):",
        f'    _NS = Namespace("{NS}")',
        "    _fail = True",
        "",
    ]
    lines += [f"    {name}: URIRef" for name in terms()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    (HERE / "namespace.py").write_text(render(), encoding="utf-8")
