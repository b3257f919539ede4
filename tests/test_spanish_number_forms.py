"""Spanish numbers (issue 27, construction 6): shares said as fractions (read by the shares grammar), 'medio millón', 'un millón 200
mil', 'más de mil', 'miles de' (no figure), and people counted as arrests by the verb on them; grids of
frames x written forms x invented agencies through the real pipelines."""

from __future__ import annotations

import itertools

import pytest

from extract.numbers import find_numbers

AGENCIES = ["La Fiscalía de Ocampo", "La Procuraduría de Tlacolula"]
FRAMES = ["{agency} informó que {written} armas cruzaron la frontera.", "Según {agency}, se aseguraron {written} armas en 2023."]
# (written, value, low, high, qualifier)
AMOUNTS = [("medio millón de", 500000, None, None, None), ("un millón 200 mil", 1200000, None, None, None),
           ("1 millón 200 mil", 1200000, None, None, None), ("2 millones 350 mil", 2350000, None, None, None),
           ("cerca de 2 mil", 2000, None, None, "cerca de"), ("más de mil", None, 1000, None, "más de"),
           ("mil", 1000, None, None, None), ("19 mil 317", 19317, None, None, None),
           ("2 mil millones de", 2000000000, None, None, None), ("dos millones y medio de", 2500000, None, None, None)]


@pytest.fixture(scope="module")
def extract_es():
    from claimgraph.settings import SPACY_MODELS
    from extract.pipeline import extract, shared_nlp
    from extract.reader import article_from_text

    nlp = shared_nlp(SPACY_MODELS["es"])
    return lambda text: extract(article_from_text("nota.txt", f"Armas\n\n{text}\n"), nlp)


@pytest.mark.parametrize("amount, frame, agency", list(itertools.product(AMOUNTS, FRAMES, AGENCIES)))
def test_a_spanish_amount_in_every_frame(extract_es, amount, frame, agency):
    written, value, low, high, qualifier = amount
    claims = extract_es(frame.format(agency=agency, written=written)).claims
    assert claims, written
    assert [(c.figure.value, c.figure.low, c.figure.high, c.figure.unit, c.figure.qualifier) for c in claims] == [
        (value, low, high, "firearms", qualifier)]


# (share, percent, low): the shares grammar of numbers.yaml (fractions), two thirds as 66.67 percent
SHARES = [("dos terceras partes", 66.67, None), ("una tercera parte", 33.33, None),
          ("la mitad", 50, None), ("más de la mitad", None, 50), ("tres cuartas partes", 75, None), ("una cuarta parte", 25, None)]


@pytest.mark.parametrize("share, agency", list(itertools.product(SHARES, AGENCIES)))
def test_a_share_said_as_a_fraction_is_a_percent_of_what_follows(extract_es, share, agency):
    written, value, low = share
    [claim] = extract_es(f"{agency} informó que {written} de las armas aseguradas provienen de EU.").claims
    assert (claim.figure.value, claim.figure.low, claim.figure.unit, claim.figure.flow) == (
        pytest.approx(value, abs=0.01) if value else None, low, "percent", "firearms")
    assert claim.source.entity.label == agency.removeprefix("La ")


@pytest.mark.parametrize("text", ["Miles de armas cruzan la frontera cada año.", "Decenas de agentes llegaron a Villa Arroyo.",
                                  "La mitad, dijo, no llegó.", "Una tercera parte llegó tarde."])
def test_no_figure_where_the_words_count_nothing(extract_es, text):
    assert not [n for n in find_numbers(text, "es") if n.percent]  # no share without what it is a share of
    assert extract_es(text).claims == []


@pytest.mark.parametrize("sentence, unit", [
    ("Por estos hechos fueron detenidas {n} personas.", "arrests"),
    ("El operativo dejó {n} personas detenidas.", "arrests"),
    ("Los agentes detuvieron a {n} personas.", "arrests"),
    ("Los agentes capturaron a {n} personas.", "arrests"),
    ("En el enfrentamiento murieron {n} personas.", "people"),
    ("El operativo benefició a {n} personas.", "people"),
])
@pytest.mark.parametrize("n", ["3", "45", "1,275"])
def test_people_counted_by_an_arrest_verb_are_arrests(extract_es, sentence, unit, n):
    [claim] = extract_es(f"La Fiscalía de Ocampo informó sobre el caso. {sentence.format(n=n)}").claims
    assert claim.figure.unit == unit


@pytest.mark.parametrize("sentence, unit", [("Police arrested {n} people in Ocampo.", "arrests"),
                                            ("{n} people were detained at the Kessel crossing.", "arrests"),
                                            ("{n} people died in Ocampo.", "people")])
def test_the_same_in_english(extract_text, sentence, unit):
    [claim] = extract_text(f"Arrests\n\n{sentence.format(n='Nine' if sentence.startswith('{n}') else 'nine')}\n").claims
    assert claim.figure.unit == unit
