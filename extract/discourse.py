"""Who a text has heard so far: the sources named in one article, in order, and what its pronouns
("he adds"), descriptions ("the DHS watchdog") and documents ("the agency's report") refer to.
The attribution component asks it who a speech verb's subject is."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from spacy.tokens import Doc, Token

from .components import doc_text
from .entities import Mention, alias_table, mention_index, clean_name, known_entity
from .names import alias_index, entity_key, name_key
from .lexicon import load
from .records import Entity

PERSON_REACH = 3  # sentences back that 'the agent', 'the official' may reach for a name not yet heard speaking
QUOTE_RE = re.compile(r"“[^”]{3,}”|\"[^\"\n]{3,}\"|«[^»]{3,}»")

AMBIGUOUS = object()  # two antecedents fit a description equally well
SPEAKER_TYPES = {"Agency", "Organization", "Person", "Outlet", "Document", "Group", "Country", "Operation", "CriminalOrganization"}


@cache
def cue_words(lexicon: str = "cues", language: str = "en") -> dict:
    """The attribution cues of the named lexicon, by kind."""
    lex = load(lexicon, language)
    return {
        "speech": set(lex["speech_verbs"]),
        "passive_agent": set(lex["passive_agent_verbs"]),
        "impersonal": set(lex["impersonal_cues"]),
        "documents": set(lex["document_nouns"]),
        "descriptions": lex["description_nouns"],
        "description_kin": lex.get("description_kin", {}),
        "pronouns": lex["pronouns"],
        "continuations": sorted(lex["continuations"], key=len, reverse=True),
        "groups": set(lex["group_nouns"]),
        "own_voice": set(lex["own_voice_pronouns"]),
        "self_determiners": set(lex["self_determiners"]),
        "clause_speech": set(lex["clause_speech_verbs"]),
        "definite": set(lex["definite_determiners"]),
        "relative_pronouns": set(lex["relative_pronouns"]),
        "through_prepositions": set(lex["through_prepositions"]),
        "author_prepositions": set(lex["author_prepositions"]),
        "prepositional": lex.get("prepositional_cues", {}),
        "particles": lex.get("speech_verb_particles", {}),
        "figure_references": tuple(lex.get("figure_references", [])),
        "part_joiners": set(lex.get("part_joiners", [])),
        "provenance_verbs": set(lex.get("provenance_verbs", [])),
    }


def _ancestors_of_part(entity: Entity) -> set[str]:
    keys, key = set(), entity.part_of
    while key and key not in keys:
        keys.add(key)
        key = alias_table().get(key, {}).get("part_of")
    return keys


def _text_of(tokens: list[Token]) -> str:
    """The text from the first to the last token, as written (not re-spaced)."""
    if not tokens:
        return ""
    first, last = min(tokens, key=lambda t: t.i), max(tokens, key=lambda t: t.i)
    return doc_text(first.doc)[first.idx:last.idx + len(last.text)]


def _after_a_dash(tokens: list[Token]) -> list[Token]:
    """The words after a dash: a dateline is not part of the subject ('EL PASO, Texas – CBP officers')."""
    dashes = [n for n, t in enumerate(tokens) if t.is_punct and not t.text.strip("-–—")]
    return tokens[dashes[-1] + 1:] if dashes else tokens


def _name_tokens(head: Token) -> list[Token]:
    """A proper noun's name: its words before it, less prepositions and articles ("De acuerdo con
    la Fiscalía"), and the words of the name after it ("Fiscalía de Ocampo": Universal
    Dependencies hang them on it as flat, or as nmod with their own case marker)."""
    before = [t for t in head.subtree if t.i <= head.i]
    while before and before[0].i < head.i and before[0].dep_ in ("case", "det", "fixed", "punct", "mark", "cc"):
        before = before[1:]
    after: list[Token] = []
    for token in head.doc[head.i + 1:head.right_edge.i + 1]:
        if token.is_punct or token.is_space or token.dep_ not in ("flat", "case", "nmod", "det") \
                or token.pos_ not in ("PROPN", "ADP", "DET"):
            break
        after.append(token)
    while after and after[-1].pos_ in ("ADP", "DET"):
        after.pop()
    return before + after


class Discourse:
    """What one article has said so far: the sources heard and the names mentioned, in order."""

    def __init__(self, doc: Doc, cues: dict):
        self.doc = doc
        self.cues = cues  # cue_words() of the component's lexicon
        self.mentions, self.by_token = mention_index(doc)
        # sentence number of every token, so that distances in sentences cost nothing
        self.sentence_of: list[int] = []
        number = 0
        for token in doc:
            number += token.is_sent_start and token.i > 0
            self.sentence_of.append(number)
        self.quotes = [(m.start(), m.end()) for m in QUOTE_RE.finditer(doc_text(doc))]
        self.speakers: list[tuple[int, int, Entity]] = []  # (token index, sentence number, entity)
        self.sentence_no = 0
        self.created: dict[str, Entity] = {}

    # --- entities made here (groups and documents) -------------------------------------------
    def _made(self, key: str, label: str, type_name: str, **extra) -> Entity:
        if key not in self.created:
            self.created[key] = Entity(key=key, label=label, type=type_name, aliases={label}, **extra)
        return self.created[key]

    def in_quote(self, token: Token) -> bool:
        return any(a <= token.idx < b for a, b in self.quotes)

    def own_voice(self, head: Token) -> bool:
        """'we' or 'our analysis' outside quotes: the document speaks for itself (in a quote, 'we'
        is the speaker's side and is resolved like any pronoun)."""
        first_person = self.cues["own_voice"]
        owner = head if head.lower_ in first_person else next(
            (c for c in head.children if c.dep_ == "poss" and c.lower_ in first_person), None)
        return owner is not None and not self.in_quote(owner)

    def mention_at(self, token: Token) -> Mention | None:
        return self.by_token.get(token.i)

    def mentions_in(self, tokens) -> list[Mention]:
        found = {id(self.by_token[t.i]): self.by_token[t.i] for t in tokens if t.i in self.by_token}
        return sorted(found.values(), key=lambda m: m.span.start)

    def heard(self, token: Token, entity: Entity) -> None:
        self.speakers.append((token.i, self.sentence_no, entity))

    def dominant_speaker(self) -> Entity | None:
        counts = Counter(e.key for _, _, e in self.speakers)
        if not counts:
            return None
        key = counts.most_common(1)[0][0]
        return next(e for _, _, e in reversed(self.speakers) if e.key == key)

    def last_speaker(self, before: int | None = None) -> Entity | None:
        """The last source heard, or the last heard before token index before."""
        return next((entity for i, _, entity in reversed(self.speakers) if before is None or i < before), None)

    # --- resolution ------------------------------------------------------------------------
    def resolve_pronoun(self, token: Token) -> Entity | None:
        """Recent speakers of a fitting kind, then nearby names of a fitting kind (in the pronoun's
        order of preference), then the article's main source so far, then its most named body."""
        allowed = list(self.cues["pronouns"].get(token.lower_, []))
        window = 3 if allowed == ["Person"] else 6
        for i, sentence_no, entity in reversed(self.speakers):
            if i < token.i and entity.type in allowed and self.sentence_no - sentence_no <= window:
                return entity
        earlier = [m for m in self.mentions if m.span.end <= token.i and self._sentences_between(m.span.start, token.i) <= 2]
        for type_name in allowed:
            for mention in reversed(earlier):
                if mention.entity.type == type_name:
                    return mention.entity
        return self.dominant_speaker() or self.most_named(token.i)

    def most_named(self, before: int) -> Entity | None:
        counts = Counter(m.entity.key for m in self.mentions
                         if m.span.end <= before and m.entity.type in ("Agency", "Document", "Organization"))
        if not counts:
            return None
        key = counts.most_common(1)[0][0]
        return next(m.entity for m in self.mentions if m.entity.key == key)

    def _sentences_between(self, a: int, b: int) -> int:
        return self.sentence_of[b] - self.sentence_of[a] if b < len(self.sentence_of) else 0

    def resolve_description(self, head: Token) -> Entity | None:
        """'the DHS watchdog', 'the agency', 'the report': the latest fitting source named before.
        A description with a name in it ('the DHS watchdog') becomes one of that entity's aliases."""
        found = self._description_target(head)
        words = [t for t in head.subtree if t.i <= head.i and t.dep_ not in ("det", "punct")]
        if found is not None and len(words) > 1 and found.type != "Document":
            found.aliases.add(clean_name(_text_of(words)))
        return found

    def _description_target(self, head: Token) -> Entity | None:
        modifiers = [self.mention_at(c) for c in head.children if c.dep_ in ("compound", "poss", "amod", "nmod")]
        modifiers = [m.entity for m in modifiers if m is not None]
        wanted = self.cues["descriptions"].get(head.lemma_.lower())
        is_document = head.lemma_.lower() in self.cues["documents"] or head.lower_ in self.cues["documents"]
        # a person described ("the agent said") was named a few sentences before; a body may be far back
        reach = PERSON_REACH if wanted == "Person" and not modifiers else len(self.sentence_of)
        plural = "Plur" in head.morph.get("Number") or head.tag_ in ("NNS", "NNPS")
        if not modifiers and wanted and not is_document and not plural:  # 'las autoridades' may be several
            nearest = self._nearest_antecedent(head, wanted, reach)
            if nearest is not AMBIGUOUS:
                if nearest is not None:
                    return nearest
            else:
                return None  # two bodies compete and nothing tells them apart: credit nobody
        earlier_mentions = [m.entity for m in reversed(self.mentions) if m.span.end <= head.left_edge.i
                            and self._sentences_between(m.span.start, head.i) <= reach]
        for entity in [e for _, _, e in reversed(self.speakers)] + earlier_mentions:
            if modifiers:
                if any(entity.key == m.key or m.key in _ancestors_of_part(entity) or entity.author_key == m.key for m in modifiers):
                    return entity
                continue
            if is_document and entity.type == "Document":
                return entity
            if wanted and entity.type == wanted:
                return entity
        if modifiers:
            return modifiers[0]
        return None

    def _nearest_antecedent(self, head: Token, wanted: str, reach: int):
        """'la agencia', 'the official': the nearest antecedent of a fitting kind. A name built on the
        same noun ('la Agencia Tributaria de X', 'the X Revenue Agency') first; else the nearest
        sentence naming one (a source heard speaking there before a name merely mentioned).
        Two different ones there are AMBIGUOUS; None when nothing fits."""
        kinds = {wanted, *self.cues["description_kin"].get(wanted, [])}
        nouns = {head.lower_, head.lemma_.lower()}
        mentions = [m for m in self.mentions if m.span.end <= head.left_edge.i
                    and m.entity.type in kinds and self._sentences_between(m.span.start, head.i) <= reach]
        # "la División Norte de la Agencia X": a unit named with its whole is the whole, not a rival
        parts = {id(a) for a, b in zip(mentions, mentions[1:])
                 if " ".join(t.lower_ for t in head.doc[a.span.end:b.span.start]) in self.cues["part_joiners"]}
        named = [(m.span.start, m.entity) for m in mentions if id(m) not in parts]
        same_noun = [(i, e) for i, e in named if nouns & set(e.label.lower().split())]
        heard = [(i, e) for i, _, e in self.speakers if i < head.i and e.type in kinds
                 and self._sentences_between(i, head.i) <= reach]
        for candidates in (same_noun, sorted(named + heard, key=lambda c: c[0])):
            if not candidates:
                continue
            nearest = self.sentence_of[candidates[-1][0]]
            there = [(i, e) for i, e in candidates if self.sentence_of[i] == nearest]
            speaking = [e for i, e in there if any(i == j for j, _ in heard)]
            found = {e.key: e for _, e in there}
            if speaking:
                return speaking[-1]
            return next(iter(found.values())) if len(found) == 1 else AMBIGUOUS
        return None

    def entity_for(self, head: Token, depth: int = 0) -> tuple[Entity | None, Entity | None]:
        """The source (and the document it speaks through) for a subject, agent or 'according to' head."""
        cues = self.cues
        if head.pos_ == "PRON" or head.lower_ in cues["pronouns"]:
            # "a report by X, which found that ...", "un informe de X, que calculó que ...": the
            # relative pronoun is the noun the clause hangs on (UD labels it acl)
            if head.lower_ in cues["relative_pronouns"] and head.head.dep_ in ("relcl", "acl", "acl:relcl"):
                return self.entity_for(head.head.head, depth + 1)
            if head.lower_ in cues["relative_pronouns"] and depth < 3 and (antecedent := self._antecedent_of(head)):
                return self.entity_for(antecedent, depth + 1)
            if head.lower_ not in cues["pronouns"]:
                return None, None
            entity = self.resolve_pronoun(head)
            return self.split_document(entity)
        lemma = head.lemma_.lower()
        if depth < 3 and (lemma in cues["documents"] or head.lower_ in cues["documents"]):
            return self.document_named(head, depth)
        mention = self.mention_at(head)
        if mention is not None and mention.entity.type in SPEAKER_TYPES:
            return mention.entity, None
        for child in head.children:  # "the watchdog Transparency International"
            if child.dep_ == "appos" and child.pos_ == "PROPN" and depth < 3:
                named, document = self.entity_for(child, depth + 1)
                if named is not None and named.key in self.created and named.type == "Organization" \
                        and cues["descriptions"].get(lemma) == "Person":
                    named.type = "Person"  # "el consultor de X, Nombre Apellido": a name the NER missed is a person's
                if named is not None:
                    return named, document
        named = any(c.dep_ in ("flat", "nmod") and c.pos_ == "PROPN" for c in head.children)  # "la Fiscalía de Ocampo"
        if lemma in cues["descriptions"] and any(c.lower_ in cues["definite"] for c in head.children) and not named:
            return self.split_document(self.resolve_description(head))
        if lemma in cues["groups"] or head.lower_ in cues["groups"]:
            words = _after_a_dash([t for t in head.subtree if t.i <= head.i])
            words = [t for t in words if t.dep_ not in ("det", "punct") and not t.is_space]
            label = clean_name(_text_of(words)) or head.text
            inside = self.mentions_in(words)
            agencies = [m.entity for m in inside if m.entity.type in ("Agency", "Organization", "Outlet")]
            named = {i for m in inside for i in range(m.span.start, m.span.end)}
            if agencies and sum(t.i not in named for t in words) <= 3:
                return agencies[-1], None  # "a Justice Department official", "CBP officers" speak for the body
            return self._made(entity_key(label, kind="group"), label, "Group"), None
        inside = [m for m in self.mentions_in(list(head.subtree)) if m.entity.type in SPEAKER_TYPES]
        if inside:
            return inside[0].entity, None
        if head.pos_ == "PROPN":
            label = clean_name(_text_of(_name_tokens(head)))
            if not label.split():  # nothing of a name is left once cleaned: no one to credit
                return None, None
            for mention in self.mentions:  # 'Demlein' after 'Chris Demlein'
                if mention.entity.type == "Person" and mention.entity.label.split()[-1:] == label.split()[-1:]:
                    return mention.entity, None
            if known := alias_index(head.doc.lang_).get(name_key(label)):  # a known name the NER missed ('A\u200dTF')
                return known_entity(known), None
            return self._made(entity_key(label), label, "Organization"), None
        return None, None

    def _antecedent_of(self, relative: Token) -> Token | None:
        """', que calculó que ...' that the parser hung on the main verb ('un informe de X publicado
        el año pasado, que ...'): after a comma, the nearest noun before it that can speak, a document
        or a name (the document whose author that name is, when it hangs on one)."""
        before = relative.doc[relative.sent.start:relative.i]
        if relative.dep_ != "nsubj" or not before or not before[-1].is_punct:
            return None
        for token in reversed(before):
            if token.lemma_.lower() in self.cues["documents"] or token.lower_ in self.cues["documents"]:
                return token
            mention = self.mention_at(token)
            if mention is not None and mention.entity.type in SPEAKER_TYPES and token.dep_ != "flat":
                owner = token.head
                return owner if token.dep_ == "nmod" and owner.lemma_.lower() in self.cues["documents"] else token
        return None

    def split_document(self, entity: Entity | None) -> tuple[Entity | None, Entity | None]:
        if entity is not None and entity.type == "Document" and entity.author_key:
            author = self._author_entity(entity.author_key)
            return (author or entity), entity
        return entity, None

    def _author_entity(self, key: str) -> Entity | None:
        for mention in self.mentions:
            if mention.entity.key == key:
                return mention.entity
        if key in self.created:
            return self.created[key]
        return known_entity(key) if key in alias_table() else None

    def document_named(self, head: Token, depth: int, owner: Entity | None = None) -> tuple[Entity | None, Entity | None]:
        """'the report, released by the DHS Inspector General', 'their lawsuit', 'statistics in the report'.
        owner: the clause's subject, whom a possessive pronoun there refers to ('Mexico claims in their lawsuit')."""
        author: Entity | None = None
        for child in head.children:
            if author is not None:
                break  # the nearest: "un comunicado de la Embajada X en México" is the embassy's
            cased = [c.lower_ for c in child.children if c.dep_ == "case"]
            if cased and not set(cased) & self.cues["author_prepositions"]:
                continue  # "en México" places the document; "de/por X" says whose it is
            if child.dep_ == "poss":
                if owner is not None and child.pos_ == "PRON":
                    author = owner
                else:
                    author, _ = self.entity_for(child, depth + 1)
            elif child.dep_ in ("compound", "nmod", "amod") and self.mention_at(child):
                candidate = self.mention_at(child).entity
                if candidate.type in ("Agency", "Organization", "Country", "Outlet", "Person", "Operation"):
                    author = candidate
            elif child.dep_ == "nmod" and any(c.dep_ == "case" and c.lower_ in self.cues["author_prepositions"]
                                             for c in child.children):
                # "registros de la propia agencia", "cifras de la dependencia": a description or pronoun
                author, _ = self.entity_for(child, depth + 1)
        if author is None:
            # "the audit was released by X": the agent hangs on the verb, not on the noun
            carriers = list(head.subtree) + ([c for c in head.head.children if c.dep_ == "agent"] if head.dep_ == "nsubjpass" else [])
            for token in carriers:
                if token.dep_ in ("agent", "prep") and token.lower_ in self.cues["author_prepositions"]:
                    objects = [c for c in token.children if c.dep_ == "pobj"]
                    if objects and objects[0].lemma_.lower() not in self.cues["documents"]:
                        author, _ = self.entity_for(objects[0], depth + 1)
                        if author is not None:
                            break
        if author is None:
            # "statistics provided in the report": the document named inside speaks
            for token in head.subtree:
                if token.i != head.i and token.dep_ == "pobj" and token.lemma_.lower() in self.cues["documents"]:
                    return self.entity_for(token, depth + 1)
        if author is None and any(c.lower_ in self.cues["definite"] for c in head.children):
            earlier = self.resolve_description(head)
            if earlier is not None:
                return self.split_document(earlier)
            if depth < 2:  # "The audit was released by X. ... The audit found": the same noun, named before
                for token in reversed(head.doc[max(0, head.i - 400):head.i]):
                    if token.lemma_ == head.lemma_ and token.i != head.i:
                        found = self.document_named(token, depth + 1)
                        if found[1] is not None or (found[0] is not None and found[0].type != "Document"):
                            return found
                        break
        named = self.mention_at(head)
        if named is not None and named.entity.type == "Document":
            document = named.entity
            if author is not None:
                document.author_key = author.key
            elif document.author_key:
                author = self._author_entity(document.author_key)
            return (author or document), document
        noun = head.text.lower()
        if author is None:
            words = [t for t in head.subtree if t.i <= head.i]
            documents = self.cues["documents"]
            if not any(self.mention_at(t) or t.dep_ == "poss" or t.pos_ == "PROPN" and t.lower_ not in documents
                       and t.lemma_.lower() not in documents for t in words):
                # "Statistics show", "Another data analysis showed": a study nobody is named for
                # asserts nothing itself; the figure stays with the outlet that reports it
                return None, None
            label = clean_name(_text_of(words)) or noun
            return self._made(entity_key(label, kind="document"), label, "Document"), None
        label = f"{author.label} {noun}"
        document = self._made(entity_key(label, kind="document"), label, "Document", author_key=author.key)
        return author, document
