"""Which of a matcher's patterns a text can match, by the words they need.

spaCy's Matcher and DependencyMatcher try every pattern at every token, and most of our patterns
cannot match most texts: 'Fuerza de Tarea ...' needs the word 'Fuerza', a passive's pattern a
token whose dependency is 'agent'. A pattern token that must be there (no OP, or '+', or '{n,m}'
with n >= 1; every node of a dependency pattern) and names its values (ORTH, LOWER, LEMMA, DEP,
POS, TAG: one value or an IN list) is an anchor: a text that has no token with one of those
values cannot match the pattern. A matcher of only the patterns whose anchors are all in a text
finds, in that text, what the matcher of all of them finds."""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Callable, Generic, Hashable, TypeVar

from spacy.attrs import DEP, LEMMA, LOWER, ORTH, POS, TAG
from spacy.tokens import Doc
from spacy.vocab import Vocab

ANCHOR_ATTRS = {"ORTH": ORTH, "TEXT": ORTH, "LOWER": LOWER, "LEMMA": LEMMA, "DEP": DEP, "POS": POS, "TAG": TAG}
MATCHERS_KEPT = 64  # matchers kept, one per set of patterns that some text could match

Anchor = tuple[int, frozenset]  # (attribute id, the values one of which a token must have)
M = TypeVar("M")


def required(token: dict) -> bool:
    """Whether a pattern token must match at least one token of a match."""
    op = next((v for k, v in token.items() if k.upper() == "OP"), None)
    if op is None or op in ("1", "+"):
        return True
    least = re.fullmatch(r"\{(\d+)(?:,\d*)?\}", op)
    return bool(least) and int(least.group(1)) >= 1


def anchors(tokens: list[dict], vocab: Vocab) -> list[Anchor]:
    """(attribute, values as the matcher stores them) for each required token of a pattern that
    names its values: [{"LOWER": "task"}, ...] -> [(LOWER, {hash('task')}), ...]."""
    found = []
    for token in tokens:
        if not required(token):
            continue
        for key, value in token.items():
            attr = ANCHOR_ATTRS.get(key.upper())
            if attr is None:
                continue
            if isinstance(value, (str, int)):
                values = [value]
            elif isinstance(value, dict) and any(k.upper() == "IN" for k in value):
                values = next(v for k, v in value.items() if k.upper() == "IN")
            else:
                continue
            found.append((attr, frozenset(vocab.strings.add(v) if isinstance(v, str) else v for v in values)))
    return found


def values_in(doc: Doc, attrs: list[int], start: int = 0, end: int | None = None) -> dict[int, set]:
    """attribute -> the values the tokens doc[start:end] have for it."""
    if not attrs:
        return {}
    table = doc.to_array(attrs)[start:end] if len(doc) else []
    return {attr: set(table[:, n].tolist()) if len(table) else set() for n, attr in enumerate(attrs)}


class AnchoredMatchers(Generic[M]):
    """Matchers of the patterns a text can match, made by make(list of (key, pattern)) in the
    patterns' own order, and kept for the next text that can match the same ones."""

    def __init__(self, vocab: Vocab, patterns: list[tuple[str, list[dict]]], tokens_of: Callable[[list], list[dict]],
                 make: Callable[[list[tuple[str, list]]], M]):
        self.patterns = patterns
        self.needs = [anchors(tokens_of(pattern), vocab) for _, pattern in patterns]
        self.attrs = sorted({attr for needs in self.needs for attr, _ in needs})
        self.make = make
        self.kept: OrderedDict[Hashable, M] = OrderedDict()

    def possible(self, present: dict[int, set]) -> tuple[int, ...]:
        """The indices of the patterns whose anchors are all among present's values."""
        return tuple(n for n, needs in enumerate(self.needs)
                     if all(not present[attr].isdisjoint(values) for attr, values in needs))

    def for_text(self, doc: Doc, start: int = 0, end: int | None = None) -> M | None:
        """A matcher of the patterns doc[start:end] can match; None when it can match none."""
        chosen = self.possible(values_in(doc, self.attrs, start, end))
        if not chosen:
            return None
        matcher = self.kept.get(chosen)
        if matcher is None:
            matcher = self.kept[chosen] = self.make([self.patterns[n] for n in chosen])
            if len(self.kept) > MATCHERS_KEPT:
                self.kept.popitem(last=False)
        else:
            self.kept.move_to_end(chosen)
        return matcher
