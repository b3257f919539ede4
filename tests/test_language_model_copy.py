"""The language detector loaded from its unpacked copy (extract/language.py) reads as py3langid's
own loader does; a broken or unwritable copy never stops the reading. And the reader's check
that a file is prose counts characters as it did when it looped over them one by one."""

from __future__ import annotations

from pathlib import Path

import pytest
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

import extract.language as language
from extract.lexicon import load
from extract.reader import CONTROL_SHARE, DIGIT_SHARE, LETTER_SHARE, ArticleError, refuse_non_text

ROOT = Path(__file__).resolve().parents[1]
TEXTS = [
    "The Bureau of Alcohol, Tobacco, Firearms and Explosives traced 68% of the guns recovered in Mexico.",
    "La Secretaría de la Defensa Nacional informó que 18 mil armas fueron aseguradas en 2023.",
    "Le ministère a saisi 2 000 armes à la frontière, selon un rapport publié lundi.",
    "Die Behörden beschlagnahmten im vergangenen Jahr rund 3.000 Schusswaffen an der Grenze.",
    "A Polícia Federal apreendeu 500 armas de fogo na fronteira, segundo o relatório.",
    "Decomisan 18 mil armas", "Guns", "armas y dinero", "こんにちは、国境で武器が押収された。",
]


@pytest.fixture
def fresh_identifier(monkeypatch, tmp_path):
    """_identifier made anew, its copy kept in a cache of this test's own."""
    monkeypatch.setenv("CLAIMGRAPH_CACHE", str(tmp_path / "cache"))
    language._identifier.cache_clear()
    yield tmp_path / "cache"
    language._identifier.cache_clear()


def _shipped() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    identifier.set_languages(sorted(load("languages")["names"]))
    return identifier


def _corpus_openings() -> list[str]:
    found = [path.read_text(encoding="utf-8", errors="replace")[:600]
             for folder in (ROOT / "seeds", ROOT.parent / "shared" / "dev" / "articles", ROOT.parent / "shared" / "dev-es" / "articles")
             if folder.is_dir() for path in sorted(folder.iterdir()) if path.is_file()]
    return TEXTS + found


def test_the_copy_classifies_as_the_shipped_model(fresh_identifier):
    shipped = _shipped()
    made = language._identifier()  # unpacks the model and keeps the copy
    copies = list(fresh_identifier.glob("langid-*.npz"))
    assert len(copies) == 1 and copies[0].stat().st_size > 1_000_000
    language._identifier.cache_clear()
    read = language._identifier()  # from the copy
    texts = _corpus_openings()
    assert len(texts) >= len(TEXTS)
    for text in texts:
        assert made.classify(text) == read.classify(text) == shipped.classify(text), text
    assert read.nb_classes == shipped.nb_classes and (read.nb_ptc == shipped.nb_ptc).all()


def test_a_broken_copy_is_made_again(fresh_identifier):
    language._identifier()
    copy = next(fresh_identifier.glob("langid-*.npz"))
    copy.write_bytes(b"PK\x03\x04 not a whole file")
    language._identifier.cache_clear()
    assert language.detect_language(TEXTS[1])[0] == "es"
    assert copy.stat().st_size > 1_000_000  # written whole again
    assert not list(fresh_identifier.glob(".langid-*"))  # no temporary file left


def test_an_unwritable_cache_only_loses_the_copy(monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CLAIMGRAPH_CACHE", str(blocker / "cache"))
    language._identifier.cache_clear()
    try:
        assert language.detect_language(TEXTS[0])[0] == "en"
        assert language.detect_language(TEXTS[1])[0] == "es"
    finally:
        language._identifier.cache_clear()


def test_a_copy_for_another_language_list_is_replaced(fresh_identifier):
    fresh_identifier.mkdir(parents=True)
    stale = fresh_identifier / "langid-0123456789abcdef.npz"
    stale.write_bytes(b"an older model's copy")
    language._identifier()
    assert not stale.exists() and len(list(fresh_identifier.glob("langid-*.npz"))) == 1


def _refused_one_character_at_a_time(text: str) -> str | None:
    """The check as it was written before (one loop in Python over every character)."""
    sample = text[:65536]
    if not sample.strip():
        return None
    control = sum(1 for c in sample if ord(c) < 32 and c not in "\t\n\r\f" or 0x7f <= ord(c) < 0xa0)
    if control > CONTROL_SHARE * len(sample):
        return f"binary data, not text ({control / len(sample):.0%} control characters)"
    visible = [c for c in sample if not c.isspace()]
    letters = sum(1 for c in visible if c.isalpha())
    if visible and letters < LETTER_SHARE * len(visible):
        digits = sum(1 for c in visible if c.isdigit())
        what = "mostly digits" if digits > DIGIT_SHARE * len(visible) else "mostly symbols"
        return f"not prose: {what} ({letters / len(visible):.0%} letters)"
    return None


# every kind of character the counts tell apart: controls kept and counted, C1 controls, Unicode
# spaces, letters of other scripts, digits that are not decimal (superscripts) and numerals
EDGES = "\x00\x08\t\n\x0b\x0c\r\x0e\x1f \x7f\x80\x85\x9f\xa0\u2007\u2028\u3000aZé字ß9\u0660\u00b2\u00bd\u2167%-.€"


@pytest.mark.parametrize("text", [
    "", "   \n\t", "Guns crossed the border.", "12 34 56 78 90 12 34", "%%%% $$$$ ####", "a1" * 40,
    *[EDGES[i:] + EDGES[:i] for i in range(0, len(EDGES), 3)],
    *[character * 10 + "ab" for character in EDGES],
    *["ab " + character * n for character in EDGES for n in (1, 4, 9)],
])
def test_the_prose_check_counts_as_before(text):
    try:
        refuse_non_text(text, Path("article.txt"))
        found = None
    except ArticleError as error:
        found = error.problem
    assert found == _refused_one_character_at_a_time(text)
