"""The compiled attribute rules (extract/attribute_rules.py) and lemmatizer (extract/lemmas.py)
write exactly what the model's own pipes write: tag, POS, morphology, lemma and dependency label,
token for token, on a generated grid of invented sentences that reach every kind of the model's
rules (one-token tag maps, word exceptions, rules reading the dependency label, rules over two
tokens, spaces)."""

from __future__ import annotations

import itertools

import pytest
from spacy.tokens import Doc

NAMES = ["Ordaz Vell", "the Tamsin Bureau", "Corvan officials"]
VERBS = ["is", "are", "has", "had", "did", "does", "'s", "was"]
FRAMES = [
    "{name} {verb} not sure that 17 rifles were seized.",
    "{name} {verb} n't say if it was 40 or 50.",
    "There {verb} 3,000 rounds, but {name} said it ai n't so.",
    "I told {name} we 're gon na count them, and you got ta let 's see.",
    "{name}  said   y' all had nothin' to do with it,\n\nwhich is what that means.",
    "That {verb} what {name} wanted: do it because they have to, while I do.",
    "Which {verb} it? {name} gave it to me and to you since 2019.",
    "{name} saw the saw, left by the left door and found the found rifles; better leaves fell as {name} leaves.",
    "Found in 2019, the building {name} {verb} building rose as the rose wilted; Saw {name} the numbers?",
]
SPANISH = [
    "{name} dijo que se decomisaron 17 armas y no 40.",
    "Según {name}, hay 3.000 cartuchos  que  fueron asegurados en 2019.",
    "¿Cuántos son? {name} no lo sabe, pero lo dirá mañana.\n\nEso es todo.",
    "Con 40 armas llegó {name}. Y llegó Con Todo, Y Sin nada, Pero Con ellas.",
]
SPANISH_NAMES = ["la Fiscalía de Ocampo", "Ana Ruiz Montes", "los agentes de Corvania"]
WRITTEN = ("tag_", "pos_", "morph", "lemma_", "dep_")


def texts(frames: list[str], names: list[str], verbs: list[str]) -> list[str]:
    return [frame.format(name=name, verb=verb) for frame, name, verb in itertools.product(frames, names, verbs)]


def same_as_the_model(nlp, sentences: list[str], pipe: str = "attribute_ruler") -> int:
    """Runs the pipeline up to the pipe, then the model's and ours on copies; returns the tokens compared."""
    compiled = nlp.get_pipe(pipe)
    model = compiled.ruler if pipe == "attribute_ruler" else compiled.lemmatizer
    compiled = type(compiled)(model)  # nothing worked out yet
    before = nlp.pipe_names[:nlp.pipe_names.index(pipe)]
    with nlp.select_pipes(enable=before):
        docs = list(nlp.pipe(sentences))
    compared = 0
    for doc in docs:
        by_model = model(Doc(nlp.vocab).from_bytes(doc.to_bytes()))
        by_rules = compiled(Doc(nlp.vocab).from_bytes(doc.to_bytes()))
        for mine, theirs in zip(by_rules, by_model, strict=True):
            assert [str(getattr(mine, a)) for a in WRITTEN] == [str(getattr(theirs, a)) for a in WRITTEN], \
                f"{mine.text!r} in {doc.text!r}"
            compared += 1
    return compared


@pytest.mark.parametrize("pipe", ["attribute_ruler", "lemmatizer"])
def test_english_pipes_write_what_the_model_writes(nlp, pipe):
    assert [type(nlp.get_pipe(p)).__name__ for p in ("attribute_ruler", "lemmatizer")] == \
        ["CompiledAttributeRules", "CompiledLemmatizer"]
    assert same_as_the_model(nlp, texts(FRAMES, NAMES, VERBS), pipe) > 2000
    compiled = nlp.get_pipe("attribute_ruler")
    assert compiled.longer.patterns and compiled.rules_of_kind  # both paths were taken


@pytest.mark.parametrize("pipe", ["attribute_ruler", "lemmatizer"])
def test_spanish_pipes_write_what_the_model_writes(pipe):
    from claimgraph.settings import SPACY_MODELS
    from extract.pipeline import shared_nlp

    spanish = shared_nlp(SPACY_MODELS["es"])
    assert same_as_the_model(spanish, texts(SPANISH, SPANISH_NAMES, ["no", "hay", "son"]), pipe) > 150


def test_the_whole_pipeline_gives_the_models_lemmas(nlp):
    """Through nlp() as a build runs it: the lemmas the components read are the model's."""
    doc = nlp("Tamsin Bureau agents aren't sure they've counted 1,200 rifles; I'm told there were more.")
    assert [t.lemma_ for t in doc if t.text in ("are", "n't", "'ve", "'m", "were")] == ["be", "not", "have", "be", "be"]
    assert [t.pos_ for t in doc if t.text in ("are", "'ve", "'m")] == ["AUX", "AUX", "AUX"]


def test_the_compiled_pipes_tables_stay_bounded_and_give_the_same_lemmas_after_starting_again(nlp, monkeypatch):
    """A worker meets new word forms for ever: past KINDS_KEPT a table starts again, with the same output."""
    import extract.components as components

    text = "Guns\n\nThe Quillen Border Office said agents seized 340 rifles and 12 pistols in Villa Arroyo.\n"
    before = [(t.lemma_, t.pos_, t.tag_) for t in nlp(text)]
    tables = [nlp.get_pipe("lemmatizer").lemma_of_kind, nlp.get_pipe("attribute_ruler").rules_of_kind]
    limit = 40  # more kinds than one short text has
    monkeypatch.setattr(components.bounded, "__defaults__", (limit,))
    for table in tables:
        table.update({(-n, -1, -1, -1, -1): () for n in range(1, 2 * limit)})  # kinds no token has
    after = [(t.lemma_, t.pos_, t.tag_) for t in nlp(text)]
    assert after == before
    assert all(len(table) <= limit for table in tables), [len(t) for t in tables]
