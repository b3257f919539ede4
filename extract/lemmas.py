"""The pipeline's lemmatizer, asked once per kind of token.

spaCy's rule lemmatizer reads a token's form, POS and morphology (the Spanish one also whether it
starts a sentence) and keeps what it found in a cache, but it is still called from Python for
every token. Here it is called for the first token of each kind (form, POS, morphology, sentence
start) and the lemma kept; the others get it as one array. A token whose lemma is already set (the
attribute rules' exceptions) keeps it, as with the lemmatizer's own `overwrite: false`."""

from __future__ import annotations

import numpy
from spacy.attrs import LEMMA, MORPH, ORTH, POS, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from .components import bounded

KIND = [ORTH, POS, MORPH, SENT_START, LEMMA]  # what a lemmatizer reads, then the lemma already set
READS_ONE_TOKEN = ("rule", "lookup", "pos_lookup")  # modes whose lemma is a function of the token's kind


class CompiledLemmatizer:
    def __init__(self, lemmatizer):
        self.lemmatizer = lemmatizer
        self.lemma_of_kind: dict[tuple, int] = {}
        self.checked = False  # the first doc goes through the model's own lemmatizer: it checks its tables

    def __call__(self, doc: Doc) -> Doc:
        if not self.checked or self.lemmatizer.mode not in READS_ONE_TOKEN or self.lemmatizer.overwrite:
            self.checked = True
            return self.lemmatizer(doc)
        rows = doc.to_array(KIND).tolist()
        lemmas = [row[4] for row in rows]
        strings, known = doc.vocab.strings, bounded(self.lemma_of_kind)
        for i, row in enumerate(rows):
            if row[4]:
                continue
            kind = tuple(row[:4])
            lemma = known.get(kind)
            if lemma is None:
                lemma = known[kind] = strings.add(self.lemmatizer.lemmatize(doc[i])[0])
            lemmas[i] = lemma
        doc.from_array([LEMMA], numpy.asarray(lemmas, dtype=numpy.uint64))
        return doc


@Language.factory("claimgraph_lemmas", assigns=["token.lemma"], requires=["token.pos"],
                  default_config={"lemmatizer": "model_lemmatizer"})
def make_lemmas(nlp: Language, name: str, lemmatizer: str):
    """The pipe named `lemmatizer` (the model's), asked once per kind of token; build_nlp puts it in its place."""
    return CompiledLemmatizer(nlp.get_pipe(lemmatizer))
