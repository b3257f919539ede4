"""The sentence-boundary component: runs before the parser, so the parser respects the breaks."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .lexicon import load


@Language.factory("claimgraph_line_breaks", assigns=["token.is_sent_start"], default_config={"lexicon": "cues"})
def make_line_breaks(nlp: Language, name: str, lexicon: str):
    """A line break always ends a sentence: headlines, bylines and list items stand alone. So does
    an abbreviation followed by a sentence opener ('... back to the U.S. Without Project Thor')."""
    words = load(lexicon, nlp.lang)
    abbreviations, openers = set(words["abbreviations"]), set(words["sentence_openers"])
    dateline_ends = tuple(words.get("dateline_ends", []))  # "Villa Arroyo, Ocampo, a 3 de marzo de 2021.- La ..."

    def component(doc: Doc) -> Doc:
        for token in doc[1:]:
            before = doc[token.i - 1]
            if "\n" in before.text or "\n" in before.whitespace_:
                token.is_sent_start = True
            elif before.text in abbreviations and token.text in openers and before.whitespace_:
                token.is_sent_start = True
            elif dateline_ends and before.whitespace_ and doc[max(0, token.i - 2):token.i].text.endswith(dateline_ends):
                token.is_sent_start = True
        return doc
    return component
