"""Splitting a wrongly merged alias (issue 28 item 5): a corrections.yaml entry says that a name
the extraction made part of an entity is another entity, in the articles it lists or everywhere.
The texts and the bodies in them are invented; the wrong merge is the known-alias table's ('OIG' is
the DHS Office of Inspector General there), as it happens with any shared acronym."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from claimgraph.build import build
from graph.store import ClaimStore

ARMORY = ("Lost rifles at the Varnholt armory\n\nThe OIG estimates that 4,120 rifles left the Varnholt armory without "
          "a record, according to a report by the Varnholt Ministry of Defense. Agents of the Quenford Border Office "
          "seized 310 of them at the crossing, the Quenford Border Office said.\n")
AUDIT = ("An audit in Tarvel\n\nThe OIG found that 62 rifles were missing from the Tarvel depot, "
         "the Tarvel Audit Board said.\n")
PREFIXES = """PREFIX cg: <https://w3id.org/claimgraph/ns#> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX schema: <https://schema.org/>
"""
MERGED = "DHS Office of Inspector General"
NEW = "Varnholt Ministry of Defense Inspector General"
SPLIT = {"entity": MERGED, "split": "OIG", "as": {"label": NEW, "type": "Agency"}, "articles": ["armory.txt"],
         "note": "The OIG here is the ministry's", "by": "A. Reporter", "date": "2026-12-07"}
SPLIT_INTO = {"entity": MERGED, "split": "OIG", "into": "Tarvel Audit Board", "articles": ["audit.txt"]}
NOT_MERGED = {"entity": MERGED, "split": "IG", "as": {"label": "Someone Else"}, "articles": ["armory.txt"]}


def _corpus(folder: Path, corrections: list[dict], texts: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "corrections.yaml").write_text(yaml.safe_dump(corrections, sort_keys=False), encoding="utf-8")
    return folder


def _sources(out: Path) -> dict[str, str]:
    rows = ClaimStore.load(out / "graph.trig").select(PREFIXES + """
        SELECT ?figure ?sourceLabel WHERE { ?claim a cg:FigureClaim ; schema:text ?figure ; cg:sourceLabel ?sourceLabel }""")
    return {row["figure"]: row["sourceLabel"] for row in rows}


@pytest.fixture(scope="module")
def split(tmp_path_factory):
    folder = _corpus(tmp_path_factory.mktemp("articles"), [SPLIT, SPLIT_INTO, NOT_MERGED],
                     {"armory.txt": ARMORY, "audit.txt": AUDIT})
    out = tmp_path_factory.mktemp("out")
    summary = build(folder, out, workers=1)
    return folder, out, summary


def test_without_the_entry_the_alias_table_merges_the_name(tmp_path):
    out = tmp_path / "out"
    build(_corpus(tmp_path / "articles", [], {"armory.txt": ARMORY}), out, workers=1)
    assert _sources(out)["4,120"] == MERGED


def test_the_split_name_is_its_own_entity_and_its_claims_follow(split):
    _, out, _ = split
    sources = _sources(out)
    assert sources, "the corpus has claims"
    assert sources["4,120"] == NEW and sources["310"] == "Quenford Border Office"
    assert sources["62"] == "Tarvel Audit Board"  # split into an entity the article names
    store = ClaimStore.load(out / "graph.trig")
    labels = {row["label"]: row["type"].rsplit("#", 1)[-1] for row in store.select(PREFIXES + """
        SELECT ?label ?type WHERE { ?e rdfs:label ?label ; a ?type . FILTER(?type != cg:Correction) }""")}
    assert labels[NEW] == "Agency" and MERGED not in labels  # no article names the DHS office any more


def test_the_graph_keeps_the_merge_as_extracted_with_the_corrections_provenance(split):
    _, out, summary = split
    store = ClaimStore.load(out / "graph.trig")
    rows = store.select(PREFIXES + """
        SELECT DISTINCT ?entry ?name ?from ?to ?was ?figure ?note ?by WHERE { ?c a cg:Correction ; cg:action "split" ;
          cg:correctionEntry ?entry ; cg:splitName ?name ; cg:splitFrom ?from ; cg:correctedEntity/rdfs:label ?to ;
          prov:generated ?claim . ?claim schema:text ?figure ; prov:wasRevisionOf/cg:extractedSourceLabel ?was .
          OPTIONAL { ?c rdfs:comment ?note } OPTIONAL { ?c cg:correctedBy ?by } } ORDER BY ?entry""")
    assert [(r["entry"], r["name"], r["from"].rsplit("/", 1)[-1], r["to"], r["was"], r["figure"]) for r in rows] == [
        ("corrections.yaml entry 1", "OIG", "dhs_oig", NEW, MERGED, "4,120"),
        ("corrections.yaml entry 2", "OIG", "dhs_oig", "Tarvel Audit Board", MERGED, "62")]
    assert (rows[0]["note"], rows[0]["by"]) == (SPLIT["note"], "A. Reporter")
    stale = [w for w in summary.warnings if "entry 3" in w]
    assert len(stale) == 1 and "armory.txt" in stale[0] and "'IG'" in stale[0] and "stale" in stale[0], summary.warnings
    assert not [w for w in summary.warnings if "entry 1" in w or "entry 2" in w], summary.warnings


def test_the_split_survives_rebuilds_and_an_edit_elsewhere_and_goes_stale_when_the_name_goes(split, tmp_path):
    folder, out, _ = split
    build(folder, out, workers=1)  # nothing changed
    assert _sources(out)["4,120"] == NEW
    edited = ARMORY.replace("at the crossing,", "at the crossing on a Sunday,")
    _corpus(folder, [SPLIT, SPLIT_INTO, NOT_MERGED], {"armory.txt": edited})
    build(folder, out, workers=1)
    assert _sources(out)["4,120"] == NEW
    fresh = tmp_path / "fresh"
    build(folder, fresh, workers=1)
    assert (out / "graph.trig").read_bytes() == (fresh / "graph.trig").read_bytes()
    command = [sys.executable, "-m", "claimgraph.cli", "query", "entities", "-g", str(out / "graph.trig"), "--format", "csv"]
    entities = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    assert NEW in entities and MERGED not in entities
    command[4] = "claims"
    claims = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    assert f"{NEW},estimates" in claims
    _corpus(folder, [SPLIT], {"armory.txt": edited.replace("The OIG estimates", "The ministry's auditors estimate")})
    summary = build(folder, out, workers=1)
    assert any("entry 1" in w and "stale" in w and "'OIG'" in w for w in summary.warnings), summary.warnings


def test_a_bad_split_entry_is_named():
    from claimgraph.corrections import CorrectionError, correction_of

    for entry, said in (({**SPLIT, "split": MERGED}, "not the entity itself"),
                        ({**SPLIT, "into": "Tarvel Audit Board"}, "not both"),
                        ({**SPLIT, "as": {"label": "X", "type": "Planet"}}, "Planet"),
                        ({**SPLIT, "articles": [3]}, "list of file names")):
        with pytest.raises(CorrectionError, match=said):
            correction_of(entry, "corrections.yaml entry 1")
    everywhere = correction_of({k: v for k, v in SPLIT.items() if k != "articles"}, "corrections.yaml entry 1")
    assert everywhere.action == "split" and everywhere.articles == () and everywhere.split_label == NEW


def test_claimgraph_correct_split_writes_an_entry_the_next_build_applies(tmp_path):
    folder = _corpus(tmp_path / "articles", [], {"armory.txt": ARMORY})
    out = tmp_path / "out"
    build(folder, out, workers=1)
    rows = ClaimStore.load(out / "graph.trig").select(PREFIXES + """
        SELECT ?claim WHERE { ?claim a cg:FigureClaim ; schema:text "4,120" }""")
    assert len(rows) == 1
    command = [sys.executable, "-m", "claimgraph.cli", "correct", rows[0]["claim"], "-g", str(out / "graph.trig"),
               "--articles", str(folder), "--split", "OIG", "--as", NEW, "--type", "Agency", "--by", "me"]
    subprocess.run(command, check=True, capture_output=True)
    entries = yaml.safe_load((folder / "corrections.yaml").read_text())
    assert entries[0]["entity"] == MERGED and entries[0]["split"] == "OIG" and entries[0]["articles"] == ["armory.txt"]
    build(folder, out, workers=1)
    assert _sources(out)["4,120"] == NEW
    refused = subprocess.run([*command[:9], "--reject", "--split", "OIG"], capture_output=True, text=True)
    assert refused.returncode != 0 and "one of them" in refused.stderr


def test_a_split_everywhere_applies_where_the_name_is_merged_and_is_silent_elsewhere(tmp_path):
    everywhere = {k: v for k, v in SPLIT.items() if k != "articles"}
    other = "Audit of the DHS Office of Inspector General\n\nThe DHS Office of Inspector General counted 48 rifles, it said.\n"
    folder = _corpus(tmp_path / "articles", [everywhere], {"armory.txt": ARMORY, "dhs.txt": other})
    out = tmp_path / "out"
    summary = build(folder, out, workers=1)
    sources = _sources(out)
    assert sources["4,120"] == NEW and sources["48"] == MERGED
    assert not [w for w in summary.warnings if "stale" in w], summary.warnings


def test_a_relation_whose_agent_was_the_merged_name_follows_the_split(tmp_path):
    text = ("An audit of Operation Dry Creek\n\nThe OIG launched Operation Dry Creek in 2019 to trace rifles from the "
            "Varnholt armory, according to the Varnholt Ministry of Defense.\n")
    agents = {}
    for corrections in ([], [SPLIT]):
        out = tmp_path / f"out{len(corrections)}"
        build(_corpus(tmp_path / "articles", corrections, {"armory.txt": text}), out, workers=1)
        rows = ClaimStore.load(out / "graph.trig").select(PREFIXES + """
            SELECT DISTINCT ?agent WHERE { ?a cg:initiated ?op . ?op rdfs:label "Operation Dry Creek" . ?a rdfs:label ?agent }""")
        agents[len(corrections)] = [row["agent"] for row in rows]
    assert agents == {0: [MERGED], 1: [NEW]}
