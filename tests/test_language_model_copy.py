"""The language detector loaded from its unpacked copy (extract/language.py) reads as py3langid's
own loader does; a broken or unwritable copy never stops the reading."""

from __future__ import annotations

from pathlib import Path

import pytest
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

import extract.language as language
from extract.lexicon import load

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


def _no_unpacking(*args, **kwargs):
    raise AssertionError("the packed model was unpacked again")


def test_the_copy_classifies_as_the_shipped_model(fresh_identifier, monkeypatch):
    shipped = _shipped()
    made = language._identifier()  # unpacks the model and keeps the copy
    copies = list(fresh_identifier.glob("langid-*.npz"))
    assert len(copies) == 1 and copies[0].stat().st_size > 1_000_000
    language._identifier.cache_clear()
    monkeypatch.setattr(language.lzma, "open", _no_unpacking)
    read = language._identifier()  # from the copy: the packed model is not opened again
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


def test_no_home_to_keep_the_copy_in_only_loses_the_copy(monkeypatch):
    """A container user with no home directory: Path.home() raises; the detector still reads."""
    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("CLAIMGRAPH_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(language.Path, "home", staticmethod(no_home))
    language._identifier.cache_clear()
    try:
        assert language.detect_language(TEXTS[1])[0] == "es"
    finally:
        language._identifier.cache_clear()
