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
