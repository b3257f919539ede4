"""Acronyms defined in the text become aliases of the named body for the rest of the article (issue 27,
construction 5): '(UIF)', '(ATF, por sus siglas en inglés)', '(por sus siglas en inglés, HSI)', English
'(VBA)'; on grids of invented bodies through the real pipelines."""

from __future__ import annotations

import itertools

import pytest

from extract.names import defined_acronyms

# invented bodies: (the Spanish name, an acronym that spells it, one in another language that does not)
BODIES = [("Servicio de Control Fronterizo de Ocampo", "SCFO", "BCSO"),
          ("Agencia de Rastreo Balístico de Tlacolula", "ARBT", "TBTA"),
          ("Oficina de Investigaciones Aduaneras del Valle", "OIAV", "VCIO")]
FORMS = ["({a})", "({a}, por sus siglas en inglés)", "(por sus siglas en inglés, {a})", "({a}, por sus siglas en español)"]


@pytest.mark.parametrize("body, form", list(itertools.product(BODIES, FORMS)))
def test_a_glossed_or_spelled_acronym_names_the_body_before_it(body, form):
    name, spelled, foreign = body
    acronym = foreign if "inglés" in form else spelled  # an English acronym of a Spanish name spells nothing
    text = f"El director de la {name} {form.format(a=acronym)} informó."
    assert [(long, short) for long, short, *_ in defined_acronyms(text)] == [(name, acronym)], text


@pytest.mark.parametrize("text", ["El diputado Ramiro Quintanar (PRI) votó.", "La reunión (en inglés) fue breve.",
                                  "El Servicio de Control Fronterizo de Ocampo (XYZQ) respondió."])
def test_no_acronym_where_nothing_defines_one(text):
    assert defined_acronyms(text) == []


@pytest.fixture(scope="module")
def extract_es():
    from claimgraph.settings import SPACY_MODELS
    from extract.pipeline import extract, shared_nlp
    from extract.reader import article_from_text

    nlp = shared_nlp(SPACY_MODELS["es"])
    return lambda text: extract(article_from_text("nota.txt", text), nlp)


@pytest.mark.parametrize("body", BODIES)
def test_the_acronym_later_in_the_article_is_the_same_body(extract_es, body):
    name, _, foreign = body
    records = extract_es(f"Armas en la frontera\n\nLa {name} ({foreign}, por sus siglas en inglés) abrió una oficina en "
                         f"Villa Arroyo.\n\nEl {foreign} informó que 340 armas cruzaron la frontera en 2023.\n")
    [claim] = [c for c in records.claims if c.figure.value == 340]
    assert claim.source.entity.label == name and foreign in claim.source.entity.aliases


@pytest.mark.parametrize("written", ["Oficina de Alcohol, Tabaco, Armas de Fuego y Explosivos",
                                     "Oficina de Estados Unidos del Alcohol, Tabaco, Armas de Fuego y Explosivos"])
def test_a_known_bodys_spanish_name_with_its_english_acronym_is_that_body(extract_es, written):
    records = extract_es(f"Armas\n\nLa {written} (ATF, por sus siglas en inglés) visitó Villa Arroyo.\n\n"
                         "La ATF estimó que 340 armas cruzaron la frontera en 2023.\n")
    [claim] = [c for c in records.claims if c.figure.value == 340]
    assert claim.source.entity.key == "atf"
    assert not any(e.label.startswith("Oficina de Estados Unidos del") for e in records.entities)


def test_an_english_acronym_in_brackets_is_an_alias_too(extract_text):
    records = extract_text("Rifles\n\nThe Valdora Border Agency (VBA) opened an office.\n\nThe VBA said 340 rifles crossed "
                           "the border in 2023.\n")
    [claim] = [c for c in records.claims if c.figure.value == 340]
    assert claim.source.entity.label == "Valdora Border Agency"
