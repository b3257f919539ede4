"""The pipeline's attribute ruler (tag -> POS, morphology and lemma exceptions), compiled.

spaCy's AttributeRuler runs every one of its rules through a Matcher at every token: on
en_core_web_sm's 179 rules that cost a quarter of the whole pipeline's time (docs/architecture.md,
"Selective parsing"). Most rules read one token's tag, POS, lower-case form, dependency label alone, so
what they write depends on those only: it is worked out once per distinct kind of token and kept.
The other rules (eight of en_core_web_sm's, over two tokens) still go through a Matcher. Each
token then gets, for each attribute, the value of the last rule that matched it, as the
AttributeRuler's own order gives it: the output is the same, token for token (a test compares)."""

from __future__ import annotations

import re

from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, POS, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

from .anchors import AnchoredMatchers
from .components import bounded

KIND = (TAG, POS, LOWER, IS_SPACE, DEP)  # what a one-token rule may read: its output is worked out once per kind
KIND_NAMES = ("TAG", "POS", "LOWER", "IS_SPACE", "DEP")
WRITTEN = (TAG, POS, MORPH, LEMMA, DEP)  # token attributes, none lexical: written back as one array


def _holds(condition, value) -> bool:
    """One Matcher condition on one token attribute: a value, or a set/regex predicate."""
    if not isinstance(condition, dict):
        return value == condition
    for operator, argument in condition.items():
        if operator == "IN" and value not in argument or operator == "NOT_IN" and value in argument:
            return False
        if operator == "REGEX" and not re.search(argument, value):
            return False
    return True


def _one_token(patterns: list) -> bool:
    """True for a rule whose every pattern is one token read by its kind alone."""
    known = {"IN", "NOT_IN", "REGEX"}
    return all(len(p) == 1 and set(p[0]) <= set(KIND_NAMES)
               and all(not isinstance(c, dict) or set(c) <= known for c in p[0].values()) for p in patterns)


class CompiledAttributeRules:
    """Does what the given AttributeRuler does to a doc, with its one-token rules looked up."""

    def __init__(self, ruler):
        self.vocab = ruler.vocab
        self.ruler = ruler
        self.writes = [{attr: value for attr, value in attrs.items() if attr in WRITTEN} for attrs in ruler.attrs]
        self.compilable = all(len(w) == len(a) for w, a in zip(self.writes, ruler.attrs))
        # one-token rules by the tag or form they need (so a new kind is checked against few), else "any"
        self.one_token: dict[tuple[str, object], list[tuple[int, list]]] = {}
        longer: list[tuple[str, list[dict]]] = []  # the other rules' patterns, by the rule's number
        for number, rule in enumerate(ruler.patterns):
            if not (_one_token(rule["patterns"]) and rule["index"] in (0, -1)):
                longer += [(str(number), pattern) for pattern in rule["patterns"]]
                continue
            patterns = [p[0] for p in rule["patterns"]]
            bucket = next(((key, patterns[0][key]) for key in ("TAG", "POS", "LOWER")
                           if all(isinstance(p.get(key), str) for p in patterns)
                           and len({p[key] for p in patterns}) == 1), ("any", None))
            self.one_token.setdefault(bucket, []).append((number, patterns))
        self.indices = ruler.indices
        # a text is matched with the longer rules its words can match ("gon na" needs 'gon'; extract/anchors.py)
        self.longer = AnchoredMatchers(self.vocab, longer, lambda tokens: tokens, self._matcher)
        self.rules_of_kind: dict[tuple, tuple[int, ...]] = {}
        self.writes_of_rules: dict[tuple[int, ...], tuple] = {}

    def _matcher(self, patterns: list[tuple[str, list[dict]]]) -> Matcher:
        matcher = Matcher(self.vocab, validate=False)
        for number, pattern in patterns:
            matcher.add(number, [pattern])
        return matcher

    def _rules_of(self, kind: tuple) -> tuple[int, ...]:
        strings = self.vocab.strings
        token = {"TAG": strings[kind[0]], "POS": strings[kind[1]], "LOWER": strings[kind[2]],
                 "IS_SPACE": bool(kind[3]), "DEP": strings[kind[4]]}
        candidates = [rule for key in ("TAG", "POS", "LOWER") for rule in self.one_token.get((key, token[key]), ())]
        candidates += self.one_token.get(("any", None), [])
        return tuple(sorted(number for number, patterns in candidates
                            if any(all(_holds(c, token[key]) for key, c in p.items()) for p in patterns)))

    def _writes_of(self, rules: tuple[int, ...]) -> tuple:
        """(column, value) pairs: the last rule to write an attribute decides it."""
        final: dict[int, int] = {}
        for number in rules:
            final.update(self.writes[number])
        return tuple((WRITTEN.index(attr), value) for attr, value in final.items())

    def __call__(self, doc: Doc) -> Doc:
        if not self.compilable or not len(doc):  # a rule writing what this does not: spaCy's own ruler
            return self.ruler(doc)
        matched: dict[int, list[int]] = {}
        matcher = self.longer.for_text(doc)
        for match_id, start, end in matcher(doc, allow_missing=True, as_spans=False) if matcher is not None else ():
            number = int(self.vocab.strings[match_id])
            index = self.indices[number]
            target = (end + index) if index < 0 else (start + index)
            if not start <= target < end:
                return self.ruler(doc)  # a rule pointing outside its match: spaCy's own error message
            matched.setdefault(target, []).append(number)
        bounded(self.rules_of_kind)
        kinds = doc.to_array(list(KIND)).tolist()
        values = doc.to_array(list(WRITTEN))
        rows = values.tolist()
        changed = False
        for i, kind in enumerate(kinds):
            kind = tuple(kind)
            rules = self.rules_of_kind.get(kind)
            if rules is None:
                rules = self.rules_of_kind[kind] = self._rules_of(kind)
            if i in matched:
                rules = tuple(sorted({*rules, *matched[i]}))
            if not rules:
                continue
            writes = self.writes_of_rules.get(rules)
            if writes is None:
                writes = self.writes_of_rules[rules] = self._writes_of(rules)
            row = rows[i]
            for column, value in writes:
                row[column] = value
            changed = True
        if changed:
            values[:] = rows
            doc.from_array(list(WRITTEN), values)
        return doc


@Language.factory("claimgraph_attribute_rules", assigns=["token.pos", "token.tag", "token.morph", "token.lemma"],
                  requires=["token.tag"], default_config={"rules": "model_attribute_ruler"})
def make_attribute_rules(nlp: Language, name: str, rules: str):
    """The pipe named `rules` (the model's AttributeRuler), compiled; build_nlp puts this in its place."""
    return CompiledAttributeRules(nlp.get_pipe(rules))
