"""The headed-mention component: programmes and criminal groups that the text names by a head noun
and its modifiers, without capitals ("outbound inspections", "ICE-led task forces", "Mexican drug
cartels"), and people the NER missed, known by a title ("Secretary of Defense Ana Ruiz"). Read
from the parse; the head words and titles are data (extract/data/mention_heads.yaml)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .components import doc_text, span_text
from .entities import Mention
from .lexicon import load
from .names import alias_table, entity_key, leading_body_words, loose_key
from .records import Entity

MODIFIER_DEPS = {"amod", "compound", "nmod", "npadvmod"}


@dataclass(frozen=True)
class HeadKind:
    type: str
    heads: frozenset[str]
    compound_heads: frozenset[tuple[str, str]]
    empty: frozenset[str]
    refused: frozenset[str]
    marks: frozenset[str]
    no_mark_needed: frozenset[str]
    agent_participles: frozenset[str]
    per_article: bool

    @classmethod
    def from_lexicon(cls, entry: dict, per_article: bool) -> "HeadKind":
        return cls(entry["type"], frozenset(entry["heads"]),
                   frozenset(tuple(h.split()) for h in entry.get("compound_heads", [])),
                   frozenset(entry.get("empty_modifiers", [])), frozenset(entry.get("refused_modifiers", [])),
                   frozenset(entry.get("marks", [])), frozenset(entry.get("no_mark_needed", [])),
                   frozenset(entry.get("agent_participles", [])), per_article)


def _modifiers(head: Token, taken: set[int], weak: set[int], agent_participles: frozenset[str]) -> list[Token]:
    """The head's modifiers written right before it, nearest first, stopping at a name already
    found (the agency in "CBP's outbound inspections"), a determiner or a number."""
    found: list[Token] = []
    i = head.i - 1
    while i >= head.sent.start:
        token = head.doc[i]
        if token.i in taken - weak or token.dep_ in ("det", "poss", "case", "nummod", "predet") or token.like_num:
            break
        if token.text in ("-", "–") or token.dep_ in MODIFIER_DEPS or token.head.i in {head.i, *(t.i for t in found)}:
            if token.text not in ("-", "–"):
                found.append(token)
            i -= 1
            continue
        break
    # "ICE-led": the agency and its "led" belong to the relation, not to the activity's name
    while found and found[-1].lower_ in agent_participles:
        found.pop()
    return found


def activity_words(span: Span) -> tuple[str, frozenset[str]]:
    """An activity's head lemma and the lemmas of its other words, to tell near-identical names. The
    head is the span's last word, as the finder made it: the parse's root of the span may be a
    modifier when the name itself modifies a noun ('a structured outbound inspection program')."""
    head = span[-1]
    return head.lemma_.lower(), frozenset(t.lemma_.lower() for t in span[:-1] if not t.is_punct and t.dep_ != "det")


def one_entity_per_activity(found: list[Mention]) -> None:
    """Near-identical activities of one article are one entity: a name that says what another says
    and more ('comprehensive outbound inspection', 'outbound inspections') is the shorter one, the
    same head with fewer words; names neither holds ('routine inspection') stay apart."""
    activities = [m for m in found if m.entity.type == "Activity"]
    words = {id(m): activity_words(m.span) for m in activities}
    by_size = sorted(activities, key=lambda m: (len(words[id(m)][1]), m.span.start))
    for mention in activities:
        head, own = words[id(mention)]
        core = next(m for m in by_size if words[id(m)][0] == head and words[id(m)][1] <= own)
        if core is not mention:
            core.entity.aliases.update(mention.entity.aliases)
            mention.entity = core.entity


def named_group(group: Entity, entities: dict[str, Entity]) -> Entity:
    """A criminal group the text also names with capitals ('Transnational Criminal Organizations
    (TCOs)' and 'transnational criminal organizations'): one entity, typed by what its words say,
    a criminal group. A known name of the alias table keeps its own type."""
    if group.type != "CriminalOrganization":
        return group
    for entity in entities.values():
        if entity.type in ("Organization", "CriminalOrganization") and loose_key(entity.label) == loose_key(group.label):
            if entity.key not in alias_table():
                entity.type = "CriminalOrganization"
            entity.aliases.update(group.aliases)
            return entity
    return group


class HeadedMentionFinder:
    def __init__(self, doc: Doc, kinds: list[HeadKind]):
        self.doc = doc
        self.kinds = kinds
        self.heads = frozenset().union(*(kind.heads for kind in kinds))
        self.compound_heads = frozenset().union(*(kind.compound_heads for kind in kinds))
        self.taken = {i for m in doc._.cg_mentions or [] for i in range(m.span.start, m.span.end)}
        # one word the NER guessed was an organisation or a nationality ("Guatemalan"): a modifier
        self.weak = {m.span.start for m in doc._.cg_mentions or [] if len(m.span) == 1
                     and (m.span[0].ent_type_ == "NORP" or m.entity.type == "Organization" and m.span[0].pos_ in ("ADJ", "PROPN"))}
        self.article = hashlib.sha256(doc_text(doc).encode()).hexdigest()[:8]

    def mention(self, head: Token) -> Mention | None:
        if head.pos_ not in ("NOUN", "PROPN") or head.i in self.taken:
            return None
        lemma = head.lemma_.lower()
        before = head.doc[head.i - 1].lower_ if head.i > 0 else ""
        if lemma not in self.heads and (before, lemma) not in self.compound_heads:
            return None  # no kind's head: the kinds below would all pass it by
        for kind in self.kinds:
            compound = (before, lemma) in kind.compound_heads and head.i - 1 not in self.taken
            if lemma not in kind.heads and not compound:
                continue
            modifiers = _modifiers(head, self.taken, self.weak, kind.agent_participles)
            words = {t.lower_ for t in modifiers}
            if compound:
                modifiers = [t for t in modifiers if t.i != head.i - 1]
            described = [t for t in modifiers if t.lower_ not in kind.empty and t.pos_ != "PRON"]
            if words & kind.refused:
                return None
            if kind.marks and not (words & kind.marks or lemma in kind.no_mark_needed and described):
                return None
            if not described and not compound and not self.framed(head):
                return None
            if self.names_a_named_thing(head):
                return None
            start = min([t.i for t in described] + ([head.i - 1] if compound else [head.i]))
            span = Span(self.doc, start, head.i + 1, label=kind.type)
            return Mention(self.entity(kind, span), span)
        return None

    def framed(self, head: Token) -> bool:
        """A bare head that the sentence ties to a named agent: "a strategy pursued by ATF"."""
        for child in head.children:
            by = [child] if child.dep_ == "prep" and child.lower_ == "by" else \
                [g for g in child.children if g.dep_ == "agent"] if child.dep_ == "acl" else []
            if any(g.i in self.taken for b in by for o in b.children if o.dep_ == "pobj" for g in o.subtree):
                return True
        return False

    def names_a_named_thing(self, head: Token) -> bool:
        """'Project Gunrunner, ATF's primary mechanism': the head is the named operation again."""
        related = [head.head] if head.dep_ == "appos" else []
        related += [c for c in head.children if c.dep_ == "appos"]
        return any(t.i in self.taken for t in related)

    def entity(self, kind: HeadKind, span: Span) -> Entity:
        label = span_text(span)
        # the words as written, the head as its lemma: 'outbound inspections' and 'outbound
        # inspection' are one; a modifier's lemma can be a cut word ('gunrunning' -> 'gunrunne')
        name = " ".join([*(t.lower_ for t in span[:-1]), span[-1].lemma_.lower()])
        key = entity_key(name, scope=self.article if kind.per_article else None)
        return Entity(key=key, label=label, type=kind.type, aliases={label})


@dataclass(frozen=True)
class PersonCues:
    titles: frozenset[str]
    reach: int
    office_words: frozenset[str]


def _name_runs(doc: Doc) -> list[Span]:
    """Runs of two to six capitalised proper nouns: the shape of a person's full name."""
    runs, start = [], None
    for token in [*doc, None]:
        capitalised = token is not None and token.pos_ == "PROPN" and token.text[:1].isupper() and token.is_alpha \
            and not (token.is_upper and len(token) > 1)
        if capitalised and start is None:
            start = token.i
        elif not capitalised and start is not None:
            end = token.i if token is not None else len(doc)
            if 2 <= end - start <= 6:
                runs.append(doc[start:end])
            start = None
    return runs


def _titled(run: Span, cues: PersonCues) -> str | None:
    """The title that names run as a person: before it ('Secretary of Defense ...') or in
    apposition after it ('..., the former candidate for ...')."""
    doc, i, seen = run.doc, run.start - 1, 0
    while i >= run.sent.start and seen <= cues.reach:
        token = doc[i]
        if token.lower_ in cues.titles:
            return token.lower_
        if not (token.text[:1].isupper() or token.lower_ in ("of", "the", "for", "'s", "’s", "former", "acting")):
            break
        i, seen = i - 1, seen + 1
    for child in run.root.children:
        if child.dep_ == "appos" and child.lemma_.lower() in cues.titles:
            return child.lemma_.lower()
    return None


def titled_people(doc: Doc, cues: PersonCues) -> list[Mention]:
    """People the NER missed or took for an organisation, found by a title. A guessed organisation
    that the name ends ('Defense Salvador ...' after 'Secretary of') gives way to the person."""
    by_token = {i: m for m in doc._.cg_mentions or [] for i in range(m.span.start, m.span.end)}
    found = []
    for run in _name_runs(doc):
        while len(run) > 2 and (run[0].lower_ in cues.office_words or run[0].lower_ in cues.titles):
            # "(Secretary of) Defense Ana Ruiz", "President Ana Ruiz": the title is not the name
            run = doc[run.start + 1:run.end]
        # "(Director of) Field Operations Hector": the end of a known body's name is not the name either
        run = doc[run.start + leading_body_words([t.text for t in run]):run.end]
        if len(run) < 2:
            continue
        held = [by_token[i] for i in range(run.start, run.end) if i in by_token]
        if {m.entity.type for m in held} - {"Organization", "Person"} or _titled(run, cues) is None:
            continue
        if any(m.entity.type == "Person" and m.span.start == run.start and m.span.end == run.end for m in held):
            continue  # the NER has this very name already
        name = span_text(run)
        found.append(Mention(Entity(key=entity_key(name), label=name, type="Person", aliases={name}), run))
    return found


def find_headed_mentions(doc: Doc, kinds: list[HeadKind], people: PersonCues | None = None) -> Doc:
    if people is not None:
        named = titled_people(doc, people)
        covered = {i for m in named for i in range(m.span.start, m.span.end)}
        before = doc._.cg_mentions or []
        doc._.cg_mentions = sorted([m for m in before if not covered & set(range(m.span.start, m.span.end))]
                                   + named, key=lambda m: m.span.start)
        entities = doc._.cg_entities if doc._.cg_entities is not None else {}
        # a guessed organisation the person's name ended ('Defense Salvador Cienfuegos') is gone with its mention
        still_named = {m.entity.key for m in doc._.cg_mentions}
        for displaced in {m.entity.key for m in before} - still_named:
            if entities.get(displaced) is not None and entities[displaced].type == "Organization":
                del entities[displaced]
        for mention in named:
            mention.entity = entities.setdefault(mention.entity.key, mention.entity)
        doc._.cg_entities = entities
    finder = HeadedMentionFinder(doc, kinds)
    found: list[Mention] = []
    for token in doc:
        mention = finder.mention(token)
        if mention is not None:
            found.append(mention)
            finder.taken.update(range(mention.span.start, mention.span.end))
    one_entity_per_activity(found)
    inside = {i for m in found for i in range(m.span.start, m.span.end)}
    # a nationality the NER took for a name is part of the group it describes ("Guatemalan drug cartels")
    kept_mentions = [m for m in doc._.cg_mentions or [] if not set(range(m.span.start, m.span.end)) <= inside]
    entities = doc._.cg_entities if doc._.cg_entities is not None else {}
    for mention in found:
        mention.entity = named_group(mention.entity, entities)
        kept = entities.setdefault(mention.entity.key, mention.entity)
        kept.aliases.update(mention.entity.aliases)
        mention.entity = kept
    doc._.cg_entities = entities
    doc._.cg_mentions = sorted([*kept_mentions, *found], key=lambda m: m.span.start)
    return doc


@Language.factory("claimgraph_headed_mentions", assigns=["doc._.cg_mentions", "doc._.cg_entities"],
                  requires=["doc._.cg_mentions", "token.dep", "token.lemma", "token.tag"],
                  default_config={"lexicon": "mention_heads"})
def make_headed_mention_finder(nlp: Language, name: str, lexicon: str):
    """Adds activities and criminal groups named by their head noun to doc._.cg_mentions."""
    heads = load(lexicon)
    kinds = [HeadKind.from_lexicon(heads["activity"], per_article=True),
             HeadKind.from_lexicon(heads["group"], per_article=False)]
    people = PersonCues(frozenset(heads["person"]["titles"]), heads["person"]["title_reach"],
                        frozenset(heads["person"]["office_words"]))
    return lambda doc: find_headed_mentions(doc, kinds, people)
