"""Relabels a pipeline's named entities with the labels the components read (the English
pipeline's: PERSON, ORG, GPE ...), for a language whose pipeline was trained on other labels,
and trims what such a pipeline takes into a name at a sentence's start ("Según la Fiscalía")."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from .lexicon import load

LEADING_WORDS = ("ADP", "DET", "CCONJ", "SCONJ", "PUNCT", "SPACE")  # not part of a name
TRAILING_VERBS = ("VERB", "AUX")  # "Secretaría de Seguridad de Ocampo lideró": a lower-case verb ends no name
TRAILING_JOINERS = ("ADP", "DET", "CCONJ")  # "División de Campo de Villa Arroyo de la": nor does a lower-case "de la"


@Language.factory("claimgraph_ner_labels", assigns=["doc.ents"], requires=["doc.ents", "token.pos"],
                  default_config={"lexicon": "ner_labels", "types": "entity_types"})
def make_ner_labels(nlp: Language, name: str, lexicon: str, types: str):
    rules = load(lexicon, nlp.lang)
    labels, titles, person_parts = rules["labels"], set(rules.get("titles", [])), set(rules.get("person_parts", []))
    agency_words = set(load(types)["types"]["Agency"])

    def relabeled(span: Span) -> Span | None:
        label = labels.get(span.label_, span.label_)
        start = span.start
        while start < span.end and span.doc[start].pos_ in LEADING_WORDS:
            start += 1
        if label == "PERSON" and not span.id_:
            while start < span.end - 1 and span.doc[start].lower_ in titles:  # "Embajadora Quintanar": Quintanar
                start += 1
        end = span.end
        while end > start and span.doc[end - 1].pos_ in TRAILING_VERBS + TRAILING_JOINERS and span.doc[end - 1].is_lower:
            end -= 1
        if not label or start == end:
            return None
        words = span.doc[start:end]
        if label == "PERSON" and any(t.lower_ in agency_words for t in words):
            label = "ORG"  # "Fiscalía de Ocampo" is no person, whatever the sentence's start made of it
        elif label == "PERSON" and person_parts and not span.id_ and (
                words[0].pos_ != "PROPN" or any(t.pos_ not in person_parts for t in words)):
            return None  # "Ustedes", "Revisar Acuerdos": no name
        return Span(span.doc, start, end, label=label, span_id=span.id_)

    def component(doc: Doc) -> Doc:
        doc.ents = [s for s in map(relabeled, doc.ents) if s is not None]
        return doc
    return component
