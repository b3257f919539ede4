"""Shared plumbing of the pipeline components."""

from __future__ import annotations

from typing import Callable

from spacy.tokens import Doc


def setter(extension: str, compute: Callable[[Doc], object]) -> Callable[[Doc], Doc]:
    """A component that stores compute(doc) in doc._.<extension>, registering the extension."""
    if not Doc.has_extension(extension):
        Doc.set_extension(extension, default=None)

    def component(doc: Doc) -> Doc:
        setattr(doc._, extension, compute(doc))
        return doc

    return component
