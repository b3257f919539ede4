"""What is and is not a figure's period, in Spanish and English (issue 27 §5, constructions 6-9 of
docs/periods.md): a period carried over ('en ese lapso', 'in the same period'), figures coordinated
before one period, ages and sentences that are no period, a comparison's base, fiscal years and the
year before one, another clause's year, a duration with nothing to anchor it. Grids of frames x
invented places, bodies and figures; period_near directly where one sentence decides, the pipelines
where the text before decides."""

from __future__ import annotations

import itertools

import pytest

from extract.periods import anchor, period_near
from extract.reader import article_from_text

PLACES = ["Villa Arroyo", "Puerto Tlacolula"]
FIGURES = ["340", "1,275", "18 mil"]
ENGLISH_FIGURES = ["340", "1,275", "18,000"]


def period_of(text: str, figure: str, language: str, published: str | None = "2026-06-10", nth: int = 0):
    at = -1
    for _ in range(nth + 1):
        at = text.index(figure, at + 1)
    period = period_near(text, at, at + len(figure), language)
    return anchor(period, published) if period is not None else None


def grid(frames, figures=FIGURES):
    return [(frame, place, figure) for frame, place, figure in itertools.product(frames, PLACES, figures)]


# --- 7. an age or a sentence is never a period; a duration with no anchor is not placed ----------------

@pytest.mark.parametrize("frame, place, figure", grid([
    "Una mujer de 31 años compró {n} armas en {place}.",
    "Un hombre de 41 años, vecino de {place}, compró {n} rifles.",
    "Condenado a 4 años de prisión, el hombre llevó {n} armas a {place}.",
    "El juez lo condenó a 4 años por llevar {n} armas a {place}.",
]))
def test_an_age_or_a_sentence_is_no_period(frame, place, figure):
    assert period_of(frame.format(n=figure, place=place), figure, "es") is None


@pytest.mark.parametrize("frame, place, figure", grid(["A 31-year-old man bought {n} rifles in {place}.",
                                                       "The man, sentenced to 4 years, took {n} rifles to {place}."],
                                                      ENGLISH_FIGURES))
def test_an_english_age_or_sentence_is_no_period(frame, place, figure):
    assert period_of(frame.format(n=figure, place=place), figure, "en") is None


@pytest.mark.parametrize("words, language, label", [("en ocho meses", "es", "ocho meses"),
                                                     ("durante tres años", "es", "tres años"),
                                                     ("in eight months", "en", "eight months"),
                                                     ("during three years", "en", "three years")])
@pytest.mark.parametrize("published", ["2026-06-10", "2026", None])
def test_a_duration_with_no_anchor_keeps_its_words_and_no_dates(words, language, label, published):
    for place, figure in itertools.product(PLACES, ENGLISH_FIGURES):
        text = f"La red movió {figure} armas {words} por {place}." if language == "es" else \
            f"The network moved {figure} rifles through {place} {words}."
        period = period_of(text, figure, language, published)
        assert period.label == label and period.start is None and period.end is None, text


@pytest.mark.parametrize("frame, language, start", [
    ("La operación ha llevado a la incautación de {n} armas en {place} en cuatro meses.", "es", "2026-02-10"),
    ("Los agentes han asegurado {n} armas en {place} en cuatro meses.", "es", "2026-02-10"),
    ("Se aseguraron {n} cartuchos en {place} en siete meses de la Operación Halcón.", "es", "2025-11-10"),
    ("The operation has led to the seizure of {n} rifles in {place} in four months.", "en", "2026-02-10"),
    ("Agents seized {n} rounds in {place} in seven months of Operation Hawk.", "en", "2025-11-10"),
])
def test_a_duration_said_to_reach_the_present_runs_back_from_the_publication(frame, language, start):
    for place, figure in itertools.product(PLACES, ENGLISH_FIGURES):
        period = period_of(frame.format(n=figure, place=place), figure, language)
        assert (period.start, period.end) == (start, "2026-06-10"), period
    text = frame.format(n="340", place="Villa Arroyo")
    assert period_of(text, "340", language, published=None).start is None


@pytest.mark.parametrize("words, start, end", [("en los últimos ocho meses", "2025-10-10", "2026-06-10"),
                                               ("en los primeros nueve meses de 2025", "2025-01-01", "2025-09-30"),
                                               ("en los primeros cinco meses del año", "2026-01-01", "2026-05-31")])
def test_a_span_said_with_its_anchor_is_placed(words, start, end):
    for place, figure in itertools.product(PLACES, FIGURES):
        period = period_of(f"Se aseguraron {figure} armas en {place} {words}.", figure, "es")
        assert (period.start, period.end) == (start, end)


# --- 7. a comparison's base is not the figure's period ----------------------------------------------------

@pytest.mark.parametrize("frame, place, figure", grid([
    "En 2026 se aseguraron {n} armas en {place}, un 12 % más que el año anterior.",
    "En 2026 se aseguraron {n} armas en {place}, cifra que supera en 12% a la del año pasado.",
    "En 2026 se aseguraron {n} armas en {place}, 12 por ciento menos que en 2024.",
    "En 2026 se aseguraron {n} armas en {place}, cifra que supera en 12% a la del mismo periodo del año pasado.",
]))
def test_the_change_over_a_base_has_the_sentences_period(frame, place, figure):
    text = frame.format(n=figure, place=place)
    change = "12 %" if "12 %" in text else "12%" if "12%" in text else "12 por ciento"
    assert period_of(text, figure, "es").label == "2026"
    assert period_of(text, change, "es").label == "2026", text


@pytest.mark.parametrize("frame, place, figure", grid([
    "In 2026 agents seized {n} rifles in {place}, up 12% from last year.",
    "In 2026 agents seized {n} rifles in {place}, 12% more than in 2024.",
], ENGLISH_FIGURES))
def test_the_english_change_over_a_base_has_the_sentences_period(frame, place, figure):
    assert period_of(frame.format(n=figure, place=place), "12%", "en").label == "2026"


@pytest.mark.parametrize("fronted", ["Según datos de la Agencia de Puertos (AP),", "De acuerdo con la Fiscalía de Ocampo,"])
@pytest.mark.parametrize("stated, label", [("en el año fiscal 2025", "FY2025"), ("en 2024", "2024")])
def test_a_period_opening_the_clause_after_a_fronted_source_reaches_every_figure(fronted, stated, label):
    for place in PLACES:
        text = (f"{fronted} {stated} sus agentes incautaron 1 mil 340 armas de fuego y 412 mil cartuchos en inspecciones "
                f"de salida hacia {place}, un 28 % más que el año anterior.")
        assert [period_of(text, f, "es").label for f in ("1 mil 340", "412 mil", "28 %")] == [label] * 3, text


# --- 8. fiscal years, and the year before one --------------------------------------------------------------

@pytest.mark.parametrize("text, figure, language, start, end", [
    ("En lo que va del año fiscal, los agentes incautaron 640 armas en {place}.", "640", "es", "2025-10-01", "2026-06-10"),
    ("En el año fiscal 2025 los agentes de {place} incautaron 640 armas.", "640", "es", "2024-10-01", "2025-09-30"),
    ("Este año fiscal los agentes de {place} incautaron 640 armas.", "640", "es", "2025-10-01", "2026-06-10"),
    ("En el año fiscal 2025 se incautaron $4.1 millones en {place}, frente a $3.2 millones el año anterior.",
     "$3.2 millones", "es", "2023-10-01", "2024-09-30"),
    ("In fiscal year 2025 agents in {place} seized $4.1 million, up from $3.2 million the year before.",
     "$3.2 million", "en", "2023-10-01", "2024-09-30"),
    ("In 2025 agents in {place} seized 640 rifles, up from 410 the previous year.", "410", "en", "2024-01-01", "2024-12-31"),
])
def test_fiscal_years_and_the_year_before_one(text, figure, language, start, end):
    for place in PLACES:
        period = period_of(text.format(place=place), figure, language)
        assert (period.start, period.end) == (start, end), period


# --- 9. another clause's year; figures coordinated before one period ---------------------------------------

@pytest.mark.parametrize("frame, place, figure", grid([
    "El pasado 3 de mayo los agentes aseguraron 14 fusiles en {place}, frente a {n} armas en todo 2025.",
    "Este martes se aseguraron 14 fusiles en {place}, frente a {n} armas en todo el año 2025.",
]))
def test_a_figure_compared_with_a_whole_year_takes_that_year_not_the_days(frame, place, figure):
    assert period_of(frame.format(n=figure, place=place), figure, "es").label == "2025"


@pytest.mark.parametrize("frame, language, figures", [
    ("El decomiso suma {a} armas y {b} cartuchos en lo que va del año en {place}.", "es", FIGURES),
    ("Se aseguraron {a} armas, 40 cargadores y {b} cartuchos en 2025 en {place}.", "es", FIGURES),
    ("Agents seized {a} rifles and {b} rounds in 2025 in {place}.", "en", ENGLISH_FIGURES),
    ("El titular dijo que en 2025 las aduanas de la frontera norte de {place} aseguraron {a} armas y {b} cartuchos.", "es", FIGURES),
    ("En 2025 la red trasladó a {place} al menos {a} armas, 40 cargadores y más de {b} cartuchos.", "es", FIGURES),
    ("The chief said that in 2025 customs officers at the northern ports of {place} seized {a} rifles and {b} rounds.", "en",
     ENGLISH_FIGURES),
])
def test_coordinated_figures_share_the_period_said_after_the_last(frame, language, figures):
    for place, (a, b) in itertools.product(PLACES, itertools.permutations(figures, 2)):
        text = frame.format(a=a, b=b, place=place)
        first, last = period_of(text, a, language), period_of(text, b, language, nth=text.count(b) - 1)
        assert first is not None and last is not None and first.label == last.label, text


# --- 6. a period carried over from the figure before ---------------------------------------------------------

@pytest.fixture(scope="module")
def extract_in(nlp):
    from claimgraph.settings import SPACY_MODELS
    from extract.pipeline import extract, shared_nlp

    pipelines = {"en": nlp, "es": shared_nlp(SPACY_MODELS["es"])}
    return lambda text, language: extract(article_from_text("compuesto.txt", f"Armas\n\n{text}\n",
                                                            given=[("front matter", {"date": "2026-06-10"})]),
                                          pipelines[language])


@pytest.mark.parametrize("carry", ["En ese lapso", "En el mismo periodo", "Durante ese tiempo", "En dicho período"])
@pytest.mark.parametrize("stated, start, end", [("entre 2019 y 2023", "2019-01-01", "2023-12-31"),
                                                ("en 2024", "2024-01-01", "2024-12-31")])
def test_the_same_period_is_the_one_said_before_and_marked_inferred(extract_in, carry, stated, start, end):
    records = extract_in(f"De acuerdo con la Fiscalía de Ocampo, {stated} se abrieron 9 mil 120 carpetas. "
                         f"{carry}, la fiscalía envió 41,200 solicitudes de rastreo a Villa Arroyo.", "es")
    [carried] = [c for c in records.claims if c.figure.value == 41200]
    period = carried.figure.period
    assert (period.start, period.end) == (start, end) and period.inferred_from


@pytest.mark.parametrize("carry", ["In the same period", "Over that span", "During that time"])
def test_the_same_period_in_english(extract_in, carry):
    records = extract_in(f"Between 2019 and 2023 the Ocampo Prosecutor's Office opened 9,120 cases. "
                         f"{carry}, it sent 41,200 trace requests to Villa Arroyo.", "en")
    [carried] = [c for c in records.claims if c.figure.value == 41200]
    assert (carried.figure.period.start, carried.figure.period.end) == ("2019-01-01", "2023-12-31")
    assert carried.figure.period.inferred_from


def test_the_same_period_with_nothing_before_stays_as_said(extract_in):
    records = extract_in("En ese lapso, la fiscalía envió 41,200 solicitudes de rastreo a Villa Arroyo.", "es")
    [claim] = [c for c in records.claims if c.figure.value == 41200]
    assert claim.figure.period.start is None and not claim.figure.period.inferred_from


def test_the_same_period_after_a_duration_is_that_duration(extract_in):
    records = extract_in("La Guardia Fronteriza aseguró 83 mil 400 cartuchos en siete meses de la Operación Halcón. "
                         "En el mismo periodo, la corporación detuvo a 212 personas.", "es")
    [claim] = [c for c in records.claims if c.figure.value == 212]
    assert claim.figure.period.label.startswith("siete meses") and claim.figure.period.inferred_from


@pytest.mark.parametrize("body", ["Agencia de Puertos y Fronteras (APF)", "Oficina de Aduanas y Tránsito (OAT)"])
@pytest.mark.parametrize("stated, label", [("en el año fiscal 2025", "FY2025"), ("en 2024", "2024")])
def test_a_sentence_the_parser_cut_after_a_fronted_source_keeps_its_period(extract_in, body, stated, label):
    records = extract_in(f"Según datos de la {body}, {stated} sus agentes incautaron 1 mil 340 armas de fuego y 412 mil "
                         f"cartuchos en inspecciones de salida hacia Villa Arroyo, un 28 % más que el año anterior.", "es")
    periods = {c.figure.span.text: c.figure.period.label if c.figure.period else None for c in records.claims}
    assert [periods.get(f) for f in ("1 mil 340", "412 mil", "28 %")] == [label] * 3, periods


@pytest.mark.parametrize("stated, start", [("En 2025", "2025-01-01"), ("En el año fiscal 2025", "2024-10-01")])
@pytest.mark.parametrize("body", ["Fiscalía de Ocampo", "Guardia Fronteriza de Tlacolula"])
def test_a_figure_said_twice_keeps_its_source_and_takes_the_period_said_with_it(extract_in, stated, start, body):
    records = extract_in(f"La {body} informó que 340 armas cruzaron a Tlacolula.\n\n"
                         f"{stated}, 340 armas cruzaron la frontera por Villa Arroyo, la mayoría rifles.", "es")
    [claim] = [c for c in records.claims if c.figure.value == 340]
    assert is_named(claim, body) and claim.figure.period.start == start and claim.figure.period.inferred_from


def is_named(claim, body: str) -> bool:
    return not claim.source.unattributed and body.startswith(claim.source.entity.label)


@pytest.mark.parametrize("between", ["El 74 por ciento de ellas fue rastreado en 2025.",
                                     "De ellas, el 40 % se compró en Tlacolula en 2024."])
def test_the_same_period_is_that_of_the_figures_of_the_same_kind_before(extract_in, between):
    records = extract_in(f"Desde 2021 la Guardia Fronteriza ha asegurado 18 mil 240 armas. {between}\n\n"
                         f"En Villa Arroyo se aseguraron 1 mil 845 armas en el mismo periodo.", "es")
    [claim] = [c for c in records.claims if c.figure.value == 1845]
    assert claim.figure.period.start == "2021-01-01" and claim.figure.period.inferred_from
