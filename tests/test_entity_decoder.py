"""The entity decoder (extract/entity_decoder.py) writes exactly what the model's own NER pipe
writes: every token's entity IOB, type and KB id, on a generated grid of invented sentences that
reach each of the decoder's paths (entities the ruler set before the NER, with labels the model
never saw; entities longer than one scored run; sentence ends and white space inside would-be
entities; empty and one-token docs), in batches of every size the pipe splits."""

from __future__ import annotations

import itertools

import pytest
from spacy.attrs import ENT_IOB, ENT_KB_ID, ENT_TYPE
from spacy.tokens import Doc

from extract.entity_decoder import RUN, EntityDecoder

NAMES = ["Ordaz Vell", "the Tamsin Bureau", "Operation Quiet Harbor", "the Corvan Valley Drug Cartel",
         "Lieutenant Governor Mara Ellison Quade of Tamsin County", "Reuters"]
FRAMES = [
    "{name} said on Monday, March 3, 2025, that 1,200 rifles worth $4.5 million crossed into Mexico.",
    "{name}\n\n{name}  and   {name} met in El Paso, Texas.",
    "According to {name}. Smuggling rose 68% in the first nine months of 2024",
    "Guns",
    "",
    "{name} {name} {name}",
    "The Bureau of Alcohol, Tobacco, Firearms and Explosives of the United States Department of Justice "
    "and {name} of the Republic of Tamsin Free and Sovereign Federation of Corvan said so.",
]
SPANISH_NAMES = ["la Fiscalía General de Ocampo", "Ana Ruiz Montes", "la Secretaría de la Defensa Nacional", "Reuters"]
SPANISH = [
    "{name} dijo el lunes 3 de marzo de 2025 que 18 mil armas cruzaron a México desde Texas.",
    "Según {name}, en Ciudad Juárez, Chihuahua.\n\n{name}  y  {name}",
    "{name}",
]
WRITTEN = [ENT_IOB, ENT_TYPE, ENT_KB_ID]


def texts(frames: list[str], names: list[str]) -> list[str]:
    return [frame.format(name=name) for frame, name in itertools.product(frames, names)]


def same_as_the_model(nlp, sentences: list[str]) -> tuple[int, int, int]:
    """Runs the pipeline up to the NER, then the model's pipe and the decoder on copies of the docs
    in batches of 1, 3 and 16; returns the tokens, entities and longest entity compared."""
    decoder = nlp.get_pipe("ner")
    assert isinstance(decoder, EntityDecoder) and decoder.decodes()
    before = nlp.pipe_names[:nlp.pipe_names.index("ner")]
    with nlp.select_pipes(enable=before):
        docs = list(nlp.pipe(sentences))
    tokens = entities = longest = 0
    for batch_size in (1, 3, 16):
        by_model = list(decoder.ner.pipe([Doc(nlp.vocab).from_bytes(d.to_bytes()) for d in docs], batch_size=batch_size))
        by_decoder = list(decoder.pipe([Doc(nlp.vocab).from_bytes(d.to_bytes()) for d in docs], batch_size=batch_size))
        for theirs, mine in zip(by_model, by_decoder, strict=True):
            assert (mine.to_array(WRITTEN) == theirs.to_array(WRITTEN)).all(), \
                f"{[(e.text, e.label_) for e in mine.ents]} != {[(e.text, e.label_) for e in theirs.ents]} in {mine.text!r}"
            tokens += len(mine)
            entities += len(mine.ents)
            longest = max([longest] + [len(e) for e in mine.ents])
    one = Doc(nlp.vocab).from_bytes(docs[0].to_bytes())
    assert decoder(one).to_array(WRITTEN).tolist() == decoder.ner(Doc(nlp.vocab).from_bytes(docs[0].to_bytes())).to_array(WRITTEN).tolist()
    return tokens, entities, longest


def test_english_entities_are_the_models(nlp):
    tokens, entities, longest = same_as_the_model(nlp, texts(FRAMES, NAMES))
    assert tokens > 1500 and entities > 300
    assert longest > RUN  # an entity longer than one scored run was stepped past it


def test_spanish_entities_are_the_models():
    from claimgraph.settings import SPACY_MODELS
    from extract.pipeline import shared_nlp

    tokens, entities, _ = same_as_the_model(shared_nlp(SPACY_MODELS["es"]), texts(SPANISH, SPANISH_NAMES))
    assert tokens > 400 and entities > 80


def test_ruler_labels_the_model_never_saw_are_kept_and_the_model_reads_on(nlp):
    """The ruler's AGENCY is no label of the model's: spaCy adds it as an unseen class, which only
    wins where nothing else may; the entities after it are still found."""
    doc = nlp("The Tamsin Bureau and the Bureau of Alcohol, Tobacco, Firearms and Explosives said "
              "Mara Quade flew to Chicago on Monday.")
    labels = {e.text: e.label_ for e in doc.ents}
    assert labels.get("Bureau of Alcohol, Tobacco, Firearms and Explosives") == "AGENCY"
    assert labels.get("Chicago") == "GPE" and labels.get("Monday") == "DATE"


def test_a_model_it_does_not_know_is_left_to_its_own_pipe(nlp):
    decoder = nlp.get_pipe("ner")
    other = EntityDecoder(decoder.ner)
    beam = dict(decoder.ner.cfg)
    try:
        decoder.ner.cfg["beam_width"] = 4
        assert not other.decodes()
    finally:
        decoder.ner.cfg.clear()
        decoder.ner.cfg.update(beam)
    assert other.decodes()


@pytest.mark.parametrize("text", ["", " ", "\n\n", "Mexico", "ATF ATF", "U.S."])
def test_short_docs(nlp, text):
    decoder = nlp.get_pipe("ner")
    before = nlp.pipe_names[:nlp.pipe_names.index("ner")]
    with nlp.select_pipes(enable=before):
        doc = nlp(text)
    theirs = decoder.ner(Doc(nlp.vocab).from_bytes(doc.to_bytes()))
    mine = decoder(Doc(nlp.vocab).from_bytes(doc.to_bytes()))
    assert mine.to_array(WRITTEN).tolist() == theirs.to_array(WRITTEN).tolist()
