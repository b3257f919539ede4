"""Who said it, in Spanish and English news (issue 27 §4): the constructions of docs/attribution.md's
Spanish part, each on a grid of invented bodies, people, speech verbs and figures, through the real
pipelines. Negative frames too: a body named but not speaking never gets the figure."""

from __future__ import annotations

import pytest

from extract.reader import article_from_text

OUTLET = "Diario del Valle"
# invented bodies whose names are built on a description noun, and others that are not
BODIES = [("Agencia Tributaria de Tlacolula", "agencia"), ("Oficina Aduanera de Villa Arroyo", "oficina"),
          ("Secretaría de Puertos de Ocampo", "secretaría")]
OTHERS = ["Fiscalía de Ocampo", "Guardia Fronteriza de Tlacolula"]
PEOPLE = ["Ramiro Quintanar Solís", "Elena Barragán Cuevas"]
FIGURES = [(340, "340"), (12500, "12 mil 500")]


@pytest.fixture(scope="module")
def extract_es():
    from claimgraph.settings import SPACY_MODELS
    from extract.pipeline import extract, shared_nlp

    nlp = shared_nlp(SPACY_MODELS["es"])

    def run(body: str):
        return extract(article_from_text("compuesto.txt", f"Armas en la frontera\n\n{body}\n",
                                         given=[("front matter", {"outlet": OUTLET})]), nlp)
    return run


@pytest.fixture(scope="module")
def extract_en(nlp):
    from extract.pipeline import extract

    def run(body: str):
        return extract(article_from_text("composed.txt", f"Guns at the border\n\n{body}\n",
                                         given=[("front matter", {"outlet": OUTLET})]), nlp)
    return run


def credited(records, value):
    """The source of the claim of that value (None: a lower bound of 3 million)."""
    claims = [c for c in records.claims if c.figure.value == value and (value is not None or c.figure.low == 3_000_000)]
    assert claims, [(c.figure.span.text, c.figure.value) for c in records.claims]
    return claims[0].source


def is_body(source, body: str) -> bool:
    """The body named (its name's first words: naming the place after it belongs to entity recognition)."""
    return not source.unattributed and len(source.entity.label) > 4 and body.startswith(source.entity.label)


# --- 4. a description resolves to the nearest fitting antecedent -------------------------------------

@pytest.mark.parametrize("body, noun", BODIES)
@pytest.mark.parametrize("other", OTHERS)
@pytest.mark.parametrize("frame", [
    "{other} informó que 200 armas fueron aseguradas. La {body} revisó los envíos y, según la {noun}, {n} armas cruzaron la frontera.",
    "{other} informó que 200 armas fueron aseguradas. En Villa Arroyo, la {body} revisó los envíos. Según la {noun}, {n} armas cruzaron la frontera.",
    "{other} informó que 200 armas fueron aseguradas. La {body} revisó los envíos y, según la dependencia, {n} armas cruzaron la frontera.",
])
def test_a_description_goes_to_the_body_named_nearest_not_an_older_speaker(extract_es, frame, body, noun, other):
    for value, written in FIGURES[:1]:
        source = credited(extract_es(frame.format(other=other, body=body, noun=noun, n=written)), value)
        assert is_body(source, body) and source.cue == "según"


@pytest.mark.parametrize("body, noun", BODIES[:2])
@pytest.mark.parametrize("other", OTHERS)
def test_two_bodies_competing_for_a_description_credit_nobody(extract_es, body, noun, other):
    text = (f"La Fiscalía Militar de Arroyo informó que 200 armas fueron aseguradas. La {body} y la {other} revisaron "
            f"los envíos. Según la dependencia, 340 armas cruzaron la frontera.")
    source = credited(extract_es(text), 340)
    assert source.unattributed and source.entity.label == OUTLET


@pytest.mark.parametrize("body, _", BODIES)
def test_the_same_construction_in_english(extract_en, body, _):
    english = {"Agencia Tributaria de Tlacolula": "Tlacolula Revenue Agency", "Oficina Aduanera de Villa Arroyo":
               "Villa Arroyo Customs Office", "Secretaría de Puertos de Ocampo": "Ocampo Ports Department"}[body]
    noun = english.split()[-1].lower()
    text = (f"The Ocampo Prosecutor's Office said 200 guns were seized. The {english} inspected the trucks and, "
            f"according to the {noun}, 340 guns crossed the border.")
    assert credited(extract_en(text), 340).entity.label == english


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("description", ["El funcionario", "El titular"])
@pytest.mark.parametrize("verb", ["destacó", "precisó", "explicó"])
def test_el_funcionario_is_the_person_named_before(extract_es, person, description, verb):
    text = (f"El titular de la Fiscalía de Ocampo, {person}, visitó la aduana de Villa Arroyo.\n\n"
            f"{description} {verb} que en 2025 la fiscalía tramitó 2 mil 410 solicitudes de rastreo.")
    source = credited(extract_es(text), 2410)
    assert source.entity.label == person and not source.unattributed


# --- 2. a report in a relative clause ------------------------------------------------------------------

@pytest.mark.parametrize("body, _", BODIES + [(o, None) for o in OTHERS])
@pytest.mark.parametrize("verb", ["calculó", "estimó", "concluyó", "señaló"])
@pytest.mark.parametrize("lead", ["La organización citó un informe de la {body}, que",
                                  "La cifra la estimó un estudio de la {body} publicado el año pasado, que además"])
def test_a_report_in_a_relative_clause_speaks_for_its_issuer(extract_es, body, _, verb, lead):
    text = lead.format(body=body) + f" {verb} que cada año entran al país 90 mil armas."
    source = credited(extract_es(text), 90000)
    assert is_body(source, body) and source.cue == verb


@pytest.mark.parametrize("verb", ["found", "estimated", "concluded"])
def test_a_report_in_an_english_relative_clause(extract_en, verb):
    text = f"The group cited a report by the Regional Arms Office, which {verb} that 90,000 guns enter the country each year."
    source = credited(extract_en(text), 90000)
    assert source.entity.label == "Regional Arms Office"


# --- 3. a speaker after a long clause -------------------------------------------------------------------

@pytest.mark.parametrize("body", OTHERS + [b for b, _ in BODIES[:1]])
@pytest.mark.parametrize("verb", ["reveló", "informó", "precisó", "detalló"])
@pytest.mark.parametrize("value, written", FIGURES)
@pytest.mark.parametrize("clause", [
    "Un juez federal en Villa Arroyo sentenció a cuatro años de prisión a un hombre que compró {n} cartuchos para una red de Tlacolula",
    "Un juez de Villa Arroyo, Ocampo, sentenció a cinco años de prisión a una mujer de 33 años que compró {n} rifles "
    "para una red que los llevó a Tlacolula"])
def test_a_trailing_speech_verb_governs_the_whole_clause(extract_es, body, verb, value, written, clause):
    text = f"{clause.format(n=written)}, {verb} la {body} en un comunicado."
    source = credited(extract_es(text), value)
    assert is_body(source, body) and source.cue == verb


@pytest.mark.parametrize("verb", ["said", "announced"])
def test_a_trailing_speaker_in_english(extract_en, verb):
    text = (f"The man bought 30 rifles at stores in Texas between 2019 and 2021 for a network in Ocampo, "
            f"the Ocampo Prosecutor's Office {verb} in a statement.")
    assert credited(extract_en(text), 30).entity.label == "Ocampo Prosecutor's Office"


# --- 1. a sentence-opening 'según' before an adjunct ----------------------------------------------------

@pytest.mark.parametrize("cue", ["Según", "Según datos de", "Según cifras de", "De acuerdo con", "De acuerdo con registros de"])
@pytest.mark.parametrize("body", OTHERS + ["Agencia de Puertos y Fronteras (APF)"])
@pytest.mark.parametrize("adjunct", ["en 2024", "el año pasado", "en el año fiscal 2025", "en Villa Arroyo"])
def test_segun_before_a_time_phrase_names_the_source(extract_es, cue, body, adjunct):
    text = f"{cue} la {body}, {adjunct} se aseguraron 900 armas."
    source = credited(extract_es(text), 900)
    assert is_body(source, body) and source.cue in ("según", "de acuerdo con")


@pytest.mark.parametrize("adjunct", ["in 2024", "last year", "in fiscal year 2025"])
def test_according_to_before_a_time_phrase_in_english(extract_en, adjunct):
    source = credited(extract_en(f"According to the Tlacolula Border Guard, {adjunct} officers seized 900 guns."), 900)
    assert source.entity.label == "Tlacolula Border Guard"


# --- 5. a closing 'de acuerdo con registros de la propia agencia' ----------------------------------------

@pytest.mark.parametrize("body, noun", BODIES)
@pytest.mark.parametrize("closing", ["de acuerdo con registros de la propia {noun}", "según cifras de la {noun}",
                                     "de acuerdo con datos de la dependencia"])
def test_a_closing_cue_through_a_description_names_the_body(extract_es, body, noun, closing):
    text = f"Entre 2020 y 2024, la {body} revocó la licencia de 23 armerías en Ocampo, {closing.format(noun=noun)}."
    source = credited(extract_es(text), 23)
    assert is_body(source, body)


@pytest.mark.parametrize("closing", ["según cifras oficiales", "de acuerdo con registros de la propia agencia",
                                     "de acuerdo con datos disponibles"])
def test_a_closing_cue_naming_no_body_falls_to_the_outlet(extract_es, closing):
    source = credited(extract_es(f"En 2024 se aseguraron 700 armas en Villa Arroyo, {closing}."), 700)
    assert source.unattributed and source.entity.label == OUTLET


# --- a body named but not speaking ------------------------------------------------------------------------

@pytest.mark.parametrize("body, _", BODIES)
@pytest.mark.parametrize("frame", ["Se aseguraron {n} armas en un operativo con la {body}.",
                                   "La {body} revisó {n} camiones en Villa Arroyo.",
                                   "En 2024 llegaron {n} armas a la {body}.",
                                   "Un agente dijo que vio {n} armas en un camión, y avisó a la {body}."])
def test_a_body_mentioned_but_not_speaking_gets_no_figure(extract_es, body, _, frame):
    for value, written in FIGURES:
        source = credited(extract_es(frame.format(body=body, n=written)), value)
        assert source.unattributed and source.entity.label == OUTLET



# --- a quote after someone who gives an opinion; 'la organización'; a carried period carries its source -----

@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("verb", ["considera", "opina", "sostiene"])
def test_a_quote_is_the_voice_of_who_just_spoke_not_an_older_body(extract_es, person, verb):
    text = (f"La Oficina Regional de Armas calculó que cada año entran 200 mil armas.\n\n"
            f"La investigadora {person}, del Observatorio Ciudadano de Tlacolula, {verb} que ese cálculo se queda corto. "
            f"«Nosotros estimamos que hay 12 millones de armas sin registro», dijo a un diario de Ocampo.")
    source = credited(extract_es(text), 12_000_000)
    assert source.entity.label == person


@pytest.mark.parametrize("group", ["Colectivo Valle Sin Armas", "Asociación Frontera Segura"])
@pytest.mark.parametrize("verb", ["calcula", "estima"])
def test_la_organizacion_is_the_organisation_named_before(extract_es, group, verb):
    text = (f"El {group} denunció que las cifras reflejan solo una parte del problema. \"Pasan decenas\", afirmó su "
            f"vocera, Daniela Ortiz. La organización {verb} que 340 armas se compraron en Tlacolula.")
    assert is_body(credited(extract_es(text), 340), group)


@pytest.mark.parametrize("carry", ["En ese lapso", "En el mismo periodo", "Durante ese tiempo"])
@pytest.mark.parametrize("body", OTHERS)
def test_a_sentence_in_the_same_period_goes_on_with_the_source_before(extract_es, carry, body):
    text = (f"De acuerdo con cifras de la {body}, entre 2019 y 2023 se abrieron 9 mil 120 carpetas. "
            f"{carry}, la fiscalía envió 12 mil 500 solicitudes de rastreo.")
    assert is_body(credited(extract_es(text), 12500), body)


# --- a sentence opening on the figure just given names its source ----------------------------------------

@pytest.mark.parametrize("body, _", BODIES + [(o, None) for o in OTHERS])
@pytest.mark.parametrize("reference", [
    "La cifra no sale de un discurso oficial: la estimó un informe de la {body} publicado el año pasado.",
    "Esa cifra fue calculada por la {body}.",
    "El dato proviene de un informe de la {body}.",
])
def test_a_sentence_referring_to_the_figure_before_names_its_source(extract_es, body, _, reference):
    text = f"En la última década cruzaron hacia Ocampo más de 3 millones de armas de fuego. {reference.format(body=body)}"
    assert is_body(credited(extract_es(text), None), body)


@pytest.mark.parametrize("reference", ["The figure comes from a report by the Tlacolula Audit Office.",
                                       "That estimate was calculated by the Tlacolula Audit Office."])
def test_the_figure_referred_to_in_english(extract_en, reference):
    text = f"Over the past decade more than 3 million guns crossed into Ocampo. {reference}"
    assert credited(extract_en(text), None).entity.label == "Tlacolula Audit Office"


@pytest.mark.parametrize("reference", ["La cifra es rechazada por la Fiscalía de Ocampo.",
                                       "La Fiscalía de Ocampo informó que revisará 40 camiones.",
                                       "Ese número no incluye los datos de la Fiscalía de Ocampo."])
def test_a_body_that_does_not_give_the_figure_before_gets_none_of_it(extract_es, reference):
    text = f"En la última década cruzaron hacia Ocampo más de 3 millones de armas de fuego. {reference}"
    source = credited(extract_es(text), None)
    assert source.unattributed and source.entity.label == OUTLET


@pytest.mark.parametrize("body, _", BODIES)
@pytest.mark.parametrize("closing", ["de acuerdo con un comunicado de la {body}", "según un boletín de la {body}",
                                     "de acuerdo con un comunicado de la {body} en México"])
@pytest.mark.parametrize("value, written", [(3_100_000, "3,1 millones de dólares"), (250_000, "250 mil dólares")])
def test_a_closing_cue_the_parser_hangs_on_the_figure_still_covers_it(extract_es, body, _, closing, value, written):
    text = (f"El Departamento de Puertos de Ocampo aportará {written} para equipo y capacitación, "
            f"{closing.format(body=body)}.")
    assert is_body(credited(extract_es(text), value), body)


@pytest.mark.parametrize("name", ["Ibarrola", "Zubiaga", "Arizmendi"])  # single surnames the NER does not tag
@pytest.mark.parametrize("title", ["El consultor jurídico de la cancillería", "La investigadora del Observatorio de Ocampo",
                                   "El coordinador estatal de la Guardia Fronteriza"])
def test_a_name_in_apposition_to_a_persons_title_is_a_person_el_funcionario_points_to(extract_es, name, title):
    text = (f"{title}, {name}, aseguró que «entre el 60% y el 80%» de las armas fueron vendidas en Ocampo.\n\n"
            f"El funcionario destacó que en 2025 se tramitaron 2 mil 410 solicitudes de rastreo.")
    source = credited(extract_es(text), 2410)
    assert source.entity.label == name and source.entity.type == "Person"


@pytest.mark.parametrize("whole", ["Oficina Regional de Armas", "Agencia Tributaria de Tlacolula"])
@pytest.mark.parametrize("unit", ["División de Campo de Villa Arroyo", "División Norte"])
def test_a_unit_named_with_its_whole_does_not_compete_with_it(extract_es, whole, unit):
    text = (f"La investigación estuvo a cargo de la {whole} y de la Guardia Fronteriza. La {unit} de la {whole} dirige "
            f"el Proyecto Halcón, que desde 2021 ha revisado los libros de 1,320 armerías del estado, según la agencia.")
    assert is_body(credited(extract_es(text), 1320), whole)
