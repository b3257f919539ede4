"""Programme and team names in Spanish (issue 27, construction 3): a capitalised head from the entity
patterns' list, capitalised words joined by lower-case function words, ending at a capitalised word;
on a grid of invented names and frames through the real es pipeline, and a negative grid."""

from __future__ import annotations

import itertools

import pytest

NAMES = ["Equipo de Impacto contra el Crimen Tlacolulense", "Grupo de Coordinación para la Seguridad de Ocampo",
         "Operativo Frontera Arroyo", "Estrategia Regional de Seguridad Ocampeña", "Fuerza de Tarea Conjunta Río Verde",
         "Programa de Prevención y Combate al Tráfico de Armas", "Campaña Desarme Voluntario", "Proyecto Atalaya del Norte",
         "Iniciativa Mérida Arroyo", "Operación Cristal Roto"]
FRAMES = ["La Fiscalía de Ocampo anunció la creación del {name} en Villa Arroyo.",
          "En el marco del {name}, los agentes aseguraron 300 armas.",
          "Según el \"{name}\", los cruces bajaron.",
          "El {name} y la Secretaría de Marina revisaron 40 vehículos."]


@pytest.fixture(scope="module")
def es_nlp():
    from claimgraph.settings import SPACY_MODELS
    from extract.pipeline import shared_nlp

    return shared_nlp(SPACY_MODELS["es"])


@pytest.mark.parametrize("name, frame", list(itertools.product(NAMES, FRAMES)))
def test_a_spanish_programme_name_is_one_operation_ending_at_a_capitalised_word(es_nlp, name, frame):
    doc = es_nlp(frame.format(name=name))
    assert name in [e.text for e in doc.ents if e.label_ == "OPERATION"], [(e.text, e.label_) for e in doc.ents]
    entities = {m.entity.label: m.entity.type for m in doc._.cg_mentions}
    assert entities.get(name) == "Operation", entities


@pytest.mark.parametrize("text, swallowed", [
    ("El Plan de ayer fracasó en Villa Arroyo.", "Plan de ayer"),
    ("Equipo táctico de la Fiscalía de Ocampo aseguró 300 armas.", "Equipo táctico"),
    ("El equipo de Ramiro Quintanar Solís aseguró 300 armas.", "equipo de Ramiro"),
    ("Del Operativo Frontera Arroyo, Ramiro Quintanar Solís dijo que fue un éxito.", "Arroyo, Ramiro"),
    ("La Estrategia Regional de Seguridad y el Operativo Frontera Arroyo comenzaron.", "Seguridad y el Operativo"),
    ("Grupo armado atacó a los agentes en Villa Arroyo.", "Grupo armado"),
])
def test_a_programme_name_does_not_swallow_what_follows_it(es_nlp, text, swallowed):
    doc = es_nlp(text)
    assert not any(swallowed in e.text for e in doc.ents), [(e.text, e.label_) for e in doc.ents]


def test_a_known_bodys_name_with_a_programme_head_stays_that_body(es_nlp):
    doc = es_nlp("La Unidad de Inteligencia Financiera (UIF) detectó 300 depósitos.")
    assert {m.entity.key for m in doc._.cg_mentions} == {"uif"}


LOWER_HEAD_NAMES = ["Frontera Serena", "Aduana Tranquila", "Puente Claro del Norte", "Cielo Limpio"]
LOWER_HEADS = ["el programa", "el operativo", "el plan", "la estrategia", "la iniciativa"]
LOWER_HEAD_FRAMES = ["La Fiscalía de Ocampo anunció {head} {name} en Villa Arroyo.",
                     "Con {head} {name}, los agentes revisarán 40 camiones."]


@pytest.mark.parametrize("name, head, frame", list(itertools.product(LOWER_HEAD_NAMES, LOWER_HEADS, LOWER_HEAD_FRAMES)))
def test_a_name_after_a_lower_case_head_is_the_programme_without_its_head(es_nlp, name, head, frame):
    doc = es_nlp(frame.format(head=head, name=name))
    entities = {m.entity.label: m.entity.type for m in doc._.cg_mentions}
    assert entities.get(name) == "Operation", entities


@pytest.mark.parametrize("text", ["El programa de la Fiscalía de Ocampo revisó 40 camiones.",
                                  "El plan Ocampo fracasó en 2019.",
                                  "La estrategia que anunció Ramiro Quintanar Solís fracasó."])
def test_a_lower_case_head_without_a_name_of_two_capitalised_words_names_no_programme(es_nlp, text):
    doc = es_nlp(text)
    assert not [m.entity.label for m in doc._.cg_mentions if m.entity.type == "Operation"]


# Bodies named by a head word (entity construction 7): a government body as a sentence subject, a
# civil-society body after a person in apposition; heads and names invented
BODIES = [("Gabinete de Seguridad de Ocampo", "Agency"), ("Consejo Estatal de Vigilancia Fronteriza", "Agency"),
          ("Comité Ciudadano de Ocampo", "Agency"), ("Observatorio Ciudadano de Rifles", "Organization"),
          ("Fundación para la Paz Fronteriza", "Organization"), ("Colectivo Frontera Abierta", "Organization")]
BODY_FRAMES = ["El {name} aseguró 300 armas en 2025.",
               "La investigadora Marta Olvido Reyes, del {name}, considera que el cálculo se queda corto.",
               "Según el {name}, hay 300 armas sin registro."]


@pytest.mark.parametrize("body, frame", list(itertools.product(BODIES, BODY_FRAMES)))
def test_a_body_named_by_its_head_word_is_one_entity(es_nlp, body, frame):
    name, type_name = body
    doc = es_nlp(frame.format(name=name))
    entities = {m.entity.label: m.entity.type for m in doc._.cg_mentions}
    assert entities.get(name) == type_name, entities


# Construction 6, decided by the negative grid: a name never runs on over 'en' + a capitalised word.
# The small NER labels every such word a place ('en Sonora' and 'en Vuelo' alike), so nothing in the
# parse tells a name's own 'en' from the place it runs in; the place is far the commoner.
@pytest.mark.parametrize("place", ["Sonora", "Villa Arroyo", "Nuevo León", "Tijuana"])
def test_a_programme_name_stops_before_en_and_a_place(es_nlp, place):
    doc = es_nlp(f"La Guardia Nacional aseguró 40 rifles en la Operación Cierzo en {place}, detalló el general.")
    assert "Operación Cierzo" in [m.entity.label for m in doc._.cg_mentions if m.entity.type == "Operation"]


@pytest.mark.parametrize("owner", ["de la Secretaría de Hacienda", "de la Fiscalía de Ocampo", "del Gobierno de Quillén"])
def test_a_known_body_named_with_its_owner_stays_that_body_not_a_programme(es_nlp, owner):
    """A programme's name never runs on into the body it belongs to: 'la Unidad X de la Secretaría Y' is the unit."""
    from extract.pipeline import extract
    from extract.records import Article

    text = (f"Efectivo\n\nLa Unidad de Inteligencia Financiera {owner} informó que en 2024 se detectaron envíos "
            "por 3 mil millones de dólares.\n")
    records = extract(Article("t.txt", text, "x", text, language="es", outlet="Diario Quillén"), es_nlp)
    assert [c.source.entity.label for c in records.claims] == ["Financial Intelligence Unit (Mexico)"]
    assert not [e for e in records.entities if e.type == "Operation"]
