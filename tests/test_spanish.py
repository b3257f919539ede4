"""Articles in Spanish (issue 27): each article's language, from its metadata or its text; an
article in a language without a pipeline named and skipped; Spanish read by the Spanish pipeline.
Sentences are composed, with invented names and figures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from extract.language import detect_language, language_tag
from extract.reader import article_from_text
from extract.readers import read_file

ROOT = Path(__file__).resolve().parents[1]

SPANISH = ("Decomisan armas en la frontera\n\nLa Fiscalía de Ocampo informó que agentes aseguraron 340 fusiles "
           "en un almacén de Villa Arroyo. Según la dependencia, las armas fueron compradas en tiendas de Texas.\n")
ENGLISH = ("Rifles seized at the border\n\nThe Ocampo Prosecutor's Office said agents seized 340 rifles at a "
           "warehouse in Villa Arroyo. The guns were bought at stores in Texas, the office said.\n")
PORTUGUESE = ("Polícia apreende armas na fronteira\n\nA Polícia de Ocampo apreendeu 340 fuzis num armazém de Vila "
              "Arroio, segundo o ministério. As armas foram compradas em lojas do Texas.\n")
FRENCH = ("Des fusils saisis à la frontière\n\nLa police d'Ocampo a saisi 340 fusils dans un entrepôt de Villa "
          "Arroyo, selon le ministère. Les armes avaient été achetées dans des magasins du Texas.\n")


@pytest.mark.parametrize("given, code", [("es", "es"), ("es-MX", "es"), ("ES_mx", "es"), ("Spanish", "es"),
                                         ("español", "es"), ("spa", "es"), ("en-US", "en"), ("pt-BR", "pt"),
                                         ("", None), ("not a language", None), (None, None)])
def test_a_metadata_language_becomes_a_two_letter_code(given, code):
    assert language_tag(given) == code


@pytest.mark.parametrize("text, code", [(SPANISH, "es"), (ENGLISH, "en"), (PORTUGUESE, "pt"), (FRENCH, "fr")])
def test_the_detector_reads_the_language_of_a_short_article(text, code):
    found, probability = detect_language(text)
    assert found == code and probability >= 0.8


def test_no_words_no_language():
    assert detect_language("340 — 2023 / 12,5 %") == (None, 0.0)


def test_metadata_wins_over_the_detector_and_the_provenance_says_which():
    told = article_from_text("a.txt", ENGLISH, given=[("front matter", {"language": "es-MX"})])
    read = article_from_text("b.txt", SPANISH)
    assert (told.language, told.provenance["language"]) == ("es", "front matter")
    assert (read.language, read.provenance["language"]) == ("es", "detected")


def test_a_value_that_is_no_language_tag_is_said_and_the_text_decides():
    article = article_from_text("a.txt", SPANISH, given=[("metadata.csv", {"language": "yes"})])
    assert article.language == "es" and article.provenance["language"] == "detected"
    assert any("a.txt: language 'yes' in its metadata.csv is not a language tag" in w for w in article.warnings)


@pytest.mark.parametrize("head, code", [
    ('<html lang="es-MX">', "es"),
    ('<html lang="en"><script type="application/ld+json">{"@type": "NewsArticle", "inLanguage": "es"}</script>', "es"),
    ('<html><script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", "inLanguage": {"@type": "Language", "alternateName": "pt"}}]}</script>', "pt"),
])
def test_a_page_declares_its_language(tmp_path, head, code):
    page = tmp_path / "page.html"
    body = "".join(f"<p>{line}</p>" for line in ENGLISH.splitlines() if line)
    page.write_text(f"<!doctype html>{head}<head><title>x</title></head><body><article>{body}</article></body></html>")
    [article] = read_file(page)
    assert article.language == code and article.provenance["language"] == "page"


def test_a_portuguese_article_is_named_and_skipped_the_others_read(tmp_path):
    from claimgraph.build import BuildSummary, read_articles

    (tmp_path / "rifles-es.txt").write_text(SPANISH)
    (tmp_path / "rifles-en.txt").write_text(ENGLISH)
    (tmp_path / "fuzis-pt.txt").write_text(PORTUGUESE)
    (tmp_path / "record.jsonl").write_text(json.dumps({"id": "fr-1", "text": SPANISH, "language": "fr"}) + "\n")
    summary = BuildSummary()
    articles = read_articles(tmp_path, summary)
    assert sorted((a.file_name, a.language) for a in articles) == [("rifles-en.txt", "en"), ("rifles-es.txt", "es")]
    assert ("fuzis-pt.txt: written in Portuguese (pt), a language claimgraph has no pipeline for (it reads en, es): "
            "skipped") in summary.warnings
    assert any(w.startswith("fr-1: written in French (fr)") for w in summary.warnings)  # the record's word wins
    assert not summary.failed


def test_an_english_only_extraction_never_loads_the_spanish_pipeline():
    code = ("from claimgraph.extraction import extract_articles, pipelines_version; import extract.pipeline as p; "
            "from extract.reader import article_from_text; pipelines_version(); "
            f"[r] = extract_articles([article_from_text('a.txt', {ENGLISH!r})]); "
            "print(p.shared_nlp.cache_info().currsize, r.error)")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["1", "None"]


@pytest.fixture(scope="module")
def spanish_nlp():
    from claimgraph.settings import SPACY_MODELS
    from extract.pipeline import shared_nlp

    return shared_nlp(SPACY_MODELS["es"])


def test_spanish_names_are_typed_with_the_components_labels(spanish_nlp):
    doc = spanish_nlp("La Fiscalía de Ocampo detuvo a Ramiro Quintanar Solís en Villa Arroyo, Sonora.")
    labels = {e.text: e.label_ for e in doc.ents}
    assert labels.get("Ramiro Quintanar Solís") == "PERSON"
    assert not set(labels.values()) & {"PER", "LOC", "MISC"}
