"""One contract that every store backend passes: Oxigraph in memory and persisted, rdflib's Memory
store, and a remote SPARQL 1.1 store (a real Oxigraph server on a loopback port)."""

import csv
import io
import json

import pytest
from rdflib import Literal, URIRef

from graph.store import ClaimStore, StoreError, backend_names, register
from graph.store.memory_backend import MemoryBackend

from .test_store_serve import free_port, oxigraph_server

G1, G2 = "https://example.org/graph/one", "https://example.org/graph/two"
CG = "https://w3id.org/claimgraph/ns#"
DATA = f"""
<https://example.org/claim/a> <{CG}sourceLabel> "Agency \\"A\\" of Río" <{G1}> .
<https://example.org/claim/a> <{CG}value> "250000"^^<http://www.w3.org/2001/XMLSchema#decimal> <{G1}> .
<https://example.org/claim/b> <{CG}sourceLabel> "Outlet B" <{G2}> .
<https://example.org/claim/b> <{CG}note> "en clair"@fr <{G2}> .
""".encode()
CLAIMS = f"""PREFIX cg: <{CG}>
SELECT ?claim ?label ?value WHERE {{ ?claim cg:sourceLabel ?label OPTIONAL {{ ?claim cg:value ?value }} }} ORDER BY ?claim"""
TRIG = f"""@prefix cg: <{CG}> .
<{G1}> {{ <https://example.org/claim/c> cg:sourceLabel "From a file" . }}
"""


class StoreContract:
    """What ClaimStore promises, whatever the backend."""

    @pytest.fixture
    def store(self, tmp_path) -> ClaimStore:
        raise NotImplementedError

    @pytest.fixture
    def filled(self, store) -> ClaimStore:
        store.add_nquads(DATA)
        return store

    def test_named_graphs_are_listed_sorted(self, filled):
        assert filled.graph_names() == [G1, G2]

    def test_select_reads_the_union_as_plain_strings_with_empty_unbound(self, filled):
        rows = filled.select(CLAIMS)
        assert rows == [{"claim": "https://example.org/claim/a", "label": 'Agency "A" of Río', "value": "250000"},
                        {"claim": "https://example.org/claim/b", "label": "Outlet B", "value": ""}]

    def test_a_binding_keeps_the_rows_with_that_value(self, filled):
        rows = filled.select(CLAIMS, {"label": Literal("Outlet B")})
        assert [r["claim"] for r in rows] == ["https://example.org/claim/b"]
        assert filled.select(CLAIMS, {"claim": URIRef("https://example.org/claim/a")})[0]["value"] == "250000"

    def test_a_bound_value_is_a_value_not_query_text(self, filled):
        hostile = Literal('x" } } ; DROP ALL ; SELECT * WHERE { ?s ?p "')
        assert filled.select(CLAIMS, {"label": hostile}) == []
        assert filled.graph_names() == [G1, G2]

    def test_csv_and_json_hold_the_same_rows_as_select(self, filled):
        expected = filled.select(CLAIMS)
        out = io.BytesIO()
        filled.write_results(CLAIMS, "csv", out)
        assert list(csv.DictReader(io.StringIO(out.getvalue().decode("utf-8")))) == expected
        out = io.BytesIO()
        filled.write_results(CLAIMS, "json", out)
        answer = json.loads(out.getvalue())
        assert answer["head"]["vars"] == ["claim", "label", "value"]
        assert [{k: b.get(k, {}).get("value", "") for k in answer["head"]["vars"]}
                for b in answer["results"]["bindings"]] == expected

    def test_the_table_format_names_every_column(self, filled):
        out = io.BytesIO()
        filled.write_results(CLAIMS, "table", out)
        header = out.getvalue().decode("utf-8").splitlines()[0]
        assert header.split() == ["claim", "label", "value"]

    def test_removing_a_graph_leaves_the_others(self, filled):
        filled.remove_graph(URIRef(G1))
        assert filled.graph_names() == [G2]
        assert [r["claim"] for r in filled.select(CLAIMS)] == ["https://example.org/claim/b"]

    def test_a_diff_removes_and_adds_quads(self, filled):
        removed = f'<https://example.org/claim/b> <{CG}sourceLabel> "Outlet B" <{G2}> .\n'.encode()
        added = f'<https://example.org/claim/b> <{CG}sourceLabel> "Outlet C" <{G2}> .\n'.encode()
        filled.apply_diff(removed, added)
        assert [r["label"] for r in filled.select(CLAIMS)] == ['Agency "A" of Río', "Outlet C"]

    def test_a_trig_file_loads_into_its_named_graph(self, store, tmp_path):
        path = tmp_path / "one.trig"
        path.write_text(TRIG, encoding="utf-8")
        store.load_file(path)
        assert store.graph_names() == [G1]
        assert store.select(CLAIMS)[0]["label"] == "From a file"

    def test_one_graphs_quads_and_ntriples_are_that_graphs_alone(self, filled):
        assert {(q.subject.value, q.predicate.value, q.object.value) for q in filled.engine.graph_quads(G2)} == {
            ("https://example.org/claim/b", f"{CG}sourceLabel", "Outlet B"),
            ("https://example.org/claim/b", f"{CG}note", "en clair")}
        lines = filled.graph_ntriples(G1).decode("utf-8").splitlines()
        assert len(lines) == 2 and all(line.startswith("<https://example.org/claim/a>") for line in lines)

    def test_a_select_in_some_graphs_reads_only_those(self, filled):
        rows = filled.select_in(CLAIMS, [URIRef(G2)])
        assert [r["claim"] for r in rows] == ["https://example.org/claim/b"]

    def test_the_protocol_answer_is_in_the_type_asked_for(self, filled):
        media, body = filled.answer(CLAIMS, "text/csv")
        assert media == "text/csv"
        assert list(csv.DictReader(io.StringIO(body.decode("utf-8")))) == filled.select(CLAIMS)
        media, body = filled.answer(CLAIMS)
        assert media == "application/sparql-results+json"
        assert len(json.loads(body)["results"]["bindings"]) == 2
        media, body = filled.answer(f"CONSTRUCT {{ ?c <{CG}sourceLabel> ?l }} WHERE {{ ?c <{CG}sourceLabel> ?l }}",
                                    "application/n-triples")
        assert media == "application/n-triples" and len(body.decode("utf-8").strip().splitlines()) == 2

    def test_the_shapes_find_what_breaks_them(self, filled):
        broken = f'<https://example.org/claim/z> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{CG}FigureClaim> <{G1}> .\n'.encode()
        filled.add_nquads(broken)
        found = filled.violations([G1])
        assert found and all("claim/z" in problem for problem in found)
        assert filled.violations([G2]) == []

    def test_the_canonical_dump_is_the_same_as_the_embedded_engines(self, filled):
        reference = ClaimStore("oxigraph")
        reference.add_nquads(DATA)
        assert filled.serialize("nquads") == reference.serialize("nquads")
        assert filled.serialize("trig") == reference.serialize("trig")


class TestOxigraphInMemory(StoreContract):
    @pytest.fixture
    def store(self, tmp_path):
        return ClaimStore("oxigraph")


class TestOxigraphPersisted(StoreContract):
    @pytest.fixture
    def store(self, tmp_path):
        return ClaimStore("oxigraph", tmp_path / "store")

    def test_what_was_flushed_is_there_when_opened_again_read_only(self, filled, tmp_path):
        filled.flush()
        del filled
        again = ClaimStore("oxigraph", tmp_path / "store", read_only=True)
        assert again.graph_names() == [G1, G2] and again.path == tmp_path / "store"


class TestRdflibMemory(StoreContract):
    @pytest.fixture
    def store(self, tmp_path):
        return ClaimStore("memory")


@pytest.fixture(scope="module")
def union_server():
    with oxigraph_server("--union-default-graph") as base:
        yield base


class TestRemote(StoreContract):
    @pytest.fixture
    def store(self, union_server):
        store = ClaimStore.remote(union_server)
        for name in store.graph_names():  # the server lives for the module: each test starts empty
            store.remove_graph(URIRef(name))
        return store

    def test_an_unreachable_store_is_named_in_the_error(self):
        store = ClaimStore.remote(f"http://127.0.0.1:{free_port()}")
        with pytest.raises(StoreError, match=r"127\.0\.0\.1.*cannot reach"):
            store.graph_names()


def test_an_unknown_backend_is_refused_by_name():
    with pytest.raises(StoreError, match="unknown store backend 'sqlite': use one of memory, oxigraph, remote"):
        ClaimStore("sqlite")


class ReadOnlyMemory(MemoryBackend):
    """A backend of one's own, registered by name as a plugin: the store opens it like the others."""

    def add_nquads(self, data: bytes) -> None:
        raise StoreError("read-only")


def test_a_backend_registered_by_name_is_opened_by_that_name():
    register("read-only-memory", __name__, "ReadOnlyMemory")
    assert "read-only-memory" in backend_names()
    store = ClaimStore("read-only-memory")
    assert isinstance(store.engine, ReadOnlyMemory)
    with pytest.raises(StoreError, match="read-only"):
        store.add_nquads(DATA)
