"""Matching only the patterns a text can match (extract/anchors.py) finds what matching all of them
finds: the anchored entity ruler sets the entities of spaCy's EntityRuler with the same patterns,
and the relation finder's anchored DependencyMatcher lists the matches of the full one, in order,
on a generated grid of invented sentences that reach the patterns (programmes, task forces,
Spanish bodies, passives with an agent, run verbs with their subjects)."""

from __future__ import annotations

import itertools

import pytest
from spacy.attrs import LOWER
from spacy.pipeline import EntityRuler

from extract.anchors import anchors, required
from extract.entity_ruler import AnchoredEntityRuler
from extract.names import ruler_patterns

FRAMES = [
    "{body} launched {programme} in {year}, and {body} said it seized 40 rifles.",
    "{programme} was created by {body}; {body} leads it with the Tamsin Bureau.",
    "Under {programme}, {body} and the Corvan Police seized $2 million in cash.",
    "{body} and its partners signed an agreement to establish {programme}.",
    "La {body} puso en marcha el programa {programme} junto con la Marina en {year}.",
    "Según la Fiscalía de Ocampo, el Plan Ravel Seguro y la Fuerza de Tarea Velmar aseguraron 17 armas.",
]
BODIES = ["the Velmar Border Agency", "DEA", "Secretaría de Seguridad de Ocampo"]
PROGRAMMES = ["Operation Corvan Shield", "the Tamsin Safe Streets Initiative", "the Ravel Velmar Task Force",
              "Proyecto Frontera Tamsin", "the Ocampo Cartel"]
YEARS = ["2019", "March 2024"]


def grid() -> list[str]:
    return [frame.format(body=body, programme=programme, year=year)
            for frame, body, programme, year in itertools.product(FRAMES, BODIES, PROGRAMMES, YEARS)]


@pytest.fixture(scope="module")
def parsed(nlp):
    """The grid, through the pipes before the entity ruler."""
    names = nlp.pipe_names
    return list(nlp.pipe(grid(), disable=names[names.index("claimgraph_entity_ruler"):]))


def test_required_tokens_and_their_words(nlp):
    assert [required({"OP": op}) for op in (None, "+", "1", "{1,3}", "{2}", "?", "*", "!", "{0,2}", "{,2}")] == [
        True, True, True, True, True, False, False, False, False, False]
    pattern = [{"LOWER": {"IN": ["task"]}, "OP": "?"}, {"IS_TITLE": True, "OP": "+"}, {"lower": "force"},
               {"ORTH": {"NOT_IN": ["Velmar"]}}]
    assert anchors(pattern, nlp.vocab) == [(LOWER, frozenset({nlp.vocab.strings.add("force")}))]


def test_the_anchored_ruler_sets_the_entities_of_the_full_one(nlp, parsed):
    full = EntityRuler(nlp, "full_ruler", phrase_matcher_attr="ORTH", overwrite_ents=True)
    anchored = AnchoredEntityRuler(nlp, "anchored_ruler", phrase_matcher_attr="ORTH", overwrite_ents=True)
    for ruler in (full, anchored):
        ruler.add_patterns(ruler_patterns("en"))
    found = 0
    for doc in parsed:
        by_full = [(e.start, e.end, e.label_, e.ent_id_) for e in full(doc.copy()).ents]
        assert [(e.start, e.end, e.label_, e.ent_id_) for e in anchored(doc.copy()).ents] == by_full, doc.text
        found += sum(1 for *_, label, _ in by_full if label in ("OPERATION", "CRIMINAL_ORG", "AGENCY"))
    assert found > len(parsed)  # the token patterns matched: programmes, task forces, cartels, Spanish bodies


def test_the_anchored_dependency_matcher_lists_the_full_ones_matches(nlp):
    from extract.operations import PatternRelations, relation_patterns
    from extract.lexicon import load

    words = load("relations")
    relations = PatternRelations(nlp, relation_patterns("relation_patterns", words), words)
    matched = 0
    for doc in nlp.pipe(grid()):
        for sentence in doc.sents:
            matcher = relations.matcher_for(sentence)
            found = list(matcher(sentence)) if matcher is not None else []
            assert found == list(relations.matcher(sentence)), sentence.text
            matched += bool(found)
    assert matched > 20
