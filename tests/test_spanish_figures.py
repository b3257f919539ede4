"""Spanish figures through a real build (issue 27 §3): scale words inside an amount, each amount in its
own currency, fractions and ratios, alternatives, partitives, change phrases and the numbers that are
no figures. Every sentence is composed from invented names and figures, in grids of frames x forms."""

from __future__ import annotations

import pytest

from extract.reader import article_from_text


@pytest.fixture(scope="module")
def extract_es():
    from claimgraph.settings import SPACY_MODELS
    from extract.pipeline import extract, shared_nlp

    nlp = shared_nlp(SPACY_MODELS["es"])

    def run(sentences: list[str]):
        text = "Decomisos en la frontera\n\n" + "\n\n".join(sentences) + "\n"
        return text, extract(article_from_text("compuesto.txt", text, given=[("front matter", {"outlet": "Diario de Ocampo"})]), nlp)
    return run


def claims_by_paragraph(text: str, records, sentences: list[str]) -> list[list]:
    """The claims whose figure lies in each sentence, in order."""
    found = []
    for sentence in sentences:
        start = text.index(sentence)
        found.append([c for c in records.claims if start <= c.figure.span.start < start + len(sentence)])
    return found


# --- 1. a scale word inside the amount is part of it ------------------------------------------------------

WORDS = {5: "cinco", 7: "siete", 8: "ocho", 9: "nueve"}
DIGITS = [2, 3, 4, 6]
SCALED = [  # (as written with a number n, value, the ns): every figure of an article differs, so none merges with another
    ("{n} millones", lambda n: n * 1_000_000, DIGITS), ("{n},5 millones", lambda n: (n + 0.5) * 1_000_000, DIGITS),
    ("{word} millones", lambda n: n * 1_000_000, WORDS), ("{word} millones y medio", lambda n: (n + 0.5) * 1_000_000, WORDS),
    ("{n} mil millones", lambda n: n * 1_000_000_000, DIGITS), ("{n} mil", lambda n: n * 1000, DIGITS),
    ("{n}7 mil 050", lambda n: (n * 10 + 7) * 1000 + 50, DIGITS),
]
COUNTED = [("de dólares", "USD"), ("de pesos", "MXN"), ("de cartuchos", "rounds"), ("de armas", "firearms")]
BOUNDS = [("", "value"), ("casi ", "value"), ("más de ", "low"), ("hasta ", "high")]
SCALE_FRAMES = ["La Fiscalía de Tlacolula aseguró {} en Villa Arroyo.", "Según la Fiscalía de Tlacolula, en 2024 ingresaron {} al país."]


@pytest.mark.parametrize("frame", SCALE_FRAMES)
@pytest.mark.parametrize("counted, unit", COUNTED)
def test_a_scale_word_inside_a_figure_is_part_of_its_amount(extract_es, frame, counted, unit):
    grid = [(written.format(n=n, word=WORDS.get(n)), value(n), bound_word, bound)
            for written, value, ns in SCALED for n, (bound_word, bound) in zip(ns, BOUNDS)]
    sentences = [frame.format(f"{bound_word}{written} {counted}") for written, _, bound_word, _ in grid]
    text, records = extract_es(sentences)
    assert records.claims
    expected = [(value, bound) for _, value, _, bound in grid]
    for sentence, claims, (value, bound) in zip(sentences, claims_by_paragraph(text, records, sentences), expected):
        assert len(claims) == 1, (sentence, [c.figure for c in claims])
        figure = claims[0].figure
        assert getattr(figure, bound) == value and figure.unit == unit, (sentence, figure)


@pytest.mark.parametrize("unit_word, unit, scale", [("mdd", "USD", 1_000_000), ("mdp", "MXN", 1_000_000)])
def test_millions_of_dollars_or_pesos_in_one_word(extract_es, unit_word, unit, scale):
    forms = [("{n}40", lambda n: n * 100 + 40), ("{n},5", lambda n: n + 0.5), ("1 mil {n}40", lambda n: 1000 + n * 100 + 40)]
    grid = [(written.format(n=n), value(n) * scale, bound_word, bound)
            for written, value in forms for n, (bound_word, bound) in zip(DIGITS, BOUNDS)]
    sentences = [f"La Fiscalía de Tlacolula aseguró {bound_word}{written} {unit_word} en Villa Arroyo." for written, _, bound_word, _ in grid]
    text, records = extract_es(sentences)
    expected = [(value, bound) for _, value, _, bound in grid]
    for sentence, claims, (value, bound) in zip(sentences, claims_by_paragraph(text, records, sentences), expected):
        assert len(claims) == 1, (sentence, [c.figure for c in claims])
        assert getattr(claims[0].figure, bound) == pytest.approx(value) and claims[0].figure.unit == unit, sentence


def test_a_range_shares_the_scale_its_second_end_says(extract_es):
    sentences = ["Según la Fiscalía de Tlacolula, cada año cruzan entre 6 mil y 7 mil millones de dólares.",
                 "Según la Fiscalía de Tlacolula, cada año cruzan entre 6 y 7 millones de cartuchos.",
                 "Según la Fiscalía de Tlacolula, cada año cruzan entre 600 mil y 1 millón de pesos."]
    text, records = extract_es(sentences)
    found = [[(c.figure.low, c.figure.high, c.figure.unit) for c in claims] for claims in claims_by_paragraph(text, records, sentences)]
    assert found == [[(6e9, 7e9, "USD")], [(6e6, 7e6, "rounds")], [(6e5, 1e6, "MXN")]]


@pytest.mark.parametrize("vague", ["millones de dólares", "miles de armas", "millones de personas", "cientos de cartuchos"])
def test_a_scale_word_without_a_number_is_no_figure(extract_es, vague):
    text, records = extract_es([f"La Fiscalía de Tlacolula aseguró {vague} en Villa Arroyo."])
    assert records.claims == []


# --- 2. each amount keeps its own currency --------------------------------------------------------------

@pytest.mark.parametrize("written, expected", [
    ("{a} mdp y {b} mdd", [("MXN", 1e6), ("USD", 1e6)]),
    ("{a} mdd y {b} mdp", [("USD", 1e6), ("MXN", 1e6)]),
    ("1 mil {a} mdp y {b} mdd", [("MXN", 1e6), ("USD", 1e6)]),
    ("${a} mil pesos y {b} mil dólares", [("MXN", 1e3), ("USD", 1e3)]),
    ("${a} mil y {b} mil dólares", [("MXN", 1e3), ("USD", 1e3)]),
    ("{a} mil dólares y ${b} mil", [("USD", 1e3), ("MXN", 1e3)]),
    ("${a} mil dólares", [("USD", 1e3)]),
    ("US${a} mil", [("USD", 1e3)]),
])
@pytest.mark.parametrize("a, b", [(240, 57), (815, 36)])
def test_each_amount_keeps_its_own_currency(extract_es, written, expected, a, b):
    sentence = "En el operativo, la Fiscalía de Tlacolula aseguró " + written.format(a=a, b=b) + " en efectivo."
    _, records = extract_es([sentence])
    found = sorted((c.figure.span.start, c.figure.unit, c.figure.value) for c in records.claims)
    first = 1000 + a if written.startswith("1 mil") else a
    assert [(unit, value) for _, unit, value in found] == [(unit, n * scale) for (unit, scale), n in zip(expected, (first, b))]
