"""The language of an article: what its metadata says, else what a detector reads in its text.

The detector is py3langid (its model ships in the wheel, 4.5 MB; it loads in about 0.7 s and reads
an article in well under a millisecond). It is loaded only when some article's metadata names no
language. Measured against lingua-language-detector in docs/languages.md."""

from __future__ import annotations

import re
from functools import cache

from .lexicon import load


def language_tag(value) -> str | None:
    """A metadata value as a two-letter code: "es-MX", "es_MX", "ES", "Spanish", "spa" -> "es";
    None for nothing usable (a value that is not a language tag is not guessed at)."""
    if value is None:
        return None
    words = str(value).strip().lower()
    if not words:
        return None
    known = load("languages")
    if words in known["aliases"]:
        return known["aliases"][words]
    match = re.fullmatch(r"([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*", words)
    if match is None:
        return None
    primary = match.group(1)  # a three-letter code only where the data knows it ("spa"), not "yes"
    return primary if len(primary) == 2 else known["aliases"].get(primary)


def language_name(code: str | None) -> str:
    """"es" -> "Spanish", for messages; a code with no name in the data is given as it is."""
    return load("languages")["names"].get(code, code or "unknown")


@cache
def _identifier():
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    identifier.set_languages(sorted(load("languages")["names"]))  # among these: no Malay for a headline
    return identifier


def detect_language(text: str) -> tuple[str | None, float]:
    """The language the text is written in and the detector's probability for it; the code is
    None when the detector is not sure enough (a few words, or a mix)."""
    settings = load("languages")
    sample = text[: settings["detect_characters"]]
    if not re.search(r"[^\W\d_]{2}", sample):
        return None, 0.0
    code, probability = _identifier().classify(sample)
    probability = float(probability)
    return (code if probability >= settings["min_probability"] else None), probability
