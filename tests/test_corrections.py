"""Corrections that survive rebuilds (issue 28 item 5): corrections.yaml beside the articles is
applied after extraction on every build, the graph keeps the extraction beside the correction
(PROV-O), and a correction that matches nothing any more is reported. Names are invented."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from claimgraph.build import build
from graph.store import ClaimStore

ARTICLES = {
    "harbour.txt": ("Rifles at the Quenford crossing\n\nThe Tarvel Institute estimates that smugglers move 4,120 rifles "
                    "south each year. Agents seized 310 pistols at the Quenford crossing in May.\n"),
    "valley.txt": ("Cash in the valley\n\nInspectors of the Orlin Customs Service found $2.4 million in a truck, "
                   "the Orlin Customs Service said. The Varnholt Gazette counted 57 arrests.\n"),
}
PREFIXES = """PREFIX cg: <https://w3id.org/claimgraph/ns#> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX schema: <https://schema.org/>
PREFIX wikibase: <http://wikiba.se/ontology#>
"""


def _corpus(folder: Path, corrections: list[dict] | None = None, edits: dict[str, str] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in {**ARTICLES, **(edits or {})}.items():
        (folder / name).write_text(text, encoding="utf-8")
    if corrections is not None:
        (folder / "corrections.yaml").write_text(yaml.safe_dump(corrections, sort_keys=False), encoding="utf-8")
    return folder


def _claims(out: Path) -> dict[str, dict]:
    rows = ClaimStore.load(out / "graph.trig").select(PREFIXES + """
        SELECT ?claim ?figure ?sourceLabel ?article WHERE { ?claim a cg:FigureClaim ; schema:text ?figure ;
          cg:sourceLabel ?sourceLabel ; prov:wasDerivedFrom/cg:fileName ?article }""")
    return {row["figure"]: row for row in rows}


REATTRIBUTE = {"claim": {"article": "harbour.txt", "figure": "4,120"}, "source": "Quenford Border Office",
               "note": "The institute repeats the office's count", "by": "A. Reporter", "date": "2026-12-07"}
REJECT = {"claim": {"article": "valley.txt", "figure": "57"}, "reject": True, "note": "a head-count, no claim"}
RETYPE = {"entity": "Tarvel Institute", "type": "Agency", "note": "a government institute"}
METADATA = {"article": "valley.txt", "set": {"title": "Cash found in the Orlin valley", "date": "2024-05-02"}}
STALE = {"claim": {"article": "harbour.txt", "figure": "9,999"}, "source": "Nobody In Particular"}


@pytest.fixture(scope="module")
def corrected(tmp_path_factory):
    folder = _corpus(tmp_path_factory.mktemp("articles"), [REATTRIBUTE, REJECT, RETYPE, METADATA, STALE])
    out = tmp_path_factory.mktemp("out")
    summary = build(folder, out, workers=1)
    return folder, out, summary


def test_each_correction_holds_and_a_stale_one_is_reported_by_its_entry(corrected):
    _, out, summary = corrected
    claims = _claims(out)
    assert claims, "the corpus has claims"
    assert claims["4,120"]["sourceLabel"] == "Quenford Border Office"
    assert "57" not in claims and "310" in claims
    store = ClaimStore.load(out / "graph.trig")
    types = {row["type"].rsplit("#", 1)[-1] for row in store.select(PREFIXES + """
        SELECT ?type WHERE { ?e rdfs:label "Tarvel Institute" ; a ?type }""")}
    assert types == {"Agency"}
    titles = store.select(PREFIXES + "SELECT ?title WHERE { ?a cg:fileName \"valley.txt\" ; schema:headline ?title }")
    assert [row["title"] for row in titles] == ["Cash found in the Orlin valley"]
    stale = [w for w in summary.warnings if "entry 5" in w]
    assert len(stale) == 1 and "stale" in stale[0] and "9,999" in stale[0]


def test_the_graph_keeps_the_extraction_with_the_corrections_provenance(corrected):
    _, out, _ = corrected
    store = ClaimStore.load(out / "graph.trig")
    revised = store.select(PREFIXES + """
        SELECT ?claim ?was ?note ?by ?when WHERE { ?claim prov:wasRevisionOf ?extracted .
          ?extracted cg:extractedSourceLabel ?was . ?correction prov:generated ?claim ; rdfs:comment ?note ;
          cg:correctedBy ?by ; prov:endedAtTime ?when }""")
    assert [(r["was"], r["note"], r["by"], r["when"]) for r in revised] == [
        ("Tarvel Institute", REATTRIBUTE["note"], "A. Reporter", "2026-12-07")]
    rejected = store.select(PREFIXES + """
        SELECT ?figure ?note WHERE { ?claim a cg:RejectedClaim ; schema:text ?figure ; prov:wasInvalidatedBy/rdfs:comment ?note }""")
    assert [(r["figure"], r["note"]) for r in rejected] == [("57", REJECT["note"])]
    retyped = store.select(PREFIXES + "SELECT ?was WHERE { ?c a cg:Correction ; cg:extractedType ?was }")
    assert [r["was"] for r in retyped] and all(r["was"] != "Agency" for r in retyped)


def test_corrections_survive_an_edit_elsewhere_and_an_incremental_build_equals_a_fresh_one(corrected, tmp_path):
    folder, out, _ = corrected
    edited = ARTICLES["harbour.txt"].replace("in May.", "in May, a week after the last search.")
    _corpus(folder, edits={"harbour.txt": edited})
    build(folder, out, workers=1)
    claims = _claims(out)
    assert claims["4,120"]["sourceLabel"] == "Quenford Border Office" and "57" not in claims
    fresh = tmp_path / "fresh"
    build(folder, fresh, workers=1)
    assert (out / "graph.trig").read_bytes() == (fresh / "graph.trig").read_bytes()
    assert (out / "claims.csv").read_bytes() == (fresh / "claims.csv").read_bytes()


def test_a_bad_entry_is_named_and_the_others_still_apply(tmp_path):
    from claimgraph.corrections import read_corrections

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "corrections.yaml").write_text(yaml.safe_dump([
        REATTRIBUTE, {"claim": {"article": "harbour.txt"}}, {"entity": "X", "type": "Planet"}, ["not", "a", "mapping"]]))
    found, problems = read_corrections(folder)
    assert [c.action for c in found] == ["reattribute"]
    assert [p.split(":")[0] for p in problems] == [f"corrections.yaml entry {n}" for n in (2, 3, 4)]


def test_claimgraph_correct_writes_an_entry_the_next_build_applies(tmp_path):
    folder = _corpus(tmp_path / "articles")
    out = tmp_path / "out"
    build(folder, out, workers=1)
    claim = _claims(out)["310"]["claim"]
    command = [sys.executable, "-m", "claimgraph.cli", "correct", claim, "-g", str(out / "graph.trig"),
               "--articles", str(folder), "--source", "Quenford Border Office", "--note", "their seizure", "--by", "me"]
    subprocess.run(command, check=True, capture_output=True)
    entries = yaml.safe_load((folder / "corrections.yaml").read_text())
    assert entries[0]["claim"] == {"article": "harbour.txt", "figure": "310"} and entries[0]["note"] == "their seizure"
    build(folder, out, workers=1)
    assert _claims(out)["310"]["sourceLabel"] == "Quenford Border Office"


def test_a_corrections_file_that_cannot_be_read_is_named_and_the_build_goes_on(tmp_path):
    from claimgraph.corrections import read_corrections

    folder = tmp_path / "articles"
    folder.mkdir()
    for text, said in (("- set: {date: 2024-13-45}\n  article: a.txt\n", "entry 1"),  # no timestamp parser to raise
                       ("a: &a [1, 2]\nb: *a\n", "aliases"),  # an alias bomb's first step is refused
                       ("[" * 5000 + "]" * 5000, "")):  # nesting too deep for the parser
        (folder / "corrections.yaml").write_text(text, encoding="utf-8")
        found, problems = read_corrections(folder)
        assert not found and len(problems) == 1 and problems[0].startswith("corrections.yaml"), problems
        assert said in problems[0]
