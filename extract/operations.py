"""The operations component: who runs, leads, launched or partners in an operation, and which
agency a person works for. Built on the parse and the entity mentions, never on names."""

from __future__ import annotations

from functools import cache

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .entities import Mention
from .lexicon import load
from .records import Entity, Relation, TextSpan

AGENT_TYPES = {"Agency", "Person", "Organization", "Country"}


@cache
def _lexicon():
    lex = load("relations")
    return lex["run_verbs"], set(lex["program_nouns"]), set(lex["role_words"])


def _evidence(sentence: Span) -> TextSpan:
    text = sentence.text
    stripped = text.strip()
    start = sentence.start_char + (len(text) - len(text.lstrip()))
    return TextSpan(start, start + len(stripped), stripped)


class RelationFinder:
    def __init__(self, doc: Doc):
        self.doc = doc
        self.mentions: list[Mention] = sorted(doc._.cg_mentions or [], key=lambda m: m.span.start)
        self.by_token: dict[int, Mention] = {i: m for m in self.mentions for i in range(m.span.start, m.span.end)}
        self.relations: list[Relation] = []
        self.seen: set[tuple[str, str, str]] = set()

    def add(self, agent: Entity, relation: str, target: Entity, sentence: Span) -> None:
        if agent.key == target.key:
            return
        triple = (agent.key, relation, target.key)
        if triple not in self.seen:
            self.seen.add(triple)
            self.relations.append(Relation(agent, relation, target, _evidence(sentence)))

    def agent_of(self, token: Token, before: int) -> Entity | None:
        """The agent a subject token names; 'its'/'their'/'we' go back to the latest agency."""
        mention = self.by_token.get(token.i)
        if mention is None:
            for t in token.subtree:
                if t.i in self.by_token and self.by_token[t.i].entity.type in AGENT_TYPES:
                    mention = self.by_token[t.i]
                    break
        if mention is not None and mention.entity.type in AGENT_TYPES:
            return mention.entity
        if token.lower_ in ("its", "their", "it", "they", "we", "our", "he", "she", "his", "her"):
            wanted = {"Person"} if token.lower_ in ("he", "she", "his", "her") else {"Agency", "Organization"}
            for m in reversed(self.mentions):
                if m.span.end <= before and m.entity.type in wanted:
                    return m.entity
        return None

    def operations(self, sentence: Span) -> None:
        run_verbs, program_nouns, _ = _lexicon()
        for mention in [m for m in self.mentions if sentence.start <= m.span.start < sentence.end]:
            if mention.entity.type != "Operation":
                continue
            span = mention.span
            # "DEA Special Operations Division Project Thor", "ATF's Project Gunrunner", "its Project Gunrunner"
            if span.start > sentence.start:
                before = self.doc[span.start - 1]
                if before.lower_ in ("'s", "’s") and span.start - 2 >= sentence.start:
                    before = self.doc[span.start - 2]
                agent = self.agent_of(before, span.start) if before.i in self.by_token or before.lower_ in ("its", "their") else None
                if agent is not None and agent.type in ("Agency", "Organization"):
                    self.add(agent, "runs", mention.entity, sentence)
            root = span.root
            # "Operation Southbound, an ATF initiative"
            for child in root.children:
                if child.dep_ == "appos" and child.lemma_.lower() in program_nouns:
                    for t in child.subtree:
                        m = self.by_token.get(t.i)
                        if m is not None and m.entity.type in ("Agency", "Organization"):
                            self.add(m.entity, "runs", mention.entity, sentence)
                            break
            # "Demlein led ... Project Thor", "HSI will establish the ... Project", "to fortify its Project Gunrunner"
            head = root
            while head.dep_ in ("pobj", "prep", "dobj", "appos", "conj", "compound", "attr", "acl") and head.head is not head:
                head = head.head
                if head.pos_ == "VERB" and head.lemma_.lower() in run_verbs:
                    break
            if head.pos_ == "VERB" and head.lemma_.lower() in run_verbs:
                relation = run_verbs[head.lemma_.lower()]
                verb = head
                subjects = [c for c in verb.children if c.dep_ in ("nsubj",)]
                while not subjects and verb.dep_ in ("xcomp", "advcl", "conj", "acl", "relcl", "pcomp") and verb.head is not verb:
                    verb = verb.head
                    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
                    if verb.dep_ == "acl" or verb.dep_ == "relcl":
                        break
                agents = [g for c in head.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
                for subject in subjects + agents:
                    agent = self.agent_of(subject, subject.i)
                    if agent is not None:
                        self.add(agent, relation, mention.entity, sentence)

    def affiliations(self, sentence: Span) -> None:
        """'ATF Director Steven Dettelbach'; 'Chris Demlein, a former senior special agent with the ATF'."""
        _, _, role_words = _lexicon()
        for mention in [m for m in self.mentions if sentence.start <= m.span.start < sentence.end and m.entity.type == "Person"]:
            span = mention.span
            left = []
            i = span.start - 1
            while i >= sentence.start and (self.doc[i].lower_ in role_words or i in self.by_token):
                left.insert(0, self.doc[i])
                i -= 1
            agencies = [self.by_token[t.i].entity for t in left if t.i in self.by_token and self.by_token[t.i].entity.type in ("Agency", "Organization")]
            role = " ".join(t.text for t in left if t.lower_ in role_words)
            for child in span.root.children:
                if child.dep_ == "appos":
                    words = list(child.subtree)
                    inside = [self.by_token[t.i].entity for t in words if t.i in self.by_token and self.by_token[t.i].entity.type in ("Agency", "Organization")]
                    if inside:
                        agencies = agencies or inside[:1]
                        role = role or " ".join(t.text for t in words if t.i not in self.by_token and t.dep_ not in ("det", "punct") and t.i < (min(m for m in (self.by_token[w.i].span.start for w in words if w.i in self.by_token)) if any(w.i in self.by_token for w in words) else 10**9) and t.lower_ not in ("with", "of", "at", "for", "the", "a", "an"))
            if agencies:
                person = mention.entity
                person.affiliation = person.affiliation or agencies[0].key
                person.role = person.role or (role.strip() or None)
                self.add(person, "affiliatedWith", agencies[0], sentence)


def find_relations(doc: Doc) -> list[Relation]:
    finder = RelationFinder(doc)
    for sentence in doc.sents:
        if sentence.text.strip():
            finder.operations(sentence)
            finder.affiliations(sentence)
    return finder.relations


@Language.factory("claimgraph_operations")
def make_relation_finder(nlp: Language, name: str):
    """Finds agency-runs-operation and person-affiliation relations (doc._.cg_relations)."""
    def component(doc: Doc) -> Doc:
        doc._.cg_relations = find_relations(doc)
        return doc
    return component


if not Doc.has_extension("cg_relations"):
    Doc.set_extension("cg_relations", default=None)
