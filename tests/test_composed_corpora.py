"""The composed Spanish news corpora (bench/corpora/): every annotated span is in its file, every
source and agent is an annotated entity, and each front-matter variant is its article's text.

Checks the annotation only; it never runs the extractor (es-holdout is a measure, not a target)."""

from __future__ import annotations

import pytest

from .composed_gold import ComposedCorpus

# corpus -> (Spanish texts, English texts, cross-language conflicts at least, its front-matter variant)
CORPORA = {"es-news": (16, 2, 1, "variants/es-news-fm"), "es-holdout": (18, 3, 2, "variants/es-holdout-fm")}
LOADED = {name: ComposedCorpus(name) for name in CORPORA}


@pytest.fixture(params=sorted(CORPORA))
def corpus(request):
    return LOADED[request.param]


def test_each_corpus_has_its_texts_in_both_languages_and_cross_language_conflicts(corpus):
    spanish, english, conflicts, _ = CORPORA[corpus.name]
    languages = [a["language"] for a in corpus.gold["articles"].values()]
    assert languages.count("es") == spanish and languages.count("en") == english
    assert sorted(p.name for p in (corpus.root / "articles").glob("*.txt")) == sorted(corpus.gold["articles"])
    assert len(corpus.gold["claims"]) >= 60 and corpus.gold["operations"]
    assert len(corpus.cross_language_conflicts()) >= conflicts


def test_every_evidence_operation_and_non_claim_span_occurs_byte_for_byte(corpus):
    assert list(corpus.spans())
    assert not corpus.missing_spans()


def test_every_entity_mention_names_the_entity_by_an_alias(corpus):
    assert corpus.gold["entities"]
    assert not corpus.mentions_without_alias()
    assert all(e.get("optional") for e in corpus.gold["entities"] if not e["mentions"])


def test_sources_and_operation_agents_are_entities_and_claim_ids_unique(corpus):
    gold = corpus.gold
    ids = {e["id"] for e in gold["entities"]}
    claim_ids = [c["id"] for c in gold["claims"]]
    assert len(claim_ids) == len(set(claim_ids))
    for claim in gold["claims"]:
        assert {claim["source"], *claim["alt_sources"]} <= ids, claim["id"]
        assert any(claim.get(k) is not None for k in ("value", "value_low", "value_high")), claim["id"]
    for op in gold["operations"]:
        assert {op["agency"], op["operation"]} <= ids
    for d in gold["disagreements"]:
        assert set(d["claims"]) <= set(claim_ids)


@pytest.mark.parametrize("name, article", [(name, article) for name in sorted(CORPORA)
                                           for article in sorted(LOADED[name].gold["articles"])])
def test_front_matter_variant_is_the_same_text_after_its_header(name, article):
    corpus, meta = LOADED[name], LOADED[name].gold["articles"][article]
    header, body = corpus.front_matter_split(article, CORPORA[name][3])
    assert body == corpus.text(article)
    for key in ("language", "date", "outlet"):
        assert f'{key}: "{meta[key]}"' in header
