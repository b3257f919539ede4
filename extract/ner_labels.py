"""Relabels a pipeline's named entities with the labels the components read (the English
pipeline's: PERSON, ORG, GPE ...), for a language whose pipeline was trained on other labels."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from .lexicon import load


@Language.factory("claimgraph_ner_labels", assigns=["doc.ents"], requires=["doc.ents"], default_config={"lexicon": "ner_labels"})
def make_ner_labels(nlp: Language, name: str, lexicon: str):
    labels = load(lexicon, nlp.lang)["labels"]

    def component(doc: Doc) -> Doc:
        doc.ents = [Span(doc, e.start, e.end, label=labels.get(e.label_, e.label_), span_id=e.id_)
                    for e in doc.ents if labels.get(e.label_, e.label_)]
        return doc
    return component
