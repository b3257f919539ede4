"""Relations across a nominal and the previous sentence (issue 27, construction 4): a programme set up
with nobody named in its sentence ('Una de estas medidas será la creación del Equipo X', 'Como parte del
acuerdo, se creará la Unidad Y') is set up by who made the measures pointed back to, else by the previous
sentence's subjects; precision first. Grids of invented bodies and programmes, real pipelines."""

from __future__ import annotations

import itertools

import pytest

BODIES = [("la Fiscalía de Ocampo", "Fiscalía de Ocampo"), ("la Secretaría de Marina", "Secretariat of the Navy (Mexico)"),
          ("la Procuraduría de Tlacolula", "Procuraduría de Tlacolula")]
PROGRAMMES = ["Unidad Antiarmas del Norte", "Equipo de Impacto contra el Crimen Tlacolulense", "Operativo Frontera Arroyo"]
# (previous sentence, continuing sentence, relation): {a} and {b} are bodies, {p} the programme
POSITIVE = [
    ("{A} y {b} firmaron un convenio en Villa Arroyo.", "Como parte del acuerdo, se creará la {p}.", "initiated"),
    ("El director revisó las propuestas hechas por {a} y {b} durante su reunión.",
     "Una de estas medidas será la creación de la {p}.", "initiated"),
    ("{A} y {b} anunciaron nuevas medidas.", "Una de estas medidas será la puesta en marcha de la {p}.", "initiated"),
    ("{A} y {b} acordaron reforzar la vigilancia.", "Como parte del acuerdo, se implementará la {p}.", "runs"),
]


def _cap(body: str) -> str:
    return body[0].upper() + body[1:]


@pytest.fixture(scope="module")
def extract_es():
    from claimgraph.settings import SPACY_MODELS
    from extract.pipeline import extract, shared_nlp
    from extract.reader import article_from_text

    nlp = shared_nlp(SPACY_MODELS["es"])
    return lambda text: extract(article_from_text("nota.txt", f"Acuerdo en la frontera\n\n{text}\n"), nlp)


def _relations(records, programme):
    return {(r.agent.label, r.relation) for r in records.relations if r.target.label == programme}


@pytest.mark.parametrize("frame, pair, programme", list(itertools.product(POSITIVE, itertools.permutations(BODIES, 2), PROGRAMMES)))
def test_a_continued_sentences_programme_is_set_up_by_the_previous_sentences_agents(extract_es, frame, pair, programme):
    previous, continuing, relation = frame
    (a, a_label), (b, b_label) = pair
    text = f"{previous.format(A=_cap(a), a=a, b=b)} {continuing.format(p=programme).replace('de la Equipo', 'del Equipo').replace('de la Operativo', 'del Operativo').replace('la Equipo', 'el Equipo').replace('la Operativo', 'el Operativo')}"
    assert _relations(extract_es(text), programme) == {(a_label, relation), (b_label, relation)}, text


@pytest.mark.parametrize("text", [
    # nothing points back: the previous sentence's bodies are not its agents
    "La Fiscalía de Ocampo y la Secretaría de Marina firmaron un convenio. Se creará la Unidad Antiarmas del Norte.",
    # two makers compete: the proposals of one, the measures of another
    "La Fiscalía de Ocampo revisó las propuestas de la Secretaría de Marina y las medidas de la Procuraduría de "
    "Tlacolula. Una de estas medidas será la creación de la Unidad Antiarmas del Norte.",
    # a criminal group is nobody's agent
    "El Cártel de Ocampo amplió sus rutas. Una de estas medidas será la creación del Grupo Halcón del Norte.",
    # an agent named in the sentence: its own frames decide, not the previous sentence
    "La Fiscalía de Ocampo firmó un convenio. Como parte del acuerdo, la Secretaría de Marina informó sobre la Unidad "
    "Antiarmas del Norte.",
    # the continuing sentence ends a programme: no set-up
    "La Fiscalía de Ocampo y la Secretaría de Marina firmaron un convenio. Como parte del acuerdo, terminó la Unidad "
    "Antiarmas del Norte.",
])
def test_no_agent_where_the_previous_sentence_gives_none_for_sure(extract_es, text):
    records = extract_es(text)
    assert not [r for r in records.relations if r.rule == "continued_programme"], [
        (r.agent.label, r.relation, r.target.label) for r in records.relations]


@pytest.mark.parametrize("previous, continuing", [
    ("The Valdora Border Agency and the Ocampo Harbor Police signed an agreement.",
     "As part of the agreement, Operation Kessel Shield will be launched."),
    ("The director reviewed the proposals made by the Valdora Border Agency and the Ocampo Harbor Police.",
     "One of these measures is the creation of Operation Kessel Shield."),
])
def test_the_same_in_english(extract_text, previous, continuing):
    records = extract_text(f"Agreement\n\n{previous} {continuing}\n")
    assert _relations(records, "Operation Kessel Shield") == {("Valdora Border Agency", "initiated"),
                                                              ("Ocampo Harbor Police", "initiated")}
