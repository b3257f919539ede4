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


# --- 3. shares said as fractions or ratios are percents ----------------------------------------------------

# two batches, each built as one article: no two figures of an article repeat, so none merges with another
SHARES_ES = [[("dos terceras partes", 66.67), ("la mitad", 50), ("un tercio", 33.33), ("tres cuartas partes", 75),
              ("7 de cada 10", 70), ("uno de cada cinco", 20)],
             [("una tercera parte", 33.33), ("la cuarta parte", 25), ("nueve de cada diez", 90), ("3 de cada 4", 75),
              ("dos quintas partes", 40)]]
SHARES_EN = [[("two-thirds", 66.67), ("half", 50), ("a third", 33.33), ("three quarters", 75), ("seven in 10", 70),
              ("one in five", 20)],
             [("one-third", 33.33), ("a quarter", 25), ("nine out of ten", 90), ("3 of every 4", 75), ("two fifths", 40)]]
SHARE_BOUNDS_ES = [("", "value", None), ("alrededor de ", "value", "alrededor de"), ("más de ", "low", "más de"), ("casi ", "value", "casi")]
SHARE_BOUNDS_EN = [("", "value", None), ("about ", "value", "about"), ("more than ", "low", "more than"), ("nearly ", "value", "nearly")]


def _share_grid(shares, bounds, frame):
    """Every share in the frame, each with its own bound or hedge."""
    return [(frame.format(share=f"{bound_word}{share}"), value, bound, qualifier)
            for i, (share, value) in enumerate(shares) for bound_word, bound, qualifier in [bounds[i % len(bounds)]]]


@pytest.mark.parametrize("shares", SHARES_ES)
@pytest.mark.parametrize("frame", ["Según la Fiscalía de Tlacolula, {share} de las armas aseguradas en Villa Arroyo vienen de Texas.",
                                   "La Secretaría de Seguridad de Ocampo informó que {share} de los cartuchos eran de fabricación extranjera."])
def test_a_spanish_share_said_as_a_fraction_or_ratio_is_a_percent(extract_es, shares, frame):
    grid = _share_grid(shares, SHARE_BOUNDS_ES, frame)
    text, records = extract_es([sentence for sentence, *_ in grid])
    assert records.claims
    for (sentence, value, bound, qualifier), claims in zip(grid, claims_by_paragraph(text, records, [s for s, *_ in grid])):
        assert len(claims) == 1, (sentence, [c.figure for c in claims])
        figure = claims[0].figure
        assert (getattr(figure, bound), figure.unit, figure.qualifier) == (value, "percent", qualifier), (sentence, figure)


@pytest.mark.parametrize("shares", SHARES_EN)
@pytest.mark.parametrize("frame", ["The Ocampo Prosecutor's Office said {share} of the guns seized in Villa Arroyo came from Texas.",
                                   "According to the Tlacolula Security Office, {share} of the rounds were made abroad."])
def test_an_english_share_said_as_a_fraction_or_ratio_is_a_percent(extract_text, shares, frame):
    grid = _share_grid(shares, SHARE_BOUNDS_EN, frame)
    sentences = [sentence for sentence, *_ in grid]
    text = "Guns at the border\n\n" + "\n\n".join(sentences) + "\n"
    records = extract_text(text)
    assert records.claims
    for (sentence, value, bound, qualifier), claims in zip(grid, claims_by_paragraph(text, records, sentences)):
        assert len(claims) == 1, (sentence, [c.figure for c in claims])
        figure = claims[0].figure
        assert (getattr(figure, bound), figure.unit, figure.qualifier) == (value, "percent", qualifier), (sentence, figure)


@pytest.mark.parametrize("sentence", ["La media de las armas aseguradas en Villa Arroyo era antigua.",
                                      "El segundo tercio del año fue tranquilo en Villa Arroyo.",
                                      "La Fiscalía de Tlacolula aseguró la tercera de las armas en Villa Arroyo."])
def test_a_word_that_names_no_share_is_no_figure(extract_es, sentence):
    assert extract_es([sentence])[1].claims == []


@pytest.mark.parametrize("sentence", ["The third of the rifles was found in Villa Arroyo.",
                                      "Seizures in Villa Arroyo fell for two quarters in a row.",
                                      "The second half was quiet in Villa Arroyo."])
def test_an_english_word_that_names_no_share_is_no_figure(extract_text, sentence):
    assert extract_text(f"Guns at the border\n\n{sentence}\n").claims == []


@pytest.mark.parametrize("language, sentence", [
    ("en", "Quillen is ranked 41 out of 90 countries on the Tarrow index."),
    ("en", "Villa Arroyo placed 7 out of 12 border towns in the survey."),
    ("en", "The Ocampo office ranks 3 in 10 on the list."),
    ("es", "Quillén ocupa el lugar 41 de cada 90 en el índice de Tarrow."),
    ("es", "Villa Arroyo se ubicó en el puesto 7 de cada 12 municipios."),
])
def test_a_place_in_a_ranking_is_no_share(extract_es, extract_text, language, sentence):
    records = extract_text(f"Guns at the border\n\n{sentence}\n") if language == "en" else extract_es([sentence])[1]
    assert not [c.figure for c in records.claims if c.figure.unit == "percent"]


# --- 4. numbers said as alternatives are one figure, a range --------------------------------------------------

ALTERNATIVES_ES = [("tres o cuatro", 3, 4), ("una o dos", 1, 2), ("diez o doce", 10, 12), ("5 o 6", 5, 6), ("siete u ocho", 7, 8)]
ALTERNATIVES_EN = [("three or four", 3, 4), ("one or two", 1, 2), ("ten or twelve", 10, 12), ("5 or 6", 5, 6)]


@pytest.mark.parametrize("noun, unit", [("pistolas", "firearms"), ("armas", "firearms"), ("granadas", "grenades")])
def test_spanish_alternatives_are_one_range(extract_es, noun, unit):
    sentences = [f"Según la Fiscalía de Tlacolula, los traficantes pasan {said} {noun} por viaje a Villa Arroyo."
                 for said, _, _ in ALTERNATIVES_ES]
    text, records = extract_es(sentences)
    found = [[(c.figure.value, c.figure.low, c.figure.high, c.figure.unit) for c in claims]
             for claims in claims_by_paragraph(text, records, sentences)]
    assert found == [[(None, low, high, unit)] for _, low, high in ALTERNATIVES_ES]


@pytest.mark.parametrize("noun, unit", [("rifles", "firearms"), ("guns", "firearms"), ("grenades", "grenades")])
def test_english_alternatives_are_one_range(extract_text, noun, unit):
    sentences = [f"The Ocampo Prosecutor's Office said smugglers carry {said} {noun} per trip to Villa Arroyo."
                 for said, _, _ in ALTERNATIVES_EN]
    text = "Guns at the border\n\n" + "\n\n".join(sentences) + "\n"
    records = extract_text(text)
    found = [[(c.figure.value, c.figure.low, c.figure.high, c.figure.unit) for c in claims]
             for claims in claims_by_paragraph(text, records, sentences)]
    assert found == [[(None, low, high, unit)] for _, low, high in ALTERNATIVES_EN]


def test_a_bound_before_coordinated_figures_bounds_both(extract_es):
    sentences = ["La red trasladó al menos 140 armas y 3,5 millones de dólares a Villa Arroyo.",
                 "La Fiscalía de Tlacolula aseguró más de 90 fusiles y 6 mil cartuchos en Villa Arroyo.",
                 "La Fiscalía de Tlacolula aseguró casi 70 fusiles y 8 mil cartuchos en Villa Arroyo."]
    text, records = extract_es(sentences)
    found = [[(c.figure.value, c.figure.low, c.figure.unit, c.figure.qualifier) for c in claims]
             for claims in claims_by_paragraph(text, records, sentences)]
    assert found == [[(None, 140, "firearms", "al menos"), (None, 3_500_000, "USD", "al menos")],
                     [(None, 90, "firearms", "más de"), (None, 6000, "rounds", "más de")],
                     [(70, None, "firearms", "casi"), (8000, None, "rounds", None)]]  # a hedge is the first figure's own


# --- 8. units: count nouns in English, people counted by what is done to them, prices --------------------

ROLE_FRAMES_ES = [  # (frame, role): the figure {n} counts people
    ("La Fiscalía de Tlacolula anunció la detención de {n} personas por tráfico de armas.", "arrests"),
    ("Por el tráfico de armas, {n} personas fueron detenidas en Villa Arroyo.", "arrests"),
    ("La Fiscalía de Tlacolula ha acusado a {n} personas por tráfico de armas.", "defendants"),
    ("Por el tráfico de armas fueron acusadas {n} personas en Villa Arroyo.", "defendants"),
    ("Por el tráfico de armas, {n} personas fueron vinculadas a proceso.", "defendants"),
    ("La Fiscalía de Tlacolula localizó a {n} personas en una casa donde había armas.", "people"),
]
ROLE_FRAMES_EN = [
    ("The Tlacolula Prosecutor's Office announced the arrest of {n} people for gun smuggling.", "arrests"),
    ("In the gun smuggling case, {n} people were arrested in Villa Arroyo.", "arrests"),
    ("In the gun smuggling case, {n} people were charged in Villa Arroyo.", "defendants"),
    ("The Tlacolula Prosecutor's Office found {n} people in a house where guns were kept.", "people"),
]


@pytest.mark.parametrize("numbers", [(76, 131, 418, 22, 57, 903), (35, 2_310, 64, 19, 288, 41)])
def test_people_are_counted_as_what_is_done_to_them(extract_es, extract_text, numbers):
    for frames, extract in ((ROLE_FRAMES_ES, lambda s: extract_es(s)[1]),
                            (ROLE_FRAMES_EN, lambda s: extract_text("Guns at the border\n\n" + "\n\n".join(s) + "\n"))):
        sentences = [frame.format(n=f"{n:,}" if n >= 1000 and frames is ROLE_FRAMES_EN else f"{n // 1000} mil {n % 1000:03d}" if n >= 1000 else n)
                     for (frame, _), n in zip(frames, numbers)]
        records = extract(sentences)
        found = {c.figure.value: (c.figure.unit, c.figure.flow) for c in records.claims}
        assert found == {n: (role, "firearms") for (_, role), n in zip(frames, numbers)}, sentences


@pytest.mark.parametrize("counted, unit, flow", [
    ("carpetas de investigación", "investigations", "firearms"), ("solicitudes de rastreo", "trace requests", "firearms"),
    ("compradores de paja", "straw buyers", "firearms"), ("solicitudes de información", "requests", "firearms"),
    ("cuentas bancarias", "bank accounts", "cash"), ("compradores", "buyers", "firearms"),
    ("denuncias", "complaints", "firearms"), ("armerías", "gun shops", "firearms")])
def test_spanish_count_nouns_have_english_units(extract_es, counted, unit, flow):
    sentence = f"En el caso de tráfico de armas, la Fiscalía de Tlacolula registró 3 mil 412 {counted} en Villa Arroyo."
    [claim] = extract_es([sentence])[1].claims
    assert (claim.figure.value, claim.figure.unit, claim.figure.flow) == (3412, unit, flow)


@pytest.mark.parametrize("counted, unit", [("straw buyers", "straw buyers"), ("straw purchasers", "straw buyers"),
                                           ("trace requests", "trace requests"), ("buyers", "buyers")])
def test_english_compound_count_nouns(extract_text, counted, unit):
    records = extract_text(f"Guns at the border\n\nIn the gun case, the Tlacolula office identified 3,412 {counted} in Villa Arroyo.\n")
    [claim] = records.claims
    assert (claim.figure.value, claim.figure.unit, claim.figure.flow) == (3412, unit, "firearms")


@pytest.mark.parametrize("sentence, language", [
    ("Los traficantes cobran hasta 2 mil 300 dólares por cada fusil que cruza a Villa Arroyo.", "es"),
    ("En Villa Arroyo, cada rifle se vendía a 2 mil 300 dólares cada uno, según la Fiscalía de Tlacolula.", "es"),
    ("El intermediario recibía 2 mil 300 pesos por cada una de las armas.", "es"),
    ("Smugglers in Villa Arroyo charge up to $2,300 per rifle.", "en"),
    ("Each gun sold for $2,300 apiece in Villa Arroyo.", "en"),
    # money spent on the work: its paragraph's or article's flow
    ("El programa contra el tráfico de armas tendrá una inversión de 1 mil 300 millones de pesos.", "es"),
    ("Para frenar el tráfico de armas, Estados Unidos aportará 3,8 millones de dólares para equipo.", "es"),
    ("The gun tracing program will receive $3.8 million in funding for scanners.", "en"),
])
def test_a_price_per_thing_or_a_funding_is_no_cash(extract_es, extract_text, sentence, language):
    records = extract_es([sentence])[1] if language == "es" else extract_text(f"Guns at the border\n\n{sentence}\n")
    [claim] = records.claims
    assert (claim.figure.unit in ("USD", "MXN"), claim.figure.flow) == (True, "firearms")


@pytest.mark.parametrize("sentence, language", [
    ("La red movió 3 millones de dólares en efectivo por año hacia Villa Arroyo.", "es"),
    ("The network smuggled $3 million in cash per year into Villa Arroyo.", "en"),
])
def test_an_amount_per_year_is_no_price(extract_es, extract_text, sentence, language):
    records = extract_es([sentence])[1] if language == "es" else extract_text(f"Cash at the border\n\n{sentence}\n")
    [claim] = records.claims
    assert claim.figure.flow == "cash"


# --- 5. partitives and model designations ----------------------------------------------------------------

@pytest.mark.parametrize("antecedent, unit", [("fusiles", "firearms"), ("cartuchos", "rounds"), ("granadas", "grenades")])
@pytest.mark.parametrize("partitive, bound", [("Cuatro de ellos", None), ("Al menos 11 de ellos", "al menos"), ("Seis de esos", None)])
def test_a_partitive_pronoun_counts_its_antecedent(extract_es, antecedent, unit, partitive, bound):
    gender = "as" if antecedent == "granadas" else "os"
    said = partitive.replace("ellos", "ell" + gender[0] + "s").replace("esos", "es" + gender)
    sentences = [f"La Fiscalía de Tlacolula aseguró 340 {antecedent} en Villa Arroyo. {said} eran robad{gender}."]
    _, records = extract_es(sentences)
    part = [c for c in records.claims if c.figure.value != 340]
    assert [(c.figure.unit, c.figure.qualifier) for c in part] == [(unit, bound)]


@pytest.mark.parametrize("said", ["Cuatro de ellas", "Al menos 11 de ellas"])
def test_a_partitive_pronoun_with_no_counted_noun_before_it_is_no_figure(extract_es, said):
    _, records = extract_es([f"La Fiscalía de Tlacolula habló con las vecinas de Villa Arroyo. {said} pidieron ayuda."])
    assert records.claims == []


def test_an_english_partitive_pronoun_counts_its_antecedent(extract_text):
    records = extract_text("Guns at the border\n\nAgents seized 340 rifles in Villa Arroyo. Four of them were stolen.\n")
    assert sorted((c.figure.value, c.figure.unit) for c in records.claims) == [(4, "firearms"), (340, "firearms")]
    records = extract_text("Guns at the border\n\nThe mayor of Villa Arroyo met reporters. Four of them asked questions.\n")
    assert records.claims == []


@pytest.mark.parametrize("count, value", [("cinco", 5), ("tres", 3), ("12", 12)])
@pytest.mark.parametrize("model", ["AK-47", "AR-15", "M16"])
def test_a_count_of_a_model_is_a_count_of_firearms(extract_es, count, value, model):
    _, records = extract_es([f"En el cateo, la Fiscalía de Tlacolula aseguró {count} {model} en Villa Arroyo."])
    assert [(c.figure.value, c.figure.unit) for c in records.claims] == [(value, "firearms")]


def test_an_english_count_of_a_model_is_a_count_of_firearms(extract_text):
    records = extract_text("Guns at the border\n\nAgents seized five AK-47s and 12 AR-15s in Villa Arroyo.\n")
    assert sorted((c.figure.value, c.figure.unit) for c in records.claims) == [(5, "firearms"), (12, "firearms")]


# --- 6. a change is two figures, each in the unit said once --------------------------------------------------

CHANGES_ES = [("pasó de {a} a {b} días", "days"), ("bajó de {a} a {b} días", "days"), ("subió de {a} a {b} por ciento", "percent"),
              ("aumentó de {a} a {b} armas", "firearms"), ("se redujo de {a} a {b} semanas", "weeks"),
              ("pasó de {a} mil a {b} mil dólares", "USD")]
CHANGES_EN = [("fell from {a} to {b} days", "days"), ("rose from {a} to {b} percent", "percent"), ("grew from {a} to {b} guns", "firearms"),
              ("was cut from {a} to {b} weeks", "weeks"), ("went from ${a} million to ${b} million", "USD")]


@pytest.mark.parametrize("a, b", [(80, 12), (35, 61)])
def test_a_spanish_change_is_two_figures_never_a_range(extract_es, a, b):
    sentences = [f"Según la Fiscalía de Tlacolula, en el caso de las armas la cifra {said.format(a=a + i, b=b + i)} en un año."
                 for i, (said, _) in enumerate(CHANGES_ES)]
    text, records = extract_es(sentences)
    for i, ((said, unit), claims) in enumerate(zip(CHANGES_ES, claims_by_paragraph(text, records, sentences))):
        scale = 1000 if "mil" in said else 1
        assert [(c.figure.value, c.figure.low, c.figure.high, c.figure.unit) for c in claims] == [
            ((a + i) * scale, None, None, unit), ((b + i) * scale, None, None, unit)], sentences[i]


@pytest.mark.parametrize("a, b", [(80, 12), (35, 61)])
def test_an_english_change_is_two_figures_never_a_range(extract_text, a, b):
    sentences = [f"The Tlacolula Prosecutor's Office said the gun figure {said.format(a=a + i, b=b + i)} in a year."
                 for i, (said, _) in enumerate(CHANGES_EN)]
    text = "Guns at the border\n\n" + "\n\n".join(sentences) + "\n"
    records = extract_text(text)
    for i, ((said, unit), claims) in enumerate(zip(CHANGES_EN, claims_by_paragraph(text, records, sentences))):
        scale = 1_000_000 if "million" in said else 1
        assert [(c.figure.value, c.figure.low, c.figure.high, c.figure.unit) for c in claims] == [
            ((a + i) * scale, None, None, unit), ((b + i) * scale, None, None, unit)], sentences[i]


@pytest.mark.parametrize("sentence, low, high", [("La Fiscalía de Tlacolula aseguró de 10 a 20 armas por semana.", 10, 20),
                                                 ("La Fiscalía de Tlacolula aseguró entre 10 y 20 armas por semana.", 10, 20)])
def test_a_range_without_a_change_word_stays_a_range(extract_es, sentence, low, high):
    [claim] = extract_es([sentence])[1].claims
    assert (claim.figure.low, claim.figure.high, claim.figure.unit) == (low, high, "firearms")


def test_a_time_outside_a_change_stays_a_duration(extract_es):
    _, records = extract_es(["La Fiscalía de Tlacolula investigó durante 15 días el caso de las armas."])
    assert records.claims == []


# --- 7. numbers that are no figures: listed designators, banknotes, caps -------------------------------

@pytest.mark.parametrize("sentence, kept", [
    ("La Fiscalía de Tlacolula aseguró 340 cartuchos de calibre .223 y 7.62 en Villa Arroyo.", [340]),
    ("La Fiscalía de Tlacolula aseguró 340 cartuchos calibre 9, 40 y 45 en Villa Arroyo.", [340]),
    ("Conforme a los artículos 84 y 85 de la ley, la Fiscalía de Tlacolula aseguró 340 fusiles.", [340]),
    ("La Fiscalía de Tlacolula aseguró 720 mil pesos en billetes de 500 en Villa Arroyo.", [720_000]),
    ("La Fiscalía de Tlacolula aseguró 720 mil pesos en billetes de $200 en Villa Arroyo.", [720_000]),
    ("La Fiscalía de Tlacolula aseguró 720 mil pesos en billetes de 500 y 3 millones de cartuchos.", [720_000, 3_000_000]),
    ("Hacienda propuso limitar a 7 mil 500 dólares las compras en efectivo de armas.", []),
    ("Hacienda propuso limitar las compras en efectivo a 7 mil 500 dólares.", []),
    ("La reforma fija un tope de 200 mil pesos a los depósitos en efectivo.", []),
])
def test_spanish_numbers_that_are_no_figures(extract_es, sentence, kept):
    _, records = extract_es([sentence])
    assert sorted(c.figure.value for c in records.claims) == kept


@pytest.mark.parametrize("sentence, kept", [
    ("Agents in Villa Arroyo seized 340 rounds of .223 and 7.62 ammunition.", [340]),
    ("Agents in Villa Arroyo seized $720,000 in $100 bills.", [720_000]),
    ("The Treasury proposed to limit cash purchases of guns to $7,500.", []),
    ("Banks must report cash deposits over a threshold of $10,000.", []),
])
def test_english_numbers_that_are_no_figures(extract_text, sentence, kept):
    records = extract_text(f"Guns at the border\n\n{sentence}\n")
    assert sorted(c.figure.value for c in records.claims) == kept


def test_a_scaled_count_after_another_noun_counts_its_own_noun(extract_es):
    _, records = extract_es(["La Fiscalía de Tlacolula aseguró 720 mil pesos en billetes de 500 y 3 millones de cartuchos calibre .223."])
    assert sorted((c.figure.value, c.figure.unit) for c in records.claims) == [(720_000, "MXN"), (3_000_000, "rounds")]


def test_banknotes_counted_are_a_figure(extract_es):
    _, records = extract_es(["La Fiscalía de Tlacolula aseguró 640 billetes de 200 pesos en Villa Arroyo."])
    assert [c.figure.value for c in records.claims] == [640]


@pytest.mark.parametrize("sentence, kept", [
    ("La Fiscalía de Tlacolula aseguró seis rifles calibre 7.62 y ocho AK-47 en Villa Arroyo.", [6, 8]),
    ("La Fiscalía de Tlacolula aseguró 340 cartuchos en el año fiscal 2022 y 1,205 cartuchos en el año fiscal 2023.", [340, 1205]),
])
def test_a_count_after_a_designated_number_is_still_a_figure(extract_es, sentence, kept):
    _, records = extract_es([sentence])
    assert sorted(c.figure.value for c in records.claims) == kept


# --- flows: money spent on the work, and figures whose sentence names no flow ----------------------------

def test_money_seized_stays_cash_beside_an_investment_word(extract_es):
    _, records = extract_es(["La inversión en rayos X permitió que la Fiscalía de Tlacolula asegurara 2 millones de dólares en efectivo."])
    assert [c.figure.flow for c in records.claims] == ["cash"]


def test_a_figure_whose_sentence_names_no_flow_takes_its_articles(extract_es):
    _, records = extract_es(["La Fiscalía de Tlacolula aseguró 340 fusiles y 12 mil cartuchos en Villa Arroyo.",
                             "Los fusiles y las armas cortas venían de Texas; las armas cruzaron por la garita.",
                             "Solo el 8 % de los vehículos que cruzaron fue revisado."])
    [share] = [c for c in records.claims if c.figure.unit == "percent"]
    assert share.figure.flow == "firearms"


@pytest.mark.parametrize("sentence", ["Villa Arroyo ranks 124 out of 180 cities on the index.",
                                      "The Ocampo team scored 37 out of 50 points."])
def test_a_rank_or_score_is_no_share(extract_text, sentence):
    records = extract_text(f"Guns at the border\n\n{sentence}\n")
    assert all(c.figure.unit != "percent" for c in records.claims)


def test_a_partitive_pronoun_takes_the_antecedent_of_its_gender(extract_es):
    _, records = extract_es(["La Fiscalía de Tlacolula aseguró 340 armas y 5 mil cartuchos en Villa Arroyo. Cuatro de ellas eran robadas."])
    assert sorted((c.figure.value, c.figure.unit) for c in records.claims) == [(4, "firearms"), (340, "firearms"), (5000, "rounds")]


def test_a_partitive_pronoun_between_two_units_gets_none(extract_text):
    records = extract_text("Guns at the border\n\nThe agency runs 160 land crossings along a border of 1,900 miles. "
                           "Agents visited 104 of them last year.\n")
    [part] = [c for c in records.claims if c.figure.value == 104]
    assert part.figure.unit == "count"


def test_a_plural_pronoun_stands_for_a_plural_noun(extract_text):
    records = extract_text("Guns at the border\n\nThe agency runs 160 land crossings. Agents from the agency's office "
                           "visited 104 of them last year.\n")
    [part] = [c for c in records.claims if c.figure.value == 104]
    assert part.figure.unit == "crossings"


def test_a_count_of_miles_says_no_flow_of_its_own(extract_text):
    records = extract_text("Guns at the border\n\nAgents seized 300 rifles in Villa Arroyo.\n\n"
                           "The border stretches nearly 1,900 miles.\n")
    [miles] = [c for c in records.claims if c.figure.value == 1900]
    assert miles.figure.flow == "other"
