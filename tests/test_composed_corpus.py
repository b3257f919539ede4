"""The composed Spanish news corpus (bench/corpora/es-news): every annotated span is in its file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "bench" / "corpora" / "es-news"
GOLD = json.loads((CORPUS / "gold.json").read_text(encoding="utf-8"))


def _text(name: str, folder: Path = CORPUS / "articles") -> str:
    return (folder / name).read_text(encoding="utf-8")


def _spans():
    for claim in GOLD["claims"]:
        for span in [claim["evidence"], *claim.get("alt_evidence", [])]:
            yield claim["id"], claim["article"], span
    for op in GOLD["operations"]:
        yield f'{op["agency"]}->{op["operation"]}', op["article"], op["evidence"]
    for nc in GOLD["non_claims"]:
        yield "non_claim", nc["article"], nc["span"]


def test_gold_has_claims_operations_and_a_cross_language_conflict():
    assert len(GOLD["claims"]) >= 60 and GOLD["operations"]
    languages = {a["language"] for a in GOLD["articles"].values()}
    assert languages == {"es", "en"}
    by_id = {c["id"]: c for c in GOLD["claims"]}
    cross = [d for d in GOLD["disagreements"] if d["kind"] == "conflict"
             and len({GOLD["articles"][by_id[i]["article"]]["language"] for i in d["claims"]}) == 2]
    assert cross


def test_every_evidence_span_occurs_byte_for_byte_in_its_article():
    spans = list(_spans())
    assert spans
    missing = [(who, art, span) for who, art, span in spans if span not in _text(art)]
    assert not missing


def test_every_entity_mention_names_the_entity_verbatim():
    assert GOLD["entities"]
    wrong = []
    for entity in GOLD["entities"]:
        names = [re.compile(r"(?<!\w)%s(?!\w)" % re.escape(a)) for a in entity["aliases"]]
        for art in entity["mentions"]:
            if not any(n.search(_text(art)) for n in names):
                wrong.append((entity["id"], art))
    assert not wrong


def test_claim_sources_and_operation_agents_are_annotated_entities():
    ids = {e["id"] for e in GOLD["entities"]}
    for claim in GOLD["claims"]:
        assert {claim["source"], *claim["alt_sources"]} <= ids, claim["id"]
    for op in GOLD["operations"]:
        assert {op["agency"], op["operation"]} <= ids


@pytest.mark.parametrize("name", sorted(GOLD["articles"]))
def test_front_matter_variant_is_the_same_text_after_its_header(name):
    meta = GOLD["articles"][name]
    variant = _text(name, CORPUS / "variants" / "es-news-fm")
    header, body = re.match(r"---\n(.*?)\n---\n(.*)", variant, re.S).groups()
    assert body == _text(name)
    assert f'language: "{meta["language"]}"' in header and f'date: "{meta["date"]}"' in header
