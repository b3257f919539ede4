"""The composed Spanish news corpus (bench/corpora/es-news): every annotated span is in its file."""

from __future__ import annotations

import pytest

from .composed_gold import ComposedCorpus

CORPUS = ComposedCorpus("es-news")
GOLD = CORPUS.gold


def test_gold_has_claims_operations_and_a_cross_language_conflict():
    assert len(GOLD["claims"]) >= 60 and GOLD["operations"]
    languages = {a["language"] for a in GOLD["articles"].values()}
    assert languages == {"es", "en"}
    assert CORPUS.cross_language_conflicts()


def test_every_evidence_span_occurs_byte_for_byte_in_its_article():
    assert list(CORPUS.spans())
    assert not CORPUS.missing_spans()


def test_every_entity_mention_names_the_entity_verbatim():
    assert GOLD["entities"]
    assert not CORPUS.mentions_without_alias()


def test_claim_sources_and_operation_agents_are_annotated_entities():
    ids = {e["id"] for e in GOLD["entities"]}
    for claim in GOLD["claims"]:
        assert {claim["source"], *claim["alt_sources"]} <= ids, claim["id"]
    for op in GOLD["operations"]:
        assert {op["agency"], op["operation"]} <= ids


@pytest.mark.parametrize("name", sorted(GOLD["articles"]))
def test_front_matter_variant_is_the_same_text_after_its_header(name):
    meta = GOLD["articles"][name]
    header, body = CORPUS.front_matter_split(name, "variants/es-news-fm")
    assert body == CORPUS.text(name)
    assert f'language: "{meta["language"]}"' in header and f'date: "{meta["date"]}"' in header
