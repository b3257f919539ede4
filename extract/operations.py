"""The operations component: who runs, leads, launched or partners in an operation, and which
agency a person works for. Built on the parse and the entity mentions, never on names."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Callable, Iterator

from spacy.language import Language
from spacy.attrs import LEMMA, LOWER, POS
from spacy.matcher import DependencyMatcher
from spacy.parts_of_speech import NOUN, VERB
from spacy.tokens import Doc, Span, Token

from .anchors import AnchoredMatchers
from .discourse import cue_words
from .entities import Mention, mention_index
from .headed_mentions import activity_words
from .components import doc_text, setter, span_text
from .evidence import whole_sentence
from .lexicon import load, load_jsonl
from .names import acting_body
from .records import Entity, Relation, TextSpan

AGENT_TYPES = {"Agency", "Person", "Organization", "Country"}
OWN_PHRASE_DEPS = {"compound", "poss", "nmod", "amod", "npadvmod", "appos", "case"}
OWN_PHRASE_PREPS = {"of", "from", "with", "at"}
TARGET_TYPES = {"Operation", "Activity", "Agency", "Organization"}
PROGRAMME_TYPES = {"Operation", "Activity"}


@dataclass(frozen=True)
class RelationWords:
    """The words the relation finder reads, from the lexicons its config names."""
    run_verbs: dict[str, str]  # verb lemma -> relation
    program_nouns: frozenset[str]
    role_words: frozenset[str]
    naming_verbs: frozenset[str]
    speech_verbs: frozenset[str]
    agency_nouns: frozenset[str]  # "the agency": the agency last named
    person_pronouns: frozenset[str]
    body_pronouns: frozenset[str]
    part_nouns: frozenset[str]  # "HSI, a component of ICE"
    criminal_marks: frozenset[str]
    enforcement_marks: frozenset[str]
    framing_phrases: tuple[tuple[str, ...], ...]  # "under", "as part of", as words
    partner_phrases: tuple[tuple[str, ...], ...]  # "alongside", "along with"
    run_nominals: frozenset[str]  # "its implementation of Operation X": the verb's relation reaches X
    continuation: dict  # a sentence that continues the previous one: its phrases, antecedents, nominals
    agent_case: frozenset[str]  # the preposition of a passive's agent ("by", "por")
    phrasal_run_words: dict[str, str]  # "poner en marcha": the noun that carries the verb's relation
    definite: frozenset[str]  # "the agency", "la corporación": a determiner that points back
    relative_pronouns: frozenset[str]  # "la Operación X, que la Guardia dirige"
    agreements: tuple[frozenset[str], frozenset[str], frozenset[str]]  # signing verbs, agreement nouns, "with"
    units: tuple[frozenset[str], frozenset[str]]  # words naming a unit, and "de"/"of" before its owner
    coordinators: frozenset[str]  # "y", "and": bodies listed together

    @classmethod
    def of(cls, relations: dict, cues: dict) -> "RelationWords":
        """From the relations lexicon and the attribution cues (discourse.cue_words)."""
        back = relations["back_references"]
        return cls(relations["run_verbs"], frozenset(relations["program_nouns"]), frozenset(relations["role_words"]),
                   frozenset(relations["naming_verbs"]), frozenset(cues["speech"]), frozenset(relations["agency_nouns"]),
                   frozenset(back["person"]), frozenset(back["body"]), frozenset(relations["part_nouns"]),
                   frozenset(relations["criminal_marks"]), frozenset(relations["enforcement_marks"]),
                   phrases(relations["framing_preps"] + relations["framing_phrases"]), phrases(relations["partner_phrases"]),
                   frozenset(relations["run_nominals"]), relations["continuation"], frozenset(relations["agent_case"]),
                   relations["phrasal_run_words"], frozenset(cues["definite"]),
                   frozenset(relations["relative_pronouns"]),
                   (frozenset(relations["agreement_verbs"]), frozenset(relations["agreement_nouns"]),
                    frozenset(relations["cosigner_case"])),
                   (frozenset(relations["unit_words"]), frozenset(relations["owner_case"])),
                   frozenset(relations["coordinators"]))


def phrases(texts: list[str]) -> tuple[tuple[str, ...], ...]:
    """Phrases as lower-case word tuples, longest first so 'along with' is tried before 'along'."""
    return tuple(sorted({tuple(text.lower().split()) for text in texts}, key=len, reverse=True))


def acting_agent(entity: Entity) -> Entity | None:
    """Who acts for an agent mention: a country only through its government (aliases.yaml: governs);
    a country with no known government acts for nobody here."""
    if entity.type != "Country":
        return entity
    body = acting_body(entity)
    return body if body.type != "Country" else None


def own_phrase(token: Token):
    """The words of a token's own noun phrase: its compounds, possessor and modifiers, and a name
    after 'of'/'from'/'with'/'at' ('agents of the DEA'), never a clause or another phrase inside it
    ('rifles bought in Sonora' names no agent)."""
    yield token
    for child in token.children:
        if child.dep_ in OWN_PHRASE_DEPS:
            yield from own_phrase(child)
        elif child.dep_ == "prep" and child.lower_ in OWN_PHRASE_PREPS:
            for obj in child.children:
                if obj.dep_ == "pobj":
                    yield from own_phrase(obj)


def _evidence(sentence: Span) -> TextSpan:
    return whole_sentence(doc_text(sentence.doc), sentence.start_char, sentence.end_char)


class RelationFinder:
    def __init__(self, doc: Doc, words: RelationWords):
        self.doc = doc
        self.words = words
        self.mentions, self.by_token = mention_index(doc)
        self.relations: list[Relation] = []
        self.seen: set[tuple[str, str, str]] = set()
        self.pending: tuple[list[Entity], int] | None = None
        self.criminal = {m.entity.key for m in self.mentions if m.entity.type == "Activity" and self.criminal_activity(m)}
        self.activity_words = {m.entity.key: activity_words(m.span) for m in self.mentions if m.entity.type == "Activity"}
        self.related_activities: list[Entity] = []
        # each token's words, read once: the sentence scans below make a Token only where these fit
        table = doc.to_array([LOWER, LEMMA, POS]).tolist() if len(doc) else []
        strings = doc.vocab.strings
        self.lowers = [strings[lower] for lower, _, _ in table]
        self.lemmas = [strings[lemma].lower() for _, lemma, _ in table]
        self.pos = [pos for _, _, pos in table]
        self.mention_starts = [m.span.start for m in self.mentions]
        self.refers_back = words.agency_nouns | words.person_pronouns | words.body_pronouns

    def tokens_where(self, sentence: Span, fits: Callable[[int], bool]) -> Iterator[Token]:
        """The sentence's tokens whose index fits (asked of self.lowers, self.lemmas, self.pos)."""
        return (self.doc[i] for i in range(sentence.start, sentence.end) if fits(i))

    def mentions_in(self, sentence: Span) -> list[Mention]:
        """The mentions that begin in the sentence, in the order of self.mentions."""
        return [m for m, start in zip(self.mentions, self.mention_starts) if sentence.start <= start < sentence.end]

    def same_activity(self, target: Entity) -> Entity:
        """An activity already related in this article that names the same thing in fewer or more
        words ('outbound inspections', 'outbound enforcement inspections') stands for this one."""
        words = self.activity_words.get(target.key)
        if words is None:
            return target
        for earlier in self.related_activities:
            other = self.activity_words[earlier.key]
            if earlier.key == target.key or other[0] == words[0] and (other[1] <= words[1] or words[1] <= other[1]):
                return earlier
        self.related_activities.append(target)
        return target

    def criminal_activity(self, mention: Mention) -> bool:
        """'cartel drug operations', 'the cartel's smuggling operations': what criminals do is nobody's
        programme, unless a word says it is done against them ('counter-drug operations')."""
        words = {t.lower_ for t in mention.span}
        owners = [c for c in mention.span.root.children if c.dep_ == "poss"]
        if any(self.by_token.get(c.i) and self.by_token[c.i].entity.type == "CriminalOrganization" for c in owners):
            return True
        for child in mention.span.root.children:
            if child.dep_ in ("compound", "amod", "nmod", "poss"):
                words |= {t.lower_ for t in child.subtree}
        return bool(words & self.words.criminal_marks) and not words & self.words.enforcement_marks

    def add(self, agent: Entity, relation: str, target: Entity, sentence: Span, rule: str) -> None:
        """Records a relation once per article, with the rule that found it first."""
        if agent.key == target.key or target.key in self.criminal:
            return
        target = self.same_activity(target)
        triple = (agent.key, relation, target.key)
        if triple not in self.seen:
            self.seen.add(triple)
            self.relations.append(Relation(agent, relation, target, _evidence(sentence), rule))

    def agent_of(self, token: Token, before: int, as_owner: bool = False) -> Entity | None:
        """The agent a subject token names; 'its'/'their'/'we' go back to the latest agency. An agent
        is an agency, an organisation or a person; a country acts only through its government, and
        never as an owner: "Mexico's investigative units" are units in Mexico (as_owner)."""
        mention = self.by_token.get(token.i)
        if mention is None:
            mention = next((self.by_token[t.i] for t in own_phrase(token)
                            if t.i in self.by_token and self.by_token[t.i].entity.type in AGENT_TYPES), None)
        if mention is not None and mention.entity.type in AGENT_TYPES:
            return None if as_owner and mention.entity.type == "Country" else acting_agent(mention.entity)
        agency_word = token.lower_ in self.words.agency_nouns and any(
            c.lower_ in self.words.definite | self.words.body_pronouns for c in token.children)
        person = token.lower_ in self.words.person_pronouns
        if agency_word or person or token.lower_ in self.words.body_pronouns:
            wanted = {"Person"} if person else {"Agency"} if agency_word else {"Agency", "Organization"}
            for m in reversed(self.mentions):
                if m.span.end <= before and m.entity.type in wanted:
                    return m.entity
        return None

    HEADLINE_TOKENS = 20

    def headline_agents(self) -> None:
        """'DEA, partners seize Texas-bound rifles' over a body that names one operation and
        nobody running it: the headline's acting agencies run it, with the headline as evidence."""
        headline = next((s for s in self.doc.sents if span_text(s).strip()), None)
        if headline is None or len(headline) > self.HEADLINE_TOKENS or span_text(headline).rstrip().endswith((".", "?", "!")):
            return
        if any(t.lemma_.lower() in self.words.speech_verbs and t.pos_ != "PROPN" for t in headline):
            return  # "DEA says ..." reports; it does not act
        # the headline's agencies, not those inside a phrase of their own ("for DEA", "by CBP");
        # headlinese parses badly ("seize" as a noun), so the verb is not asked for
        agents = {}
        for mention in self.mentions:
            if headline.start <= mention.span.start and mention.span.end <= headline.end and mention.entity.type == "Agency":
                if not any(a.dep_ in ("prep", "agent") for a in mention.span.root.ancestors):
                    agents.setdefault(mention.entity.key, mention.entity)
        run = {r.target.key for r in self.relations if r.relation in ("runs", "led", "initiated")}
        unrun = {m.entity.key: m.entity for m in self.mentions
                 if m.entity.type == "Operation" and m.span.start >= headline.end and m.entity.key not in run}
        # the headline's own run word where it has one ('FGR y ATF lanzan ...': initiated); acting in it otherwise
        said = next((self.words.phrasal_run_words.get(t.lower_) or self.words.run_verbs[t.lemma_.lower()] for t in headline
                     if t.lemma_.lower() in self.words.run_verbs and t.pos_ == "VERB"
                     or t.lower_ in self.words.phrasal_run_words and t.head.pos_ == "VERB"), "runs")
        if len(unrun) == 1:
            (programme,) = unrun.values()
            for agent in agents.values():
                self.add(agent, said, programme, headline, "headline_agents")

    def listed_alongside(self) -> None:
        """'... the CAFÉ initiative — which ... — as well as the Transnational Anti-Gang initiative':
        a programme listed after one whose agent is known has the same agent, however the
        parser attached the list (a long aside between them often breaks the conjunction)."""
        joiners = {("as", "well", "as"), ("along", "with"), ("and",)}
        targets = {r.target.key for r in self.relations}
        for relation in list(self.relations):
            if relation.target.type not in PROGRAMME_TYPES or relation.relation not in ("runs", "led", "initiated"):
                continue
            listed = [m for m in self.mentions if m.entity.type in PROGRAMME_TYPES
                      and relation.evidence.start <= m.span.start_char < relation.evidence.end]
            for before, after in zip(listed, listed[1:]):
                if before.entity.key != relation.target.key or after.entity.key in targets:
                    continue
                start = after.span.start - (1 if after.span.start and self.doc[after.span.start - 1].lower_ == "the" else 0)
                words = tuple(t.lower_ for t in self.doc[max(0, start - 3):start])
                if any(words[-len(j):] == j for j in joiners):
                    self.add(relation.agent, relation.relation, after.entity, after.span.sent, "listed_alongside")
                    targets.add(after.entity.key)

    def fronted_frames(self, sentence: Span) -> None:
        """A clause opened by a framing or partner phrase, read by its words, because the parser
        often takes the subject after the comma for an apposition of the phrase's object:
        'Under Operation X, the FBI seized ...' (the FBI runs X); 'Alongside ATF, HSI and CBP
        identify ... through Operation X' (HSI and CBP run X, ATF partners)."""
        start = sentence.start
        while start < sentence.end and (self.doc[start].is_punct or self.doc[start].is_space):
            start += 1
        words = tuple(t.lower_ for t in self.doc[start:start + 5])
        framing = next((p for p in self.words.framing_phrases if words[:len(p)] == p), None)
        partner = next((p for p in self.words.partner_phrases if words[:len(p)] == p), None)
        phrase = framing or partner
        if phrase is None:
            return
        opened = self.mention_from(start + len(phrase))
        if opened is None or opened.span.end >= len(self.doc) or self.doc[opened.span.end].text != ",":
            return
        subjects, i = [], opened.span.end + 1
        while i < len(self.doc):
            mention = self.mention_from(i)
            if mention is not None:
                subjects.append(mention)
                i = mention.span.end
            elif self.doc[i].lower_ in ("and", ",") and subjects:
                i += 1
            else:
                break
        agents = [a for a in (self.agent_of(m.span.root, m.span.start) for m in subjects) if a is not None]
        if not agents or i >= len(self.doc) or self.doc[i].pos_ not in ("VERB", "AUX"):
            return
        verb = self.doc[i]
        while verb.pos_ == "AUX" and verb.head.i > verb.i and verb.head.pos_ == "VERB":
            verb = verb.head  # 'has launched'
        clause = self.doc[sentence.start:max(sentence.end, verb.sent.end)]
        done = self.clause_programmes(verb)
        if framing and opened.entity.type in PROGRAMME_TYPES:
            done.append(("runs", opened.entity))
        for relation, programme in done:
            for agent in agents:
                self.add(agent, relation, programme, clause, "fronted_subject")
            if partner:
                for partner_agent in [a for a in [self.agent_of(opened.span.root, opened.span.start)] if a is not None]:
                    self.add(partner_agent, "partners", programme, clause, "fronted_partner")

    def continued_programmes(self, sentence: Span, previous: Span | None) -> None:
        """'Una de estas medidas será la creación del Equipo X', 'Como parte del acuerdo, se creará la
        Unidad Y': a programme set up with nobody named in its sentence, in a sentence that points back
        ('estas medidas', 'el acuerdo'), is set up by who made the measure pointed back to ('las
        propuestas hechas por A y B'), else by the previous sentence's subjects. Coordinated agents
        share it; two that compete give none."""
        words = self.words.continuation
        if previous is None or not span_text(previous).strip():
            return
        said = f" {' '.join(self.lowers[sentence.start:sentence.end])} "
        if not any(f" {phrase} " in said for phrase in words["phrases"]):
            return
        here = self.mentions_in(sentence)
        if any(m.entity.type in AGENT_TYPES for m in here):
            return  # an agent named in the sentence: its own frames decide
        related = {r.target.key for r in self.relations}
        for mention in here:
            if mention.entity.type not in PROGRAMME_TYPES or mention.entity.key in related | self.criminal:
                continue
            relation = self.set_up(mention)
            if relation is None:
                continue
            agents = self.antecedent_agents(previous)
            if agents is None:
                agents = self.subject_agents(previous)
            for agent in agents:
                self.add(agent, relation, mention.entity, self.doc[previous.start:sentence.end], "continued_programme")

    def set_up(self, mention: Mention) -> str | None:
        """The relation of the nominal or impersonal verb that sets a programme up with no agent of its
        own: 'la creación del Equipo X' (nominal, then an 'of'), 'se creará la Unidad Y', 'Unit Y will be created'."""
        nominals, root = self.words.continuation["nominals"], mention.span.root
        head = root.head.head if root.dep_ == "pobj" else root.head  # English 'of' sits between
        for nominal in (head, head.head):  # 'la puesta en marcha del Operativo Z': through 'marcha'
            if root.dep_ in ("nmod", "pobj") and nominal.lemma_.lower() in nominals:
                return nominals[nominal.lemma_.lower()]
        verb = root.head
        relation = self.words.run_verbs.get(verb.lemma_.lower())
        if relation is None or root.dep_ not in ("nsubj", "nsubj:pass", "nsubjpass", "obj", "dobj"):
            return None
        impersonal = any(c.lower_ in self.words.continuation["impersonal_markers"] for c in verb.children)
        passive = any(c.dep_ in ("auxpass", "aux:pass") for c in verb.children)
        agented = any(c.dep_ in ("agent", "obl:agent") or any(g.dep_ == "case" and g.lower_ in self.words.agent_case
                                                              for g in c.children) for c in verb.children)
        no_subject = not any(c.dep_ == "nsubj" and c.i != root.i for c in verb.children)
        return relation if (impersonal or passive) and no_subject and not agented else None

    def antecedent_agents(self, previous: Span) -> list[Entity] | None:
        """Who made what 'these measures' point back to: 'las propuestas hechas por A y B', 'the
        proposals made by A and B', 'las propuestas de la Fiscalía'. None when no such noun has an
        agent; nobody when two nouns have different ones."""
        groups = []
        for noun in (t for t in previous if t.lemma_.lower() in self.words.continuation["antecedents"]):
            makers = [g for c in noun.children if c.dep_ in ("acl", "amod") for g in c.children
                      if g.dep_ in ("agent", "obl", "obl:agent", "obj", "nmod")
                      and (g.dep_ == "agent" or any(k.dep_ == "case" and k.lower_ in self.words.agent_case for k in g.children))]
            makers = [p for m in makers for p in ([c for c in m.children if c.dep_ == "pobj"] if m.dep_ == "agent" else [m])]
            makers += [c for c in noun.children if c.dep_ == "nmod" and c.i in self.by_token  # 'las propuestas de la Fiscalía'
                       and any(k.dep_ == "case" and k.lower_ in self.words.continuation["maker_case"] for k in c.children)]
            agents = self.agents_of(makers)
            if agents:
                groups.append(agents)
        if not groups:
            return None
        return groups[0] if len({tuple(a.key for a in g) for g in groups}) == 1 else []  # makers that compete: nobody

    def subject_agents(self, previous: Span) -> list[Entity]:
        """The previous sentence's subjects and those coordinated with them ('A y B acordaron ...')."""
        subjects = [c for c in previous.root.children if c.dep_ in ("nsubj", "nsubj:pass", "nsubjpass")]
        # two subjects with a conjunction between them are one coordinated group the parser split
        # ('La Fiscalía y la Procuraduría firmaron'); without one they compete
        joined = all(any(t.dep_ == "cc" for t in self.doc[a.i + 1:b.i]) for a, b in zip(subjects, subjects[1:]))
        return self.agents_of(subjects) if subjects and joined else []

    def agents_of(self, tokens: list[Token]) -> list[Entity]:
        """The agents a group of tokens and their conjuncts name, each once."""
        found = [self.agent_of(t, t.i) for token in tokens for t in (token, *token.conjuncts)]
        return list({a.key: a for a in found if a is not None}.values())

    def mention_from(self, i: int) -> Mention | None:
        """The mention that begins at token i, or after a determiner or possessive pronoun there."""
        if i < len(self.doc) and self.doc[i].dep_ in ("det", "poss") and i not in self.by_token:
            i += 1
        mention = self.by_token.get(i)
        return mention if mention is not None and mention.span.start == i else None

    def clause_programmes(self, verb: Token) -> list[tuple[str, Entity]]:
        """What a clause's verb does to a programme: its run verb's objects, and the programmes its
        framing prepositions name ('identify smugglers through Operation X')."""
        found = []
        relation = self.words.run_verbs.get(verb.lemma_.lower())
        for child in verb.children:
            if relation and child.dep_ in ("dobj", "attr"):
                found += [(relation, p) for p in (self.programme_at(t) for t in (child, *child.conjuncts)) if p]
            if child.dep_ == "prep" and (child.lower_,) in self.words.framing_phrases:
                found += [("runs", p) for obj in child.children if obj.dep_ == "pobj"
                          for p in (self.programme_at(t) for t in (obj, *obj.conjuncts)) if p]
        return found

    def object_by_word_order(self, sentence: Span) -> None:
        """'A y B pusieron en marcha el Programa X, con el que ...': a run verb whose subjects are agents
        and whose next words (its phrasal noun, a determiner) open a programme's name. Read by word order
        because a long clause after the name often makes the parser hang the name elsewhere."""
        phrasal, run_verbs = self.words.phrasal_run_words, self.words.run_verbs
        for verb in self.tokens_where(sentence, lambda i: self.pos[i] == VERB and self.lemmas[i] in run_verbs
                                      or i + 2 < len(self.lowers) and self.lowers[i + 2] in phrasal):
            relation = self.words.run_verbs.get(verb.lemma_.lower()) if verb.pos_ == "VERB" else None
            i = verb.i + 1
            for noun in (c for c in verb.children if c.lower_ in self.words.phrasal_run_words):
                if noun.i == verb.i + 2 and self.doc[verb.i + 1].head.i == noun.i:  # 'en marcha': case, noun
                    relation, i = self.words.phrasal_run_words[noun.lower_], noun.i + 1
            programme = self.mention_from(i) if relation and i < sentence.end else None
            if programme is None or programme.entity.type not in PROGRAMME_TYPES:
                continue
            subjects = [c for c in verb.children if c.dep_ == "nsubj" and c.i < verb.i]
            for agent in self.agents_of(subjects):
                self.add(agent, relation, programme.entity, sentence, "object_by_word_order")

    def run_clause_partners(self, sentence: Span) -> None:
        """'... la Operación X, que la corporación dirige junto con la Marina', 'la Fiscalía dirige el Plan X
        junto con / con el apoyo de la Marina': the body of a partner phrase on a run verb partners in the
        programme the verb runs (its object, or the name a relative clause of which the pronoun is the
        object hangs on); that clause's own subject holds the verb's relation."""
        run_verbs = self.words.run_verbs
        for verb in self.tokens_where(sentence, lambda i: self.pos[i] == VERB and self.lemmas[i] in run_verbs):
            relation = self.words.run_verbs.get(verb.lemma_.lower()) if verb.pos_ == "VERB" else None
            if relation not in ("runs", "led", "initiated"):
                continue
            # its object, or a subject after it: the parser often takes the object for a second subject
            programmes = [p for t in verb.children if t.dep_ in ("obj", "dobj") or t.dep_ == "nsubj" and t.i > verb.i
                          for p in (self.programme_at(c) for c in (t, *t.conjuncts)) if p]
            # 'que' as the object, or tagged a subordinating mark, with a subject of its own before the verb
            relative = verb.dep_ in ("acl", "relcl") and verb.head.i < verb.i and any(
                c.dep_ in ("obj", "dobj", "mark") and c.lower_ in self.words.relative_pronouns for c in verb.children
            ) and any(c.dep_ == "nsubj" and c.i < verb.i and c.lower_ not in self.words.relative_pronouns for c in verb.children)
            if relative and self.programme_at(verb.head) and not programmes:
                programme = self.programme_at(verb.head)
                programmes = [programme]
                subjects = [c for c in verb.children if c.dep_ == "nsubj" and c.i < verb.i]
                for agent in self.agents_of(subjects):
                    self.add(agent, relation, programme, sentence, "relative_object")
            for phrase in (c for c in verb.children if c.i > verb.i):  # the phrase's opening words decide
                for agent in self.partner_phrase_agents(phrase):
                    for programme in programmes:
                        self.add(agent, "partners", programme, sentence, "partner_phrase")

    def agreements_to_set_up(self, sentence: Span) -> None:
        """'A y B firmaron un convenio para crear el programa X', 'A firmó con B un acuerdo para poner en
        marcha el Operativo Y': every signatory (the subjects, and the body signed with) holds the relation
        of the verb the agreement is for; an agreement for anything else ('para revisar') gives none."""
        signing, nouns, cosigner_case = self.words.agreements
        for verb in self.tokens_where(sentence, lambda i: self.lemmas[i] in signing):
            if verb.lemma_.lower() not in signing:
                continue
            agreements = [c for c in verb.children if c.dep_ in ("obj", "dobj") and c.lemma_.lower() in nouns]
            if not agreements:
                continue
            signatories = [c for c in verb.children if c.dep_ == "nsubj"] + [
                phrase for holder in (verb, *agreements) for phrase in holder.children
                if phrase.dep_ in ("obl", "nmod", "pobj") and any(k.lower_ in cosigner_case for k in phrase.children)]
            signatories += [o for holder in (verb, *agreements) for prep in holder.children if prep.dep_ == "prep"
                            and prep.lower_ in cosigner_case for o in prep.children if o.dep_ == "pobj"]
            agents = self.agents_of(signatories)
            for purpose in (c for holder in (verb, *agreements) for c in holder.children
                            if c.dep_ in ("acl", "advcl", "relcl") and c.pos_ == "VERB"):
                relation = self.words.run_verbs.get(purpose.lemma_.lower())
                for noun in (c for c in purpose.children if c.lower_ in self.words.phrasal_run_words):
                    relation = self.words.phrasal_run_words[noun.lower_]  # 'para poner en marcha'
                if relation is None:
                    continue
                for target in (c for c in purpose.children if c.dep_ in ("obj", "dobj")):
                    for programme in filter(None, (self.programme_at(t) for t in (target, *target.conjuncts))):
                        for agent in agents:
                            self.add(agent, relation, programme, sentence, "agreement_to_set_up")

    def partner_phrase_agents(self, phrase: Token) -> list[Entity]:
        """The agents named right after a partner phrase that opens this phrase: 'junto con la Marina'."""
        start = phrase.left_edge.i
        for partner in self.words.partner_phrases:
            opened = tuple(t.lower_ for t in self.doc[start:start + len(partner)])
            if opened == partner:
                mention = self.mention_from(start + len(partner))
                if mention is not None:
                    return self.agents_of([mention.span.root])
        return []

    def programme_at(self, token: Token) -> Entity | None:
        """The programme a token names, or that a lower-case head noun introduces: 'el programa
        Frontera Serena', whose name begins after the head (entities.named_after_lower_case_head)."""
        mention = self.by_token.get(token.i)
        if mention is None and token.lower_ in self.words.program_nouns:
            mention = self.by_token.get(token.i + 1)
            mention = mention if mention is not None and mention.span.start == token.i + 1 else None
        return mention.entity if mention is not None and mention.entity.type in PROGRAMME_TYPES else None

    def operations(self, sentence: Span) -> None:
        run_verbs, program_nouns = self.words.run_verbs, self.words.program_nouns
        self.note_joint_investigations(sentence)
        for mention in self.mentions_in(sentence):
            if mention.entity.type not in TARGET_TYPES:
                continue
            found = len(self.relations)
            if mention.entity.type == "Operation":
                self.possessor_or_compound(mention, sentence)
                self.appositive_program(mention, sentence, program_nouns)
            self.run_verb(mention, sentence, run_verbs)
            if mention.entity.type == "Operation" and len(self.relations) == found:
                self.from_joint_investigation(mention, sentence)

    def possessor_or_compound(self, mention: Mention, sentence: Span) -> None:
        """'DEA Special Operations Division Project Thor', "ATF's Project Gunrunner", 'its Project Gunrunner'."""
        span = mention.span
        if span.start <= sentence.start:
            return
        before = self.doc[span.start - 1]
        if before.lower_ in ("'s", "’s") and span.start - 2 >= sentence.start:
            before = self.doc[span.start - 2]
        if before.i in self.by_token or before.lower_ in ("its", "their"):
            agent = self.agent_of(before, span.start, as_owner=True)
            if agent is not None and agent.type in ("Agency", "Organization"):
                self.add(agent, "runs", mention.entity, sentence, "possessor_or_compound")

    def appositive_program(self, mention: Mention, sentence: Span, program_nouns: frozenset[str]) -> None:
        """'Operation Southbound, an ATF initiative'."""
        for child in mention.span.root.children:
            if child.dep_ == "appos" and child.lemma_.lower() in program_nouns:
                for t in child.subtree:
                    m = self.by_token.get(t.i)
                    if m is not None and m.entity.type in ("Agency", "Organization"):
                        # 'una iniciativa de la Fiscalía y la ATF': every coordinated body
                        for agent in self.listed_from(m):
                            self.add(agent, "runs", mention.entity, sentence, "appositive_program")
                        break
            # 'el Programa X, de la Fiscalía y la ATF,': an owner set off by commas runs it
            if child.dep_ == "nmod" and any(c.dep_ == "case" and c.lower_ in self.words.units[1]
                                            and self.doc[c.i - 1].text == "," for c in child.children):
                owner = self.by_token.get(child.i)
                for agent in self.listed_from(owner) if owner is not None else []:
                    if agent.type in ("Agency", "Organization"):
                        self.add(agent, "runs", mention.entity, sentence, "owner_set_off")

    def listed_from(self, first: Mention) -> list[Entity]:
        """The bodies named from a mention on, joined by a coordinator ('de la Fiscalía y la ATF'), read
        by word order: the parser often hangs the second on a noun before the first."""
        found, i = [first.entity], first.span.end
        while i < len(self.doc) and self.doc[i].lower_ in self.words.coordinators:
            following = self.mention_from(i + 1)
            if following is None or following.entity.type not in ("Agency", "Organization"):
                break
            found.append(following.entity)
            i = following.span.end
        return [a for a in (acting_agent(e) for e in found) if a is not None]

    def run_verb(self, mention: Mention, sentence: Span, run_verbs: dict[str, str]) -> None:
        """'Demlein led ... Project Thor', 'HSI will establish the ... Project', '• Creating a ... Group'."""
        head = mention.span.root
        # climb through objects, prepositions and naming clauses ('a project called Project Thor')
        while head.dep_ in ("pobj", "prep", "dobj", "appos", "conj", "compound", "nmod", "attr", "acl", "oprd", "nsubjpass") and head.head.i != head.i:
            if head.dep_ == "acl" and head.lemma_.lower() not in self.words.naming_verbs:
                return  # 'charges stemming from Operation X' says nothing of who runs X
            if head.dep_ == "prep" and not (head.lower_ == "of" and head.head.lemma_.lower() in self.words.program_nouns | self.words.run_nominals):
                return  # 'announced 40 arrests in Operation X', 'a report on Operation X': X is not the object
            head = head.head
            if head.pos_ == "VERB" and head.lemma_.lower() in run_verbs:
                break
        if head.pos_ != "VERB" or head.lemma_.lower() not in run_verbs:
            return
        relation = run_verbs[head.lemma_.lower()]
        root = mention.span.root
        if mention.entity.type not in PROGRAMME_TYPES and (relation != "initiated" or not (
                root.head.i == head.i and root.dep_ == "dobj" or root.dep_ == "appos" and root.head.head.i == head.i)):
            return  # a body is only the object of a run verb when it is the very thing being set up
        verb = head
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        while not subjects and verb.dep_ in ("xcomp", "advcl", "conj", "acl", "relcl", "pcomp") and verb.head.i != verb.i:
            verb = verb.head
            subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
            if verb.dep_ in ("acl", "relcl"):
                break
        agents = [g for c in head.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        found = [a for a in (self.agent_of(t, t.i) for t in subjects + agents) if a is not None]
        if not found and not subjects and head.tag_ == "VBG":
            found = [a for a in [self.list_heading_agent(sentence)] if a is not None]
        for agent in found:
            self.add(agent, relation, mention.entity, sentence, "run_verb")

    def list_heading_agent(self, sentence: Span) -> Entity | None:
        """A list item with no subject ('• Creating a Southwest Intelligence Group') acts for the
        subject of the heading that introduces the list ('FBI is stepping up its efforts by:')."""
        previous = [s for s in self.doc[max(0, sentence.start - 300):sentence.start].sents if span_text(s).strip()]
        for candidate in reversed(previous[-6:]):
            if span_text(candidate).rstrip().endswith(":"):
                for token in candidate:
                    if token.dep_ == "nsubj":
                        agent = self.agent_of(token, token.i)
                        if agent is not None and agent.type in ("Agency", "Organization"):
                            return agent
                return None
        return None

    def note_joint_investigations(self, sentence: Span) -> None:
        """'a joint investigation by ICE HSI and the ATF': who runs the operation named next."""
        program_nouns = self.words.program_nouns
        for token in self.tokens_where(sentence, lambda i: self.lemmas[i] in program_nouns and self.pos[i] == NOUN):
            if token.lemma_.lower() in program_nouns and token.pos_ == "NOUN":
                by = [c for c in token.children if c.lower_ == "by"]
                led = [c for c in token.children if c.dep_ == "acl" and c.lemma_ == "lead"]
                by += [g for c in led for g in c.children if g.dep_ == "agent"]
                agents: list[Entity] = []
                for prep in by:
                    for obj in (c for c in prep.children if c.dep_ == "pobj"):
                        for t in [obj, *obj.conjuncts]:
                            agent = self.phrase_agent(t)
                            if agent is not None:
                                agents.append(agent)
                if agents:
                    self.pending = (agents, sentence.start)

    def phrase_agent(self, head: Token) -> Entity | None:
        """The body a noun phrase names: the name on its head word, else the last name in it,
        leaving out coordinated phrases ('ICE's HSI and the ATF' -> HSI for the first conjunct)."""
        if head.i in self.by_token and self.by_token[head.i].entity.type in ("Agency", "Organization"):
            return self.by_token[head.i].entity
        skip = {t.i for c in head.conjuncts for t in c.subtree}
        found = [self.by_token[t.i].entity for t in head.subtree if t.i not in skip and t.i in self.by_token
                 and self.by_token[t.i].entity.type in ("Agency", "Organization")]
        return found[-1] if found else None

    def from_joint_investigation(self, mention: Mention, sentence: Span) -> None:
        if self.pending is None:
            return
        agents, start = self.pending
        if sum(1 for t in self.doc[start:sentence.start] if t.is_sent_start) > 3:
            return
        unique = list({agent.key: agent for agent in reversed(agents)}.values())[::-1]
        for n, agent in enumerate(unique):
            self.add(agent, "runs" if n == 0 else "partners", mention.entity, sentence, "joint_investigation")

    def hierarchy(self, sentence: Span) -> None:
        """Where the text says one body belongs to another: "the Justice Department's Bureau of
        ...", "CBP's Office of Field Operations", "HSI, a component of ICE"."""
        for mention in self.mentions_in(sentence):
            if mention.entity.type != "Agency":
                continue
            start = mention.span.start
            if start - 2 >= sentence.start and self.doc[start - 1].lower_ in ("'s", "’s"):
                owner = self.by_token.get(start - 2)
                if owner is not None and owner.entity.type == "Agency" and owner.entity.key != mention.entity.key:
                    self.add(mention.entity, "partOf", owner.entity, sentence, "possessive_hierarchy")
            owner = self.owner_after(mention)
            if owner is not None:
                self.add(mention.entity, "partOf", owner, sentence, "unit_of_owner")
            for child in mention.span.root.children:
                if child.dep_ == "appos" and child.lemma_.lower() in self.words.part_nouns:
                    for t in child.subtree:
                        owner = self.by_token.get(t.i)
                        if owner is not None and owner.entity.type == "Agency" and owner.entity.key != mention.entity.key:
                            self.add(mention.entity, "partOf", owner.entity, sentence, "component_apposition")
                            break

    def owner_after(self, unit: Mention) -> Entity | None:
        """'la División de Campo de Ocampo de la ATF', 'the Phoenix Field Division of the ATF': a unit
        (a name holding a unit word) followed by 'de'/'of' and another body's name is part of that body."""
        unit_words, owner_case = self.words.units
        if not {t.lower_ for t in unit.span} & unit_words or unit.span.end >= len(self.doc):
            return None
        if self.doc[unit.span.end].lower_ not in owner_case:
            return None
        owner = self.mention_from(unit.span.end + 1)
        if owner is None or owner.entity.type != "Agency" or owner.entity.key == unit.entity.key:
            return None
        return owner.entity

    def affiliations(self, sentence: Span) -> None:
        """'ATF Director Steven Dettelbach'; 'Chris Demlein, a former senior special agent with the ATF'."""
        role_words = self.words.role_words
        for mention in [m for m in self.mentions_in(sentence) if m.entity.type == "Person"]:
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
                        role = role or " ".join(t.text for t in words if t.i not in self.by_token and t.dep_ not in ("det", "punct") and t.i < (min(m for m in (self.by_token[w.i].span.start for w in words if w.i in self.by_token)) if any(w.i in self.by_token for w in words) else 10**9) and t.pos_ not in ("ADP", "DET"))
            if agencies:
                person = mention.entity
                person.affiliation = person.affiliation or agencies[0].key
                person.role = person.role or (role.strip() or None)
                self.add(person, "affiliatedWith", agencies[0], sentence, "role_affiliation")


def relation_patterns(name: str, lexicon: dict) -> list[dict]:
    """The DependencyMatcher patterns of a JSONL file, with each "@list" value replaced by that
    word list of the relations lexicon, so a verb is added in one place."""
    def resolve(value):
        if isinstance(value, str) and value.startswith("@"):
            words = lexicon[value[1:]]
            return sorted(words) if isinstance(words, (dict, list)) else words
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return value
    return [{**entry, "pattern": resolve(entry["pattern"])} for entry in load_jsonl(name)]


class PatternRelations:
    """Relations read from dependency patterns (extract/data/relation_patterns.jsonl). Every
    conjoined agent and target gets the relation: "ICE and CBP established ..." gives two."""

    def __init__(self, nlp: Language, patterns: list[dict], lexicon: dict):
        self.vocab = nlp.vocab
        self.matcher = self.dependency_matcher([(entry["id"], entry["pattern"]) for entry in patterns])
        self.entries: dict[int, dict] = {nlp.vocab.strings[entry["id"]]: entry for entry in patterns}
        self.lexicon = lexicon
        # a sentence is matched with the patterns its words can match (extract/anchors.py): all of them cost more than the rest of this component
        self.anchored = AnchoredMatchers(nlp.vocab, [(entry["id"], entry["pattern"]) for entry in patterns],
                                         lambda nodes: [node.get("RIGHT_ATTRS", {}) for node in nodes], self.dependency_matcher)

    def dependency_matcher(self, patterns: list[tuple[str, list[dict]]]) -> DependencyMatcher:
        matcher = DependencyMatcher(self.vocab)
        for key, pattern in patterns:
            matcher.add(key, [pattern])
        return matcher

    def matcher_for(self, sentence: Span) -> DependencyMatcher | None:
        """The matcher of the patterns the sentence can match, None if it can match none. A sentence
        of two trees gets all patterns: the DependencyMatcher lists matches tree by tree, in the order
        of the first token any pattern matches in each, which fewer patterns could change."""
        if one_tree(sentence):
            return self.anchored.for_text(sentence.doc, sentence.start, sentence.end)
        return self.matcher

    def relation(self, entry: dict, tokens: dict[str, Token]) -> str | None:
        relation = entry["relation"]
        if not relation.startswith("@"):
            return relation
        lexicon_name, node = relation[1:].split(":")
        token = tokens[node]
        words = self.lexicon[lexicon_name]
        return words.get(token.lemma_.lower()) or words.get(token.lower_)

    def apply(self, finder: "RelationFinder", doc: Doc) -> None:
        # every pattern's target must be a programme: only sentences that name one are matched
        # (matching the whole doc cost more than the rest of the pipeline's own components)
        # and one that has an agent: a name, or a word that refers back to one ('its', 'the agency')
        sentences = list(doc.sents)
        first_tokens = [sentence.start for sentence in sentences]

        def holding(start: int, end: int) -> range:
            """The numbers of the sentences that tokens start..end-1 are in."""
            return range(bisect_right(first_tokens, start) - 1, bisect_right(first_tokens, end - 1)) if end > start else range(0)

        wanted = {n for m in finder.mentions if m.entity.type in PROGRAMME_TYPES for n in holding(m.span.start, m.span.end)}
        wanted &= {n for m in finder.mentions if m.entity.type in AGENT_TYPES for n in holding(m.span.start, m.span.end)} | {
            n for i, word in enumerate(finder.lowers) if word in finder.refers_back for n in holding(i, i + 1)}
        for sentence in (sentences[n] for n in sorted(wanted)):
            matcher = self.matcher_for(sentence)
            for match_id, token_ids in matcher(sentence) if matcher is not None else []:
                self.relate(finder, doc, match_id, [sentence.start + i for i in token_ids])

    def relate(self, finder: "RelationFinder", doc: Doc, match_id: int, token_ids: list[int]) -> None:
        """One match: every conjoined agent holds the relation to every conjoined programme."""
        entry = self.entries[match_id]
        names = [node["RIGHT_ID"] for node in entry["pattern"]]
        tokens = {name: doc[i] for name, i in zip(names, token_ids)}
        relation = self.relation(entry, tokens)
        if relation is None:
            return
        targets = [finder.programme_at(t) for t in (tokens["target"], *tokens["target"].conjuncts)]
        agents = [finder.agent_of(t, t.i, entry.get("owner", False)) for t in (tokens["agent"], *tokens["agent"].conjuncts)]
        sentence = tokens["target"].sent
        for target in (t for t in targets if t is not None):
            for n, agent in enumerate(a for a in agents if a is not None and a.key != target.key):
                finder.add(agent, entry.get("conjuncts", relation) if n else relation, target, sentence, entry["id"])


def one_tree(sentence: Span) -> bool:
    """Whether all of a sentence's tokens hang from one root, as the parser's sentences do."""
    return sum(1 for t in sentence if t.head.i == t.i or not sentence.start <= t.head.i < sentence.end) == 1


def find_relations(doc: Doc, patterns: PatternRelations, words: RelationWords) -> list[Relation]:
    finder = RelationFinder(doc, words)
    for sentence in doc.sents:
        if span_text(sentence).strip():
            finder.operations(sentence)
            finder.fronted_frames(sentence)
            finder.object_by_word_order(sentence)
            finder.run_clause_partners(sentence)
            finder.agreements_to_set_up(sentence)
            finder.affiliations(sentence)
            finder.hierarchy(sentence)
    patterns.apply(finder, doc)
    sentences = [s for s in doc.sents if span_text(s).strip()]
    for previous, sentence in zip(sentences, sentences[1:]):  # after every frame: only what none of them relates
        finder.continued_programmes(sentence, previous)
    finder.listed_alongside()
    finder.headline_agents()
    # a person runs a programme only as someone the article places at a body ("Ana Ruiz, director
    # of the FBI, launched ..."); anyone else named beside a programme is not its agent
    return [r for r in finder.relations if r.agent.type != "Person" or r.relation == "affiliatedWith" or r.agent.affiliation]


@Language.factory("claimgraph_operations", assigns=["doc._.cg_relations"],
                  requires=["doc._.cg_mentions", "token.dep", "token.lemma"],
                  default_config={"patterns": "relation_patterns", "lexicon": "relations", "cues": "cues"})
def make_relation_finder(nlp: Language, name: str, patterns: str, lexicon: str, cues: str):
    """Finds who runs, leads, initiated, partners in or uses an operation, and which agency a
    person works for (doc._.cg_relations), with the patterns and lexicons the config names."""
    words = load(lexicon, nlp.lang)  # a language's own relation words where it has them (extract/data/es/)
    matcher = PatternRelations(nlp, relation_patterns(patterns, words), words)
    finder_words = RelationWords.of(words, cue_words(cues, nlp.lang))
    return setter("cg_relations", lambda doc: find_relations(doc, matcher, finder_words))
