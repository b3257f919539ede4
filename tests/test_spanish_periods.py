"""Spanish day dates that date figures (issue 27): every realisation in extract/data/es/periods.yaml,
on grids of invented places, agencies, figures and publication dates, through the real es pipeline."""

from __future__ import annotations

import itertools

import pytest

from extract.periods import anchor, period_near

# (the words, published, start, end): a run of days stays a run, a part keeps its precision
DAYS = [
    ("los días 26 y 27 de junio de 2020,", None, "2020-06-26", "2020-06-27"),
    ("del 3 al 9 de diciembre", "2019-12-10", "2019-12-03", "2019-12-09"),
    ("entre el 3 y el 9 de diciembre", "2020-01-10", "2019-12-03", "2019-12-09"),  # the latest such days
    ("del 30 de junio al 2 de julio de 2021", None, "2021-06-30", "2021-07-02"),
    ("el 4 de noviembre de 2020", None, "2020-11-04", "2020-11-04"),
    ("(26 de junio de 2020)", None, "2020-06-26", "2020-06-26"),
    ("el pasado 26 de junio", "2020-07-01", "2020-06-26", "2020-06-26"),
    ("el 26 de junio pasado", "2020-03-01", "2019-06-26", "2019-06-26"),  # never a day after the publication
    ("el lunes", "2024-05-06", "2024-05-06", "2024-05-06"),  # a Monday published on a Monday: that day
    ("el lunes pasado", "2024-05-06", "2024-04-29", "2024-04-29"),  # ... but 'pasado': the one before
    ("el pasado lunes", "2024-05-08", "2024-05-06", "2024-05-06"),
    ("este martes", "2024-05-08", "2024-05-07", "2024-05-07"),
    ("ayer", "2019-12-04", "2019-12-03", "2019-12-03"),
    ("el día de ayer", "2019-12-04", "2019-12-03", "2019-12-03"),
    ("anteayer", "2019-12-04", "2019-12-02", "2019-12-02"),
    ("a principios de marzo", "2024-05-06", "2024-03-01", "2024-03-10"),
    ("a principios de marzo", "2024-02", "2023-03-01", "2023-03-10"),  # known to the month: March was last year's
    ("a mediados de mayo de 2022", None, "2022-05-11", "2022-05-20"),
    ("a finales de 2023", None, "2023", "2023"),  # known to the year only: no day made up
    ("el primer semestre de 2024", None, "2024-01-01", "2024-06-30"),
    ("el tercer trimestre", "2024-11-02", "2024-07-01", "2024-09-30"),
    ("el tercer trimestre", "2024-02-02", "2023-07-01", "2023-09-30"),
    ("el año fiscal 2023", None, "2022-10-01", "2023-09-30"),  # a U.S. fiscal year stays one
]
FRAMES = ["{period} se aseguraron {figure} armas en {place}", "En {place}, {period} los agentes decomisaron {figure} armas",
          "La {agency} informó que {period} fueron aseguradas {figure} armas"]
PLACES = ["Villa Arroyo", "Puerto Tlacolula"]
AGENCIES = ["Fiscalía de Ocampo", "Secretaría de Seguridad de Tlacolula"]
FIGURES = ["340", "1,275", "18 mil"]


@pytest.mark.parametrize("words, published, start, end", DAYS)
def test_a_spanish_day_date_dates_the_figure_in_every_frame(words, published, start, end):
    for frame, place, agency, figure in itertools.product(FRAMES, PLACES, AGENCIES, FIGURES):
        text = frame.format(period=words, figure=figure, place=place, agency=agency)
        at = text.index(figure)
        period = anchor(period_near(text, at, at + len(figure), "es"), published)
        assert period is not None and (period.start, period.end) == (start, end), text


@pytest.mark.parametrize("words", ["el pasado 26 de junio", "el lunes pasado", "ayer", "el tercer trimestre",
                                   "a principios de marzo", "del 3 al 9 de diciembre"])
def test_without_a_publication_date_a_relative_day_keeps_its_words(words):
    text = f"{words} se aseguraron 340 armas"
    period = anchor(period_near(text, text.index("340"), text.index("340") + 3, "es"), None)
    assert period.start is None and period.end is None and period.label in words


@pytest.mark.parametrize("text", ["hoy en día circulan 340 armas en Villa Arroyo",
                                  "fueron 340 armas, con lo que haremos el día de hoy otra destrucción"])
def test_no_day_where_the_words_give_none(text):
    at = text.index("340")
    assert period_near(text, at, at + 3, "es") is None


@pytest.fixture(scope="module")
def extract_es():
    from claimgraph.settings import SPACY_MODELS
    from extract.pipeline import extract, shared_nlp
    from extract.reader import article_from_text

    nlp = shared_nlp(SPACY_MODELS["es"])
    return lambda text: extract(article_from_text("compuesto.txt", text), nlp)


@pytest.mark.parametrize("place, agency", list(zip(PLACES, AGENCIES)))
def test_a_heading_dates_the_paragraph_under_it_and_says_so(extract_es, place, agency):
    records = extract_es(f"Decomiso en {place}\n\n{place}, Ocampo, a 1 de julio de 2020.- La {agency} informa que "
                         "aseguró dinero en dos eventos.\n\nEvento A (26 de junio de 2020):\n\nEn una camioneta, "
                         "los agentes localizaron 40,000 dólares.\n\nSin fecha:\n\nEn otra camioneta se hallaron 9 mil dólares.\n")
    periods = {c.figure.value: c.figure.period for c in records.claims}
    assert (periods[40000].start, periods[40000].inferred_from) == ("2020-06-26", "the heading above its paragraph")
    assert periods[9000] is None


@pytest.mark.parametrize("place", PLACES)
def test_a_paragraph_that_opens_with_a_day_dates_its_later_seizure(extract_es, place):
    records = extract_es(f"Contrabandista condenado\n\nEl 4 de noviembre de 2020, Aurelio Quintanar intentó cruzar a "
                         f"México por {place}. Los agentes registraron el vehículo y encontraron 10 rifles.\n\n"
                         "Los agentes calculan que 300 armas cruzan cada semana.\n")
    periods = {c.figure.value: c.figure.period for c in records.claims}
    assert (periods[10].start, periods[10].inferred_from) == ("2020-11-04", "the day its paragraph opens with")
    assert periods[300] is None or periods[300].start is None  # another paragraph, no seizure: not that day


def test_a_transcript_titled_by_its_date_anchors_ayer(extract_es):
    records = extract_es("4 de diciembre de 2019\n\nEl día de ayer fueron destruidas 9 mil 212 armas en Villa Arroyo.\n")
    assert records.article.date == "2019-12-04"
    [claim] = [c for c in records.claims if c.figure.value == 9212]
    assert (claim.figure.period.start, claim.figure.period.label) == ("2019-12-03", "ayer (2019-12-03)")


def test_a_clause_after_y_que_keeps_its_own_period():
    text = "La Fiscalía estimó que dos terceras partes de las armas provienen de EU y que cruzan 500 mil armas al año"
    at = text.index("dos terceras partes")
    assert period_near(text, at, at + len("dos terceras partes"), "es") is None
    at = text.index("500 mil")
    assert period_near(text, at, at + 7, "es").periodicity == "annual"


def test_a_spanish_name_does_not_end_on_de_la(extract_es):
    records = extract_es("Armas\n\nLa División de Campo de Villa Arroyo de la Fiscalía de Ocampo revisó 300 armerías.\n")
    assert not any(e.label.endswith((" de la", " de")) for e in records.entities)


def test_a_reported_figure_does_not_take_the_day_its_paragraph_opens_with(extract_text):
    records = extract_text("Report\n\nOn August 23, 2024, the Valdora Border Agency published its report on rifles. The report "
                           "said agents seized 5,000 rifles.\n")
    [claim] = [c for c in records.claims if c.figure.value == 5000]
    assert claim.figure.period is None
