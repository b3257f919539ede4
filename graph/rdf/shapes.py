"""ontology/shapes.ttl compiled to SPARQL and run by Oxigraph, graph by graph.

pyshacl walks rdflib objects and costs about as much per article as spaCy; the same shapes as
SELECT queries run in Oxigraph's engine over the whole store, or over just the graphs a rebuild
changed. The compiler covers the SHACL Core terms the shapes use (targetClass, path as one
predicate, min/maxCount, class, datatype, in, node, nodeKind, minLength, pattern, or of minCount
shapes) and SHACL-SPARQL select constraints; any other term stops it with an error, so a shape
cannot be skipped silently. `claimgraph validate` and the tests still run pyshacl on the same file."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import cache
from typing import Iterable

import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from ontology import ONTOLOGY_FILE, SHAPES_FILE


class UnsupportedShape(ValueError):
    pass


@dataclass(frozen=True)
class ConstraintQuery:
    """One constraint as a query whose rows (?g ?focus) are its violations."""
    shape: str
    path: str
    message: str
    sparql: str
    per_graph: bool = True  # False: a SHACL-SPARQL select, run over the union of the graphs
    classes: frozenset[str] = frozenset()  # its shape's target classes: no instance, no violation
    guard: str = ""  # a query with a row whenever this or another count or value constraint at its focus is broken


@dataclass(frozen=True)
class Violation:
    graph: str
    focus: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.focus}: {self.path}: {self.message}"


NODE_TERMS = {RDF.type, SH.targetClass, SH.property, SH["or"], SH.sparql, SH.message}
PROPERTY_TERMS = {SH.path, SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH["in"], SH.node, SH.nodeKind,
                  SH.minLength, SH.pattern, SH.flags, SH.message, SH.name, SH.description}
NODE_KINDS = {SH.IRI: "isIRI(?value)", SH.Literal: "isLiteral(?value)", SH.BlankNode: "isBlank(?value)"}


def _iri(term) -> str:
    return f"<{term}>"


def _check_terms(shapes: Graph, node, allowed: set, what: str) -> None:
    for predicate in set(shapes.predicates(node)):
        if predicate not in allowed:
            raise UnsupportedShape(f"{SHAPES_FILE.name}: {what} {node} uses {predicate}, which the SPARQL compiler does not cover")


def _violations(select: str, where: str) -> str:
    return f"SELECT DISTINCT ?g ?focus WHERE {{ GRAPH ?g {{ {where} }} }}" if not select else select


def _compile_property(shapes: Graph, shape_name: str, prop, focus: str, depth: int) -> list[tuple[ConstraintQuery, tuple]]:
    """The property's constraints, each with (path, test) when it is a count or value constraint:
    test, over the focus node's values of path (?value), holds when it is broken; else ()."""
    _check_terms(shapes, prop, PROPERTY_TERMS, "property shape")
    path = shapes.value(prop, SH.path)
    if not isinstance(path, URIRef):
        raise UnsupportedShape(f"{SHAPES_FILE.name}: {shape_name}: only a single predicate is supported as sh:path")
    p = _iri(path)
    custom = shapes.value(prop, SH.message)
    queries = []

    def add(message: str, where: str = "", select: str = "", when: str = "") -> None:
        queries.append((ConstraintQuery(shape_name, str(path), str(custom) if custom else message, _violations(select, where)),
                        (p, when) if when else ()))

    def add_value_test(message: str, test: str) -> None:
        """A constraint every value must pass: broken by a value for which test holds."""
        add(message, f"{value} FILTER ({test})", when=f"SUM(COALESCE(IF({test}, 1, 0), 0)) > 0")

    min_count, max_count = shapes.value(prop, SH.minCount), shapes.value(prop, SH.maxCount)
    if min_count is not None and int(min_count) == 1:
        add("no value (minCount 1)", f"{focus} FILTER NOT EXISTS {{ ?focus {p} ?any }}", when="COUNT(DISTINCT ?value) < 1")
    elif min_count is not None and int(min_count) > 1:
        add(f"fewer than {min_count} values (minCount)", select=(
            f"SELECT ?g ?focus WHERE {{ GRAPH ?g {{ {focus} OPTIONAL {{ ?focus {p} ?value }} }} }} "
            f"GROUP BY ?g ?focus HAVING (COUNT(DISTINCT ?value) < {int(min_count)})"), when=f"COUNT(DISTINCT ?value) < {int(min_count)}")
    if max_count is not None:
        add(f"more than {max_count} values (maxCount)", select=(
            f"SELECT ?g ?focus WHERE {{ GRAPH ?g {{ {focus} ?focus {p} ?value }} }} "
            f"GROUP BY ?g ?focus HAVING (COUNT(DISTINCT ?value) > {int(max_count)})"), when=f"COUNT(DISTINCT ?value) > {int(max_count)}")
    value = f"{focus} ?focus {p} ?value ."
    datatype = shapes.value(prop, SH.datatype)
    if datatype is not None:
        add_value_test(f"a value is not a {datatype} literal (datatype)", f"!isLiteral(?value) || DATATYPE(?value) != {_iri(datatype)}")
    cls = shapes.value(prop, SH["class"])
    if cls is not None:
        # the class and its subclasses as the ontology declares them, as data: walking
        # rdfs:subClassOf* in the store for every value cost three times as much (measured)
        add(f"a value is not a {cls} (class)", select=(
            f"SELECT DISTINCT ?g ?focus WHERE {{ GRAPH ?g {{ {value} }} FILTER NOT EXISTS {{ "
            f"GRAPH ?g {{ ?value a ?type }} VALUES ?type {{ {_terms(_subclasses(cls))} }} }} }}"))  # no guard: always run
    members = shapes.value(prop, SH["in"])
    if members is not None:
        allowed = ", ".join(_term(m) for m in Collection(shapes, members))
        add_value_test("a value is not one of the allowed values (in)", f"?value NOT IN ({allowed})")
    kind = shapes.value(prop, SH.nodeKind)
    if kind is not None:
        if kind not in NODE_KINDS:
            raise UnsupportedShape(f"{SHAPES_FILE.name}: {shape_name}: sh:nodeKind {kind} is not covered")
        add_value_test(f"a value is not of node kind {kind} (nodeKind)", f"!{NODE_KINDS[kind]}")
    min_length = shapes.value(prop, SH.minLength)
    if min_length is not None:
        add_value_test(f"a value is shorter than {min_length} (minLength)", f"isBlank(?value) || STRLEN(STR(?value)) < {int(min_length)}")
    pattern = shapes.value(prop, SH.pattern)
    if pattern is not None:
        flags = shapes.value(prop, SH.flags)
        regex = f"REGEX(STR(?value), {json.dumps(str(pattern))}" + (f", {json.dumps(str(flags))})" if flags else ")")
        add_value_test(f"a value does not match {pattern} (pattern)", f"isBlank(?value) || !{regex}")
    node = shapes.value(prop, SH.node)
    if node is not None:
        parent = "?root" if depth == 0 else f"?parent{depth}"  # the top focus is reported too, as pyshacl does
        inner = f"{focus.replace('?focus', parent)} {parent} {p} ?focus ."
        queries += [(query, ()) for query in _compile_node(shapes, node, inner, depth + 1)]
    return queries


def _guarded(queries: list[tuple[ConstraintQuery, tuple]], focus: str) -> list[ConstraintQuery]:
    """A node shape's count and value constraints at one focus, each given their guard: one query,
    reading each focus node's values of each path once, that has a row when any of them is broken.
    Valid graphs, the usual case, then cost one read of the focus nodes instead of one per constraint.
    A focus node's values of its paths are joined: their numbers multiply (one value each, in a valid graph)."""
    tested = [when for _, when in queries if when]
    if len(tested) < 2:  # a guard of one constraint saves nothing
        return [query for query, _ in queries]
    values = {path: f"?value{n}" for n, path in enumerate(dict.fromkeys(path for path, _ in tested))}
    optionals = " ".join(f"OPTIONAL {{ ?focus {path} {name} }}" for path, name in values.items())
    tests = " || ".join(re.sub(r"\?value\b", values[path], test) for path, test in tested)
    guard = f"SELECT ?focus WHERE {{ GRAPH ?g {{ {focus} {optionals} }} }} GROUP BY ?g ?focus HAVING ({tests}) LIMIT 1"
    return [replace(query, guard=guard) if when else query for query, when in queries]


def _term(term) -> str:
    if isinstance(term, URIRef):
        return _iri(term)
    if isinstance(term, Literal):
        return json.dumps(str(term)) + (f"^^{_iri(term.datatype)}" if term.datatype else "")
    raise UnsupportedShape(f"{SHAPES_FILE.name}: sh:in holds {term!r}, neither an IRI nor a literal")


def _compile_node(shapes: Graph, shape, focus: str, depth: int = 0) -> list[ConstraintQuery]:
    _check_terms(shapes, shape, NODE_TERMS, "node shape")
    name = str(shape).split("#")[-1]
    queries = _guarded([compiled for prop in shapes.objects(shape, SH.property)
                        for compiled in _compile_property(shapes, name, prop, focus, depth)], focus)
    for alternatives in shapes.objects(shape, SH["or"]):
        branches = []
        for branch in Collection(shapes, alternatives):
            path, min_count = shapes.value(branch, SH.path), shapes.value(branch, SH.minCount)
            if set(shapes.predicates(branch)) != {SH.path, SH.minCount} or int(min_count) != 1 or not isinstance(path, URIRef):
                raise UnsupportedShape(f"{SHAPES_FILE.name}: {name}: sh:or is covered only over 'path with minCount 1' shapes")
            branches.append(f"{{ ?focus {_iri(path)} ?any }}")
        queries.append(ConstraintQuery(name, "sh:or", "none of the alternatives holds (or)",
                                       _violations("", f"{focus} FILTER NOT EXISTS {{ {' UNION '.join(branches)} }}")))
    for constraint in shapes.objects(shape, SH.sparql):
        select = shapes.value(constraint, SH.select)
        if select is None:
            raise UnsupportedShape(f"{SHAPES_FILE.name}: {name}: a sh:sparql constraint without sh:select")
        message = shapes.value(constraint, SH.message) or "SPARQL constraint"
        queries.append(ConstraintQuery(name, "sh:sparql", str(message), str(select).replace("$this", "?focus"), per_graph=False))
    return queries


@cache
def _ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def _subclasses(cls) -> frozenset[str]:
    """cls and every class the ontology declares below it."""
    return frozenset(str(c) for c in _ontology().transitive_subjects(RDFS.subClassOf, cls))


def _terms(iris: Iterable[str]) -> str:
    return " ".join(sorted(_iri(iri) for iri in iris))


@cache
def compiled_shapes() -> tuple[ConstraintQuery, ...]:
    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    queries = []
    for shape in sorted(shapes.subjects(RDF.type, SH.NodeShape)):
        for target in shapes.objects(shape, SH.targetClass):
            # a class target takes in the instances of its subclasses, as the ontology declares them
            members = _subclasses(target)
            classes = _terms(members)
            queries += [replace(q, classes=members)
                        for q in _compile_node(shapes, shape, f"?focus a ?focusClass . VALUES ?focusClass {{ {classes} }}")]
    return tuple(_with_root(q) for q in queries)


def _with_root(query: ConstraintQuery) -> ConstraintQuery:
    """A nested shape's query also returns the top focus node it was reached from."""
    if "?root" not in query.sparql:
        return query
    text = query.sparql
    for head in ("SELECT DISTINCT ?g ?focus", "SELECT ?g ?focus", "GROUP BY ?g ?focus"):
        text = text.replace(head, head + " ?root", 1)
    return replace(query, sparql=text)


def _focused(sparql: str, focus: list[str] | None) -> tuple[str, bool]:
    """The query checking only the given top focus nodes, and whether it could be cut to them (a
    SHACL-SPARQL select cannot: it runs whole, and its violations are kept for the focus nodes)."""
    if focus is None:
        return sparql, True
    values = " ".join(str(ox.NamedNode(node)) for node in focus)
    for top in ("?root a ?rootClass .", "?focus a ?focusClass ."):
        if top in sparql:
            return sparql.replace(top, f"VALUES {top.split()[0]} {{ {values} }} {top}", 1), True
    return sparql, False


def validate_store(store: ox.Store, graphs: Iterable[str] | None = None,
                   focus: Iterable[str] | None = None) -> list[Violation]:
    """Every violation of the shapes in the given named graphs (all graphs when None), of the
    given top focus nodes only when focus is given (a rebuild checks what its change touched)."""
    named = None if graphs is None else [ox.NamedNode(g) for g in graphs]
    focus = None if focus is None else sorted(focus)
    if named == [] or focus == []:
        return []
    found = []
    guards: dict[str, bool] = {}  # a guard's query -> whether it found anything broken
    typed = "SELECT DISTINCT ?class WHERE { ?node a ?class }"
    present = {row["class"].value for row in (store.query(typed, default_graph=named) if named is not None
                                              else store.query(typed, use_default_graph_as_union=True))}
    for constraint in compiled_shapes():
        if constraint.classes and not constraint.classes & present:  # nothing here it could target
            continue
        if constraint.guard:
            if constraint.guard not in guards:
                guard = _focused(constraint.guard, focus)[0]
                guards[constraint.guard] = any(True for _ in store.query(guard, use_default_graph_as_union=True, named_graphs=named))
            if not guards[constraint.guard]:  # none of the count and value constraints at its focus is broken
                continue
        sparql, cut = _focused(constraint.sparql, focus)
        kept = (lambda node: True) if cut else set(focus).__contains__
        if constraint.per_graph:
            nested = "?root" in constraint.sparql
            for row in store.query(sparql, use_default_graph_as_union=True, named_graphs=named):
                if not kept(row["root"].value if nested else row["focus"].value):
                    continue
                found.append(Violation(row["g"].value, row["focus"].value, constraint.path, constraint.message))
                if nested:
                    found.append(Violation(row["g"].value, row["root"].value, constraint.path, f"its value breaks {constraint.shape}: {constraint.message}"))
        else:
            rows = store.query(sparql, default_graph=named) if named is not None else \
                store.query(sparql, use_default_graph_as_union=True)
            for node in {row["focus"] for row in rows if kept(row["focus"].value)}:
                holders = {q.graph_name for q in store.quads_for_pattern(node, None, None)}
                for graph in holders if named is None else holders & set(named):
                    found.append(Violation(graph.value, node.value, constraint.path, constraint.message))
    return sorted(set(found), key=lambda v: (v.graph, v.focus, v.path))


def short(text: str, lines: int = 40) -> str:
    """The head of a long validation report."""
    rows = text.splitlines()
    return "\n".join(rows[:lines]) + (f"\n... ({len(rows) - lines} more lines)" if len(rows) > lines else "")
