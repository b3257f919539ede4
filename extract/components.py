"""Shared plumbing of the pipeline components."""

from __future__ import annotations

from typing import Callable

from spacy.tokens import Doc, Span


def setter(extension: str, compute: Callable[[Doc], object]) -> Callable[[Doc], Doc]:
    """A component that stores compute(doc) in doc._.<extension>, registering the extension."""
    if not Doc.has_extension(extension):
        Doc.set_extension(extension, default=None)

    def component(doc: Doc) -> Doc:
        setattr(doc._, extension, compute(doc))
        return doc

    return component


# The compiled pipes keep what they worked out per kind of token; a worker that reads a year of
# coverage meets new word forms for ever, so past this many kinds the table starts again.
KINDS_KEPT = 200_000


def bounded(table: dict, limit: int = KINDS_KEPT) -> dict:
    """table, emptied first when it has grown past limit (a cache of what is cheap to work out again)."""
    if len(table) > limit:
        table.clear()
    return table


TEXT_KEY = "claimgraph_text"


def doc_text(doc: Doc) -> str:
    """The doc's text. Doc.text joins every token again on each call (a third of extraction
    time once); the text never changes after parsing, so it is kept on the doc."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def span_text(span: Span) -> str:
    """Span.text, cut from the kept doc text instead of joining the span's tokens again."""
    return doc_text(span.doc)[span.start_char:span.end_char]


SENTENCE_ENDS = (".", "!", "?", ":", "…")


def goes_on_from(before: Span, sentence: Span) -> bool:
    """The parser opened a sentence where none begins: on a comma or a lower-case word, after no
    full stop, in the same paragraph ('Según la Agencia X (AX) | , en 2024 se ...'). What the one
    before says (its source, its period) is said of this one too."""
    text = span_text(sentence).lstrip()
    between = doc_text(sentence.doc)[before.end_char:sentence.start_char]
    return bool(text) and (text[0].islower() or text[0] in ",;") and "\n" not in between \
        and "\n" not in span_text(before).strip() and not span_text(before).rstrip().endswith(SENTENCE_ENDS)
