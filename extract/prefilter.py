"""What every match of a regex contains, so that a text without it is never searched.

The period and number grammars are long alternations of optional words, tried at every word of a
sentence; most sentences hold none of the words a given pattern cannot do without (a month name, a
year's '19'/'20', 'fiscal year'). A Prefilter reads those words off the compiled pattern itself, so
the grammar stays in its lexicon and the filter follows every edit of it. It only ever skips a
search that could not have matched: the output is the same with or without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

try:  # the standard library's regex parser; without it nothing is skipped
    from re import _constants as sre, _parser as sre_parse
except ImportError:  # pragma: no cover - Python < 3.11
    sre = sre_parse = None

DIGIT = r"\d"  # a requirement's alternative that is any decimal digit, not a literal string
# Letters whose case re.IGNORECASE equates with these but str.lower() does not ('İ' lowers to two
# characters; 'ı' and 'ſ' match 'i' and 's'): folded first, so that the filter never misses a match.
SPECIAL_FOLDS = str.maketrans({"İ": "i", "ı": "i", "ſ": "s"})
# The literal characters a requirement may hold: those whose case-insensitive matches are exactly
# their lower and upper case (after SPECIAL_FOLDS). Any other character ends a literal run.
FOLDABLE = frozenset("abcdefghijklmnopqrstuvwxyz0123456789 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~áéíóúüñ")
NEEDS_SPECIAL_FOLDS = re.compile("[İıſ]")
ANY_DIGIT = re.compile(r"\d")
MOST_REQUIREMENTS = 2  # the most selective requirements kept per pattern


def fold(text: str) -> str:
    """The text as the prefilters read it: lower case, each run of white space one space, and a
    space at either end (where the text may have had one: a required string may begin or end with it)."""
    if NEEDS_SPECIAL_FOLDS.search(text):
        text = text.translate(SPECIAL_FOLDS)
    return " " + " ".join(text.lower().split()) + " "


@dataclass(frozen=True)
class Prefilters:
    """The prefilters of a list of patterns. Each pattern has requirements, each a set of strings
    (or DIGIT), one of which every match of the pattern contains; a text that lacks one cannot match.
    Every string of every pattern is looked for once per text."""
    requirements: tuple[tuple[frozenset[str], ...], ...]  # per pattern; none: always searched
    meets: dict[str, frozenset[int]]  # a string -> the requirements (by number) it meets
    digit_meets: frozenset[int]  # the requirements a digit meets
    needs: tuple[frozenset[int], ...]  # per pattern: the numbers of its requirements

    def may_match(self, text: str) -> list[bool]:
        """Per pattern: whether it may match text (False: it cannot)."""
        folded = fold(text)
        met = set(self.digit_meets) if ANY_DIGIT.search(text) else set()
        for string, requirements in self.meets.items():
            if string in folded:
                met |= requirements
        return [needs <= met for needs in self.needs]


def prefilters(patterns: list[re.Pattern]) -> Prefilters:
    """The Prefilters of compiled str patterns, in their order."""
    requirements = tuple(_most_selective(pattern) for pattern in patterns)
    numbered = {alternatives: n for n, alternatives in enumerate(dict.fromkeys(r for each in requirements for r in each))}
    meets: dict[str, set[int]] = {}
    for alternatives, n in numbered.items():
        for string in alternatives:
            meets.setdefault(string, set()).add(n)
    digit_meets = frozenset(meets.pop(DIGIT, ()))
    return Prefilters(requirements, {string: frozenset(numbers) for string, numbers in meets.items()}, digit_meets,
                      tuple(frozenset(numbered[r] for r in each) for each in requirements))


def _most_selective(pattern: re.Pattern) -> tuple[frozenset[str], ...]:
    if sre_parse is None:
        return ()
    requirements = sorted(set(_requirements(sre_parse.parse(pattern.pattern, pattern.flags))),
                          key=lambda alternatives: (_selectivity(alternatives), sorted(alternatives)), reverse=True)
    return tuple(requirements[:MOST_REQUIREMENTS])


def _selectivity(alternatives: frozenset[str]) -> tuple[float, int]:
    """Longer strings are rarer; a digit is in nearly every sentence that holds a figure, but in
    fewer than any one letter is."""
    return min((1.5 if a == DIGIT else len(a) for a in alternatives), default=float("inf")), -len(alternatives)


def _requirements(items) -> list[frozenset[str]]:
    """For a parsed (sub)pattern, requirements that all hold of each of its matches; a requirement
    is a set of folded strings (or DIGIT), one of which the match contains."""
    found: list[frozenset[str]] = []
    run = ""  # the literal characters matched one after the other so far

    def end_run():
        nonlocal run
        if run.strip():
            found.append(frozenset({run}))
        run = ""

    for op, av in items:
        char = _one_char(op, av)
        if char is not None:
            if not (char == " " and run.endswith(" ")):  # fold() makes a run of spaces one
                run += char
            continue
        end_run()
        if op is sre.SUBPATTERN:
            found += _requirements(av[3])
        elif op is sre.ATOMIC_GROUP:
            found += _requirements(av)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            found += _requirements(av[2])
        elif op is sre.BRANCH:
            found += _either(av[1])
        elif op is sre.IN:
            found += [alternatives] if (alternatives := _character_set(av)) else []
        elif op is sre.ASSERT_NOT and not av[1]:  # (?!): never matches, nothing meets it
            found.append(frozenset())
        # anything else (an anchor, a look-around, an optional part, a wider class) requires nothing
    end_run()
    return found


def _either(branches) -> list[frozenset[str]]:
    """A match of one of the branches meets one requirement of the branch it matches: any choice
    of one requirement per branch, joined, is a requirement of the whole. The choices made: each
    branch's most selective, and those with one branch's second most selective instead."""
    ranked = [sorted(set(_requirements(branch)), key=_selectivity, reverse=True) for branch in branches]
    if not all(ranked):
        return []
    best = [requirements[0] for requirements in ranked]
    choices = [best] + [best[:n] + [requirements[1]] + best[n + 1:] for n, requirements in enumerate(ranked) if len(requirements) > 1]
    return list(dict.fromkeys(frozenset().union(*choice) for choice in choices))


def _one_char(op, av) -> str | None:
    """The folded character a single-character item always matches: a foldable literal, or a space
    for white space (one or more: fold() makes any run of it one space)."""
    if op is sre.LITERAL:
        char = chr(av).lower()
        return " " if char.isspace() else char if char in FOLDABLE else None
    if op is sre.IN and _is_space(av):
        return " "
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1 and len(av[2]) == 1:
        inner_op, inner_av = av[2][0]
        if inner_op is sre.IN and _is_space(inner_av) or inner_op is sre.LITERAL and chr(inner_av).isspace():
            return " "
    return None


def _is_space(items) -> bool:
    return list(items) in ([(sre.CATEGORY, sre.CATEGORY_SPACE)], [(sre.CATEGORY, sre.CATEGORY_UNI_SPACE)])


def _character_set(items) -> frozenset[str] | None:
    """One character of a set: its foldable literals, or any digit; None for a wider class."""
    if list(items) in ([(sre.CATEGORY, sre.CATEGORY_DIGIT)], [(sre.CATEGORY, sre.CATEGORY_UNI_DIGIT)]):
        return frozenset({DIGIT})
    chars = set()
    for op, av in items:
        if op is not sre.LITERAL or chr(av).lower() not in FOLDABLE or chr(av).isspace():
            return None
        chars.add(chr(av).lower())
    return frozenset(chars)
