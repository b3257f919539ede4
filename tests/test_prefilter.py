"""extract/prefilter.py: a prefilter never turns away a text its pattern matches (the grammar's
output is the same with it), and it does turn away texts without the pattern's words. The texts
are invented: frames x figures x periods, in upper and title case, with odd white space and the
letters that re.IGNORECASE folds differently from str.lower ('İ', 'ı', 'ſ', the Kelvin sign)."""

import re

import pytest

from extract import numbers, periods
from extract.prefilter import prefilters

FRAMES = ["Officers seized {figure} rifles {period}.", "{period}, agents found {figure} rounds.",
          "Según la Agencia X, {period} se aseguraron {figure} armas.", "No figure here, {period}."]
FIGURES = ["1,200", "nearly double the", "two-thirds of the", "seven in 10", "half a million", "between 250 and 300",
           "3 mil", "dos terceras partes de", "7 de cada 10", "más de 19 mil 317", "más del doble de"]
PERIODS = ["in fiscal year 2021", "since FY2019", "between 2018 and 2022", "from January to June 2023", "on March 6",
           "March 6, 2024", "last year", "over the past three years", "to date", "on Sunday", "annually",
           "in the same period", "the first six months of FY 2022", "el 3 de marzo de 2021", "en lo que va del año",
           "desde 2019", "durante los últimos cinco años", "a principios de mayo", "el lunes pasado", "anualmente"]


def look_alikes(text: str) -> str:
    return text.replace("i", "ı").replace("s", "ſ").replace("I", "İ").replace("k", "\u212a")


# each text as written and in one other form, in turn: other cases, other white space, look-alike letters
VARIANTS = [str.upper, str.title, lambda text: text.replace(" ", " \u00a0\t\n "), look_alikes, lambda text: look_alikes(text).upper()]
SENTENCES = [frame.format(figure=figure, period=period) for frame in FRAMES for figure in FIGURES for period in PERIODS]
TEXTS = SENTENCES + [VARIANTS[i % len(VARIANTS)](text) for i, text in enumerate(SENTENCES)]


def grammar_patterns(language: str) -> list[tuple[str, re.Pattern]]:
    g = numbers._grammar(language)
    found = [(name, pattern) for name, _, pattern, _ in periods._patterns(language)]
    return found + [(key, g[key]) for key in ("figure", "share", "multiplier") if g[key] is not None]


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_prefilter_lets_through_every_text_its_pattern_matches(language):
    named = grammar_patterns(language)
    needed = prefilters([pattern for _, pattern in named])
    matched = skipped = 0
    for text in TEXTS:
        for (name, pattern), may_match in zip(named, needed.may_match(text)):
            if pattern.search(text):
                matched += 1
                assert may_match, (name, text)
            elif not may_match:
                skipped += 1
    assert matched > 300 and skipped > 1000, (matched, skipped)


def test_a_prefilter_reads_the_words_a_pattern_cannot_do_without():
    needed = prefilters([re.compile(r"\b(?:in\s+)?(?:jan|feb)\w* (?:19|20)\d\d\b", re.IGNORECASE), re.compile(r"\w+|\d")])
    assert needed.may_match("In  FEBRUARY\t2020") == [True, True]
    assert needed.may_match("in 2020") == needed.may_match("in February") == [False, True]  # the second: always searched
    assert needed.requirements[1] == ()
