"""Evidence and the aliases read from a Spanish article keep its language tag ("..."@es); English stays
plain, as every English graph had it (issue 27, construction 7). The shapes accept both, the slice check
still catches evidence that is not the text's, and the saved queries give the same columns and words."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pyoxigraph as ox
import pytest

ES = ("Decomiso en Villa Arroyo\n\nVILLA ARROYO, Ocampo, a 3 de marzo de 2021.- La Agencia de Rastreo Balístico de "
      "Tlacolula (ARBT) informó que sus agentes aseguraron 340 armas y 2’712,946 dólares. Según la Secretaría de "
      "Marina, hasta un 78 % de las armas aseguradas proviene de EU.\n")
EN = "Rifles seized at Kessel\n\nThe Valdora Border Agency (VBA) said its officers seized 92,900 rounds of ammunition.\n"
PREFIXES = "PREFIX cg: <https://w3id.org/claimgraph/ns#> PREFIX prov: <http://www.w3.org/ns/prov#> " \
           "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from claimgraph.build import build

    folder = tmp_path_factory.mktemp("mixed")
    (folder / "decomiso.txt").write_text(ES, encoding="utf-8")
    (folder / "rifles.txt").write_text(EN, encoding="utf-8")
    out = tmp_path_factory.mktemp("mixed-out")
    build(folder, out)
    store = ox.Store()
    store.load(path=str(out / "graph.trig"), format=ox.RdfFormat.TRIG)
    return out, store


def _languages(store, pattern: str) -> dict[str, str | None]:
    rows = store.query(PREFIXES + f"SELECT ?text WHERE {{ GRAPH ?g {{ {pattern} }} }}")
    return {row["text"].value: row["text"].language for row in rows}


def test_spanish_evidence_is_tagged_es_and_english_stays_plain(built):
    _, store = built
    exact = _languages(store, "?claim a cg:FigureClaim ; cg:evidence/cg:exact ?text")
    assert exact, "no claims"
    spanish = [t for t in exact if "armas" in t]
    english = [t for t in exact if "rounds" in t]
    assert spanish and english
    assert {exact[t] for t in spanish} == {"es"} and {exact[t] for t in english} == {None}


def test_an_alias_the_spanish_text_defines_is_tagged_and_a_known_bodys_are_not(built):
    _, store = built
    aliases = _languages(store, "?e rdfs:label ?label ; skos:altLabel ?text")
    assert aliases.get("ARBT") == "es"  # defined by the Spanish article
    assert aliases.get("VBA") is None  # defined by the English one
    known = _languages(store, "<https://w3id.org/claimgraph/id/entity/semar> skos:altLabel ?text")
    assert known and set(known.values()) == {None}  # the alias table's names, in several languages: plain


def test_the_graph_conforms_and_the_slice_check_still_reads_tagged_evidence(built):
    from graph.rdf.shapes import validate_store

    _, store = built
    assert validate_store(store) == []
    store.update(PREFIXES + """DELETE { GRAPH ?g { ?e cg:exact ?x } } INSERT { GRAPH ?g { ?e cg:exact "otras palabras"@es } }
        WHERE { { SELECT ?g ?e ?x WHERE { GRAPH ?g { ?c a cg:FigureClaim ; cg:evidence ?e . ?e cg:exact ?x
                  FILTER (LANG(?x) = "es") } } ORDER BY ?e LIMIT 1 } }""")
    assert any("slice" in v.message or "evidence" in v.message for v in validate_store(store))


def test_the_claims_query_gives_the_same_columns_and_the_words_as_said(built):
    out, _ = built
    command = [sys.executable, "-m", "claimgraph.cli", "query", "claims", "-g", str(out / "graph.trig"), "--format", "csv"]
    rows = list(csv.DictReader(io.StringIO(subprocess.run(command, capture_output=True, check=True, text=True).stdout)))
    assert rows
    assert list(rows[0])[:13] == ["claim", "source", "sourceLabel", "cue", "subject", "value", "low", "high", "unit",
                                  "period", "flow", "article", "evidence"]
    spanish = [r["evidence"] for r in rows if r["article"] == "decomiso.txt"]
    assert spanish and all(e in ES and not e.endswith("@es") for e in spanish)
