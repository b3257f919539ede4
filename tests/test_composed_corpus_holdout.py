"""The held-out composed corpus (bench/corpora/es-holdout): every annotated span is in its file.

Checks the annotation only; it never runs the extractor (the set is a measure, not a target).
"""

from __future__ import annotations

import pytest

from .composed_gold import ComposedCorpus

CORPUS = ComposedCorpus("es-holdout")
GOLD = CORPUS.gold
FRONT_MATTER = "variants/es-holdout-fm"


def test_corpus_has_18_spanish_and_3_english_texts_and_cross_language_conflicts():
    languages = [a["language"] for a in GOLD["articles"].values()]
    assert languages.count("es") == 18 and languages.count("en") == 3
    assert sorted(p.name for p in (CORPUS.root / "articles").glob("*.txt")) == sorted(GOLD["articles"])
    assert len(CORPUS.cross_language_conflicts()) >= 2


def test_every_evidence_operation_and_non_claim_span_occurs_byte_for_byte():
    assert list(CORPUS.spans())
    assert not CORPUS.missing_spans()


def test_every_entity_mention_names_the_entity_by_an_alias():
    assert GOLD["entities"]
    assert not CORPUS.mentions_without_alias()
    assert all(e.get("optional") for e in GOLD["entities"] if not e["mentions"])


def test_sources_and_operation_agents_are_entities_and_claim_ids_unique():
    ids = {e["id"] for e in GOLD["entities"]}
    claim_ids = [c["id"] for c in GOLD["claims"]]
    assert len(claim_ids) == len(set(claim_ids))
    for claim in GOLD["claims"]:
        assert {claim["source"], *claim["alt_sources"]} <= ids, claim["id"]
        assert any(claim.get(k) is not None for k in ("value", "value_low", "value_high")), claim["id"]
    for op in GOLD["operations"]:
        assert {op["agency"], op["operation"]} <= ids
    for d in GOLD["disagreements"]:
        assert set(d["claims"]) <= set(claim_ids)


@pytest.mark.parametrize("name", sorted(GOLD["articles"]))
def test_front_matter_variant_is_the_same_text_after_its_header(name):
    meta = GOLD["articles"][name]
    header, body = CORPUS.front_matter_split(name, FRONT_MATTER)
    assert body == CORPUS.text(name)
    for key in ("language", "date", "outlet"):
        assert f'{key}: "{meta[key]}"' in header
