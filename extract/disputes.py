"""The disputes component: a source that contests a figure the text gives ("the Government of
Mexico disputes this figure", "the ministry called the estimate exaggerated", "officials said the
number is too low") -> Dispute records naming the disputing source and the figure it contests.

The contested figure is the nearest one before the verb in its sentence, else the last one of the
sentence before in the same paragraph; without one, or without a named source, nothing is made."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .components import doc_text, setter
from .discourse import Discourse, cue_words
from .evidence import whole_sentence
from .lexicon import load
from .records import Entity, TextSpan


@dataclass(frozen=True)
class DisputeLexicon:
    dispute_verbs: frozenset[str]
    judging_verbs: frozenset[str]
    judgements: tuple[str, ...]
    figure_nouns: frozenset[str]

    @classmethod
    @cache
    def from_file(cls, disputes: str = "disputes") -> "DisputeLexicon":
        lex = load(disputes)
        return cls(frozenset(lex["dispute_verbs"]), frozenset(lex["judging_verbs"]), tuple(lex["judgements"]),
                   frozenset(lex["figure_nouns"]))


@dataclass
class FoundDispute:
    source: Entity
    figure: int  # index into doc._.cg_figures
    cue: str  # the verb as written: "disputes", "called"
    evidence: TextSpan


def _names_a_figure(token: Token, lexicon: DisputeLexicon) -> bool:
    return token.lower_ in lexicon.figure_nouns or token.lemma_.lower() in lexicon.figure_nouns


def _judged(tokens, lexicon: DisputeLexicon) -> bool:
    words = " ".join(t.lower_ for t in tokens)
    return any(f" {judgement} " in f" {words} " for judgement in lexicon.judgements)


def _contested(verb: Token, lexicon: DisputeLexicon) -> bool:
    """Whether the verb contests a figure the text refers back to."""
    objects = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
    lemma = verb.lemma_.lower()
    if lemma in lexicon.dispute_verbs:
        return any(_names_a_figure(o, lexicon) for o in objects)
    if lemma not in lexicon.judging_verbs:
        return False
    # "called the figure exaggerated": the object named, the judgement beside it
    if any(_names_a_figure(o, lexicon) for o in objects):
        return _judged([t for c in verb.children if c.dep_ in ("oprd", "xcomp", "ccomp", "acomp", "dobj", "prep")
                        for t in c.subtree], lexicon)
    # "said the figure is too low": the clause's subject named, its complement the judgement
    for clause in (c for c in verb.children if c.dep_ in ("ccomp", "xcomp")):
        if any(_names_a_figure(s, lexicon) for s in clause.children if s.dep_ in ("nsubj", "nsubjpass")):
            return _judged(clause.subtree, lexicon)
    return False


def _figure_before(verb: Token, sentence: Span, starts: list[tuple[int, int]], doc: Doc) -> int | None:
    """The nearest figure before the verb in its sentence, else the last of the previous sentence
    of the paragraph: (figure index, first token) pairs in text order."""
    here = [n for n, start in starts if sentence.start <= start < verb.i]
    if here:
        return here[-1]
    if sentence.start == 0:
        return None
    previous = doc[sentence.start - 1].sent
    if "\n" in doc_text(doc)[previous.end_char:sentence.start_char]:
        return None
    before = [n for n, start in starts if previous.start <= start < previous.end]
    return before[-1] if before else None


def find_disputes(doc: Doc, lexicon: DisputeLexicon, cues: dict) -> list[FoundDispute]:
    figures = doc._.cg_figures or []
    if not figures:
        return []
    starts = [(n, found.tokens.start) for n, found in enumerate(figures)]
    discourse = Discourse(doc, cues)
    found: list[FoundDispute] = []
    for token in doc:
        if token.pos_ not in ("VERB", "AUX") or not _contested(token, lexicon):
            continue
        subjects = [c for c in token.children if c.dep_ == "nsubj"]
        if not subjects and token.dep_ in ("advcl", "xcomp", "conj"):  # "..., calling it exaggerated"
            subjects = [c for c in token.head.children if c.dep_ == "nsubj"]
        if not subjects:
            continue
        source, _ = discourse.entity_for(subjects[0])
        figure = _figure_before(token, token.sent, starts, doc)
        if source is None or figure is None:
            continue
        sentence = token.sent
        found.append(FoundDispute(source, figure, token.text, whole_sentence(doc_text(doc), sentence.start_char, sentence.end_char)))
    unique: dict[tuple[str, int], FoundDispute] = {}
    for dispute in found:  # "disputed the figure, calling it exaggerated": one dispute
        unique.setdefault((dispute.source.key, dispute.figure), dispute)
    return list(unique.values())


@Language.factory("claimgraph_disputes", assigns=["doc._.cg_disputes"],
                  requires=["doc._.cg_figures", "doc._.cg_mentions", "token.dep", "token.lemma"],
                  default_config={"disputes": "disputes", "cues": "cues"})
def make_dispute_finder(nlp: Language, name: str, disputes: str, cues: str):
    """Finds sources that contest a figure of the text (doc._.cg_disputes), with the lexicons the config names."""
    lexicon, words = DisputeLexicon.from_file(disputes), cue_words(cues)
    return setter("cg_disputes", lambda doc: find_disputes(doc, lexicon, words))


if not Doc.has_extension("cg_disputes"):
    Doc.set_extension("cg_disputes", default=None)
