"""The entity component: each NER or ruler mention gets one identity per real-world entity,
merging aliases, acronyms and surnames (the names themselves are in names.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from .components import doc_text, span_text
from .lexicon import load
from .names import NER_TYPES, RULER_LABELS, acronym_in_other_case, alias_index, alias_table, body_of_country, clean_name, country_key, country_of, defined_acronyms, entity_key, is_junk, known_entity, leading_body_words, looks_like_demonym, loose_alias_index, loose_key, name_key, outlet_by_words, type_of_name
from .records import Entity


@dataclass
class Mention:
    entity: Entity
    span: Span


class EntityResolver:
    """Gives each mention in one article its entity, merging aliases, acronyms and surnames."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.entities: dict[str, Entity] = {}
        self.acronyms: dict[str, str] = {}  # name_key(acronym or long name) -> entity key
        self.surnames: dict[str, str] = {}
        self.loose: dict[str, str] = {}  # loose_key(name) -> key: one entity for a name's variants in one text
        self.nicknames: dict[str, str] = {}  # name_key('El Chapo') -> the person 'Joaquin “El Chapo” Guzman'
        self.known = alias_index(doc.lang_)  # the table's names and the text's language's own
        for long_name, acronym, _, end in defined_acronyms(doc_text(doc)):
            key = self.known.get(name_key(acronym)) or self.known.get(name_key(long_name))
            if key is None:
                key = entity_key(long_name)
            # 'the Central American Fingerprint Exchange (CAFÉ) initiative': the word after the bracket
            following = re.match(r"\s*\([^)]*\)\s+(\w+)", doc_text(doc)[end:end + 40])
            named = f"{long_name} {following.group(1)}" if following else long_name
            entity = self._entity(key, clean_name(long_name), self._type_guess(named))
            entity.aliases.update({acronym, clean_name(long_name)})
            self.acronyms[name_key(acronym)] = key
            self.acronyms[name_key(re.sub(r"s$", "", acronym))] = key
            self.acronyms[name_key(long_name)] = key

    def _type_guess(self, name: str) -> str:
        if re.match(r"(?i)(operation|project|program|initiative)\b", name) or re.search(r"(?i)\b(initiative|program|center|task force|units?)$", name):
            return "Operation"
        return type_of_name(name, "ORG") or "Organization"

    def _entity(self, key: str, label: str, type_name: str) -> Entity:
        if key not in self.entities:
            self.entities[key] = known_entity(key) if key in alias_table() else Entity(key=key, label=label, type=type_name)
        return self.entities[key]

    def resolve(self, span: Span) -> Entity | None:
        text = span_text(span)
        if is_junk(text):
            return None
        label = span.label_
        first_line = doc_text(span.doc).find("\n")
        if label in NER_TYPES and len(span) > 4 and (first_line < 0 or span.start_char < first_line):
            return None  # headline case makes the NER take whole phrases for names
        words = clean_name(text).split()
        if label not in ("PERSON",) and words and words[-1] in self.surnames and not span.ent_id_:
            return self.entities[self.surnames[words[-1]]]  # 'Demlein' after 'Chris Demlein'
        if not span.ent_id_ and name_key(text) in self.nicknames:
            return self.entities[self.nicknames[name_key(text)]]  # 'El Chapo' after 'Joaquin “El Chapo” Guzman'
        if label in ("ORG",) and len(span) == 1 and not span.ent_id_ and text.isupper() and len(text) <= 5 \
                and name_key(text) not in self.known and name_key(text) not in self.acronyms:
            return None  # an acronym nobody defined: too little to know what it names
        nk = name_key(text)
        key = span.id_ or span.ent_id_ or self.known.get(nk) or self.acronyms.get(nk) or loose_alias_index().get(loose_key(text))
        if key:  # a known name, or one completed_names made (typed by its words, as a new name is)
            entity = self._entity(key, clean_name(text), RULER_LABELS.get(label) or type_of_name(text, label) or "Organization")
        elif label == "PERSON":
            name = self._person_name(span, text)
            if name is None:
                return None
            surname = name.split()[-1]
            if len(name.split()) == 1 and surname not in self.surnames and outlet_by_words(name):
                entity = self._entity(entity_key(name), name, "Outlet")  # 'reported by Breitbart'
                entity.aliases.add(name)
                return entity
            key = self.surnames.get(surname) or entity_key(name)
            if len(name.split()) > 1:
                self.surnames.setdefault(surname, key)
            nickname = re.search(r"[“\"]([^”\"]+)[”\"]", name)
            entity = self._entity(key, name, "Person")
            if nickname:
                self.nicknames.setdefault(name_key(nickname.group(1)), key)
                entity.aliases.add(nickname.group(1))
            text = name
        else:
            type_name = RULER_LABELS.get(label) or type_of_name(text, label)
            if type_name is None:
                return None
            loose = loose_key(text)
            key = self.loose.setdefault(loose, entity_key(text)) if loose else entity_key(text)
            entity = self._entity(key, clean_name(text), type_name)
            if type_name == "Document" and entity.author_key is None:
                entity.author_key = self._author_inside(span)
        entity.aliases.add(clean_name(text))
        return entity

    def _person_name(self, span: Span, text: str) -> str | None:
        """The name of the person a PERSON span names, or None where it names no one: a span that
        holds a known body's acronym in another case ('Smuggling Gao' in a title-case line of a GAO
        text), one whose first words end a body's name and leave less than a full name ('Field
        Operations Hector'), or a figure of speech ('operate more like Keystone Kops')."""
        words = clean_name(text).split()
        if not words or any(acronym_in_other_case(w, doc_text(span.doc)) for w in words):
            return None
        words = words[leading_body_words(words):]
        if len(words) < (1 if len(clean_name(text).split()) == len(words) else 2):
            return None
        root = span.root
        if root.dep_ == "pobj" and root.head.lower_ == "like" and root.head.head.pos_ in ("VERB", "AUX"):
            return None  # a simile of manner compares; it names no one in the story
        return " ".join(words)

    def _author_inside(self, span: Span) -> str | None:
        """'Treasury report', 'GAO audit': the known body named at the front of a document's name."""
        for end in range(span.end - 1, span.start, -1):
            for start in range(span.start, end):
                key = self.known.get(name_key(span.doc[start:end].text)) or self.acronyms.get(name_key(span.doc[start:end].text))
                if key and alias_table().get(key, {}).get("type") in ("Agency", "Organization", None):
                    return key
        return None


def acronym_mentions(doc: Doc, resolver: EntityResolver, taken: list[Mention]) -> list[Mention]:
    """Names defined in the text ('Southwest Intelligence Group (SWIG)') that the NER missed, and
    every later use of their acronym."""
    covered = {i for m in taken for i in range(m.span.start, m.span.end)}
    found: list[Mention] = []
    for long_name, acronym, start, end in defined_acronyms(doc_text(doc)):
        entity = resolver.entities.get(resolver.acronyms.get(name_key(acronym), ""))
        if entity is None:
            continue
        spans = [doc.char_span(start, end, alignment_mode="contract")]
        spans += [doc[t.i:t.i + 1] for t in doc if t.text in (acronym, acronym.rstrip("s"))]
        for span in spans:
            if span is not None and len(span) and not covered & set(range(span.start, span.end)):
                found.append(Mention(entity, span))
                covered |= set(range(span.start, span.end))
    return found


@Language.factory("claimgraph_entities", assigns=["doc._.cg_mentions", "doc._.cg_entities"], requires=["doc.ents"],
                  default_config={"entity_types": "entity_types", "relations": "relations"})
def make_entity_linker(nlp: Language, name: str, entity_types: str, relations: str):
    """Turns doc.ents into Mention records with one Entity per real-world thing (doc._.cg_mentions).
    The names of real-world things are the alias table's (names.py); how a name the NER cut short
    carries on comes from the lexicons the config names."""
    rules = NameRules.of(load(entity_types), load(relations))
    return lambda doc: link_entities(doc, rules)


def mention_index(doc: Doc) -> tuple[list[Mention], dict[int, Mention]]:
    """The doc's mentions in order, and the mention each token is part of."""
    mentions = sorted(doc._.cg_mentions or [], key=lambda m: m.span.start)
    return mentions, {i: m for m in mentions for i in range(m.span.start, m.span.end)}


def hyphen_joined(doc: Doc) -> list[Span]:
    """doc.ents with names the NER cut at a hyphen put back together: "Transnational Anti" +
    "Gang initiative" is one name when only a hyphen without spaces stands between them."""
    spans: list[Span] = []
    for span in doc.ents:
        previous = spans[-1] if spans else None
        between = doc[previous.end:span.start] if previous is not None else None
        hyphen = previous is not None and (
            len(between) == 1 and between[0].text in ("-", "–") and not doc[previous.end - 1].whitespace_
            or not len(between) and doc[previous.end - 1].text in ("-", "–"))
        if hyphen and not doc[span.start - 1].whitespace_:
            start = previous.start + (1 if doc[previous.start].lower_ == "the" else 0)
            spans[-1] = Span(doc, start, span.end, label=span.label_)
        else:
            spans.append(span)
    return spans


@dataclass(frozen=True)
class NameRules:
    """How the entity component completes names, from the lexicons its config names."""
    office_extensions: re.Pattern  # what carries an office's name on ("for the District of Arizona")
    role_words: frozenset[str]  # words before a name that are not part of it: titles, honorifics
    programme_nouns: frozenset[str]  # words that open a programme's name: "Operation", "Project"
    agency_words: frozenset[str]  # words that make a name a body's: "Office", "Ministry", "Police"

    @classmethod
    def of(cls, entity_types: dict, relations: dict) -> "NameRules":
        return cls(re.compile("|".join(f"(?:{rule})" for rule in entity_types["office_extensions"])),
                   frozenset(relations["role_words"]) | frozenset(entity_types["honorifics"]),
                   frozenset(relations["program_nouns"]), frozenset(entity_types["types"]["Agency"]))

    def name_word(self, token) -> bool:
        """A word that can carry on a person's name: capitalised, a proper noun, in no other entity."""
        return (token.is_title and token.pos_ == "PROPN" and token.ent_iob_ == "O"
                and token.lower_.rstrip(".") not in self.role_words and not token.is_sent_end)


def _modifies_name(token, start: int, end: int) -> bool:
    """A capitalised proper noun in no entity, right before a name and attached into it."""
    return (token.is_title and token.pos_ == "PROPN" and token.ent_iob_ == "O" and bool(token.whitespace_)
            and start <= token.head.i < end)


def _nicknamed(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """'Joaquin “El Chapo” Guzman': a name word, a nickname of capitalised words in quotes, then the
    surname, around or beside the span (the NER stops inside the quotes, or takes the nickname
    alone); the whole name's start and end, or None."""
    opening = next((i for i in range(max(start - 1, 1), min(end + 1, len(doc))) if doc[i].text in ("“", '"')), None)
    if opening is None or not (doc[opening - 1].is_title and doc[opening - 1].pos_ == "PROPN"):
        return None
    closing = next((i for i in range(opening + 2, min(opening + 6, len(doc))) if doc[i].text in ("”", '"')), None)
    if closing is None or not all(doc[i].text[:1].isupper() for i in range(opening + 1, closing)):
        return None
    stop = closing + 1
    while stop < len(doc) and stop - closing <= 2 and doc[stop].is_title and doc[stop].pos_ == "PROPN":
        stop += 1
    return (min(start, opening - 1), stop) if stop > closing + 1 else None


def _possessing_country(result: list[Span], start: int) -> Span | None:
    """The country named right before a body's name: its possessor ('Mexico' of "Mexico's ..."), or a
    nationality the NER took for a name of its own ('Honduran' of "The Honduran Foreign Ministry")."""
    if not result or start < 1:
        return None
    before, doc = result[-1], result[-1].doc
    if before.end == start - 1 and start >= 2 and before.label_ in ("GPE", "COUNTRY") and doc[start - 1].lower_ in ("'s", "’s"):
        return before
    if before.end == start and before.label_ in ("ORG", "NORP", "GPE") and looks_like_demonym(doc[start - 1].text) \
            and all(t.pos_ == "DET" for t in doc[before.start:start - 1]):
        return doc[start - 1:start]
    return None


def _demonym_body_end(doc: Doc, span: Span, agency_words: frozenset[str]) -> int | None:
    """'Guatemalan' + "Attorney General's Office" that the NER left out or cut: a nationality followed
    by capitalised words in no entity but a guessed organisation, the last a body's word; where the
    body's name ends."""
    if len(span) > 2 or not looks_like_demonym(span[-1].text):
        return None
    end, i = None, span.end
    while i < len(doc) and (doc[i].ent_iob_ == "O" or doc[i].ent_type_ == "ORG") and (doc[i].is_title or doc[i].lower_ in ("'s", "’s")):
        if doc[i].lower_ in agency_words:
            end = i + 1
        i += 1
    return end


def _owned_body_key(owner: Span, body: Span, named: Span) -> str | None:
    """The identity of a body named through a country ("Guatemala's Attorney General's Office"):
    the known body of that country the name is ("Mexico's Foreign Ministry" is the table's, as is
    a body of no known country), else a body of its own whose name holds the possessor: offices
    with one name in two countries are two offices. None for what is not a body."""
    owner_text, body_text, named_text = span_text(owner), span_text(body), span_text(named)
    known = alias_index(named.doc.lang_).get(name_key(named_text))
    if known:
        return known
    owner_key = owner.ent_id_ or country_key(owner_text)
    table_key = body.ent_id_ or alias_index(body.doc.lang_).get(name_key(body_text))
    if table_key and country_of(table_key) in (None, owner_key):
        return table_key
    if table_key or type_of_name(body_text, "ORG") == "Agency":
        return body_of_country(owner_key, body_text) or entity_key(named_text)
    return None


def completed_names(spans: list[Span], rules: NameRules) -> list[Span]:
    """Names the NER cut short: a person's name carries on over the capitalised words beside it
    ("Juan Ernesto" + "Antonio Bernal Reyes"); an organisation takes back a capitalised word
    that modifies it ("Attorney" + "General's Office"); an office carries on over its district
    ("U.S. Attorney's Office" + "for the District of Arizona"), swallowing what the NER made of it;
    a body named through a country or a nationality takes it in ("Guatemala's" + "Attorney
    General's Office", "The Honduran" + "Foreign Ministry"), and the same name later in the text
    without one is that body again; a name with a quoted nickname in it is one person's
    ("Joaquin" + "“El Chapo”" + "Guzman")."""
    if not spans:
        return spans
    doc = spans[0].doc
    text = doc_text(doc)
    result: list[Span] = []
    owned: dict[str, str | None] = {}  # name_key(body's own name) -> key of the country's body; None: two countries
    for span in spans:
        owned_key = None
        start, end = span.start, span.end
        nicknamed = _nicknamed(doc, start, end) if span.label_ in NER_TYPES | {"PRODUCT", "LOC"} else None
        if nicknamed and span.label_ != "PERSON" and type_of_name(span_text(span), "ORG") == "Organization":
            span = Span(doc, start, end, label="PERSON")  # a name with a nickname in it is a person's, whatever the NER guessed
        body_end = _demonym_body_end(doc, span, rules.agency_words) if span.label_ in ("ORG", "NORP", "GPE") else None
        if body_end is not None:  # "Guatemalan" + "Attorney General's Office" the NER left out
            start += 1 if doc[start].pos_ == "DET" else 0
            span = Span(doc, start, body_end, label="ORG", span_id=entity_key(span_text(doc[start:body_end])))
            end = body_end
        if span.label_ == "PERSON":
            if result and result[-1].label_ == "PERSON" and result[-1].end == start:  # "Jorge Emilio Castro" "Lozano Ibarra"
                start = result[-1].start
            while end < len(doc) and rules.name_word(doc[end]) and doc[end - 1].whitespace_:
                end += 1
            while start > 0 and rules.name_word(doc[start - 1]) and doc[start - 1].whitespace_:
                start -= 1
            if nicknamed:
                start, end = min(start, nicknamed[0]), max(end, nicknamed[1])
        elif span.label_ in ("ORG", "AGENCY"):
            # a capitalised word the NER left off that modifies a body's name ("Attorney" + "General's
            # Office"); not a name that only the NER calls an organisation ("Lucia Ferrer Quintana")
            if span.label_ == "ORG" and type_of_name(span_text(span), "ORG") not in (None, "Organization"):
                while start > 0 and _modifies_name(doc[start - 1], start, end):
                    start -= 1
            extension = rules.office_extensions.match(text, span.end_char)
            if extension:
                extended = doc.char_span(span.start_char, extension.end(), alignment_mode="contract")
                end = extended.end if extended is not None else end
            body, owner = doc[start:end], _possessing_country(result, start)
            if owner is None and end - start > 1 and looks_like_demonym(doc[start].text):
                body, owner = doc[start + 1:end], doc[start:start + 1]  # "American Border Patrol" in one span
            bare = name_key(clean_name(span_text(body)))
            if owner is not None:
                owned_key = _owned_body_key(owner, body, doc[owner.start:end])
                if owned_key is not None:
                    owned[bare] = owned_key if owned.get(bare, owned_key) == owned_key else None
                    start = owner.start
                    if result and start <= result[-1].end - 1 < end and result[-1].end <= end:
                        result.pop()  # the NER's span of the nationality alone ("The Honduran")
            elif owned.get(bare):
                owned_key = owned[bare]
        while result and result[-1].start >= start and result[-1].end <= end:  # what the longer name now covers
            result.pop()
        if owned_key is not None:
            span = Span(doc, start, end, label=span.label_, span_id=owned_key)
        elif (start, end) != (span.start, span.end) and span.label_ == "PERSON":
            span = Span(doc, start, end, label=span.label_)
        elif (start, end) != (span.start, span.end):
            # its own identity: the office for one district is not the office at large (the ruler's id)
            span = Span(doc, start, end, label=span.label_, span_id=entity_key(span_text(doc[start:end])))
        result.append(span)
    # a span after an extended one that it now covers
    kept: list[Span] = []
    for span in result:
        if kept and span.start < kept[-1].end:
            continue
        kept.append(span)
    return kept


def split_coordinated(spans: list[Span], rules: NameRules) -> list[Span]:
    """One NER span over two names joined by a conjunction, the second opening with the first's
    word ("Operation Cold Harbor and Operation Desert Lock") or both with a programme's word
    ("Operation Cold Harbor and Project Desert Lock"), as two names."""
    result: list[Span] = []
    for span in spans:
        if len(span) < 3:  # no word between two others to join them
            result.append(span)
            continue
        joints = [t for t in span[1:-1] if t.pos_ == "CCONJ" or t.lower_ in ("and", "or", "&")]
        doc = span.doc
        second = doc[joints[0].i + 1].lower_ if joints else None
        opens_again = second == span[0].lower_ or {second, span[0].lower_} <= rules.programme_nouns
        if joints and opens_again and span[0].is_title and doc[joints[0].i + 1].is_title:
            cut = joints[0].i
            result += [Span(doc, span.start, cut, label=span.label_), Span(doc, cut + 1, span.end, label=span.label_)]
        else:
            result.append(span)
    return result


def described_bodies(spans: list[Span], rules: NameRules) -> list[Span]:
    """'a Coast Guard initiative': a body's name before a lower-case programme noun describes the
    body's programme; it is not a programme's name. The span becomes the body's name (a capitalised
    'Initiative' stays part of a name, as does 'the Anti-Gang initiative', whose last word is no
    body's word)."""
    result: list[Span] = []
    for span in spans:
        last = span[-1]
        if (len(span) >= 2 and last.is_lower and last.lower_ in rules.programme_nouns
                and span[-2].lower_ in rules.agency_words and span[-2].is_title):
            result.append(Span(span.doc, span.start, span.end - 1, label="ORG"))
        else:
            result.append(span)
    return result


def defined_long_names(spans: list[Span], doc: Doc) -> list[Span]:
    """The NER's pieces of a name the text defines by an acronym ('Oficina de Alcohol', 'Tabaco', 'Armas de
    Fuego y Explosivos' of '... (ATF, por sus siglas en inglés)') are that one name."""
    names = [(start, end) for _, _, start, end in defined_acronyms(doc_text(doc))]
    result: list[Span] = []
    placed: set[tuple[int, int]] = set()
    for span in spans:
        inside = next(((s, e) for s, e in names if s <= span.start_char and span.end_char <= e), None)
        if inside is None:
            result.append(span)
            continue
        whole = doc.char_span(*inside, label=span.label_, alignment_mode="contract")
        if inside in placed or whole is None or (result and result[-1].end > whole.start):
            continue
        placed.add(inside)
        result.append(whole)
    return result


def named_after_lower_case_head(spans: list[Span]) -> list[Span]:
    """'el programa Frontera Serena' (entity_patterns.jsonl): a programme's name begins at its first
    capitalised word; the determiner and the lower-case head before it say what it is, not its name."""
    trimmed = []
    for span in spans:
        first = next((t.i for t in span if t.is_title or t.is_upper), span.start)
        trimmed.append(Span(span.doc, first, span.end, label=span.label_) if span.label_ == "OPERATION" and first > span.start else span)
    return trimmed


def link_entities(doc: Doc, rules: NameRules) -> Doc:
    resolver = EntityResolver(doc)
    mentions: list[Mention] = []
    spans = defined_long_names(described_bodies(split_coordinated(named_after_lower_case_head(hyphen_joined(doc)), rules), rules), doc)
    for span in completed_names(spans, rules):
        entity = resolver.resolve(span)
        if entity is not None:
            mentions.append(Mention(entity, span))
    mentions += acronym_mentions(doc, resolver, mentions)
    doc._.cg_mentions = sorted(mentions, key=lambda m: m.span.start)
    doc._.cg_entities = resolver.entities
    return doc


for _ext in ("cg_mentions", "cg_entities"):
    if not Doc.has_extension(_ext):
        Doc.set_extension(_ext, default=None)
