"""Entities: the domain entity ruler (patterns are data), typing of NER names, acronyms defined
in the text, the known-alias table, and one identity per real-world entity."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span

from .lexicon import load, load_jsonl
from .records import Article, Entity
from .components import doc_text, span_text

RULER_LABELS = {
    "AGENCY": "Agency", "OPERATION": "Operation", "DOCUMENT": "Document", "CRIMINAL_ORG": "CriminalOrganization",
    "OUTLET": "Outlet", "COUNTRY": "Country", "ORGANIZATION": "Organization", "PERSON_": "Person",
}
LABEL_OF_TYPE = {v: k for k, v in RULER_LABELS.items()}
NER_TYPES = {"ORG", "PERSON", "GPE", "NORP", "FAC", "LAW", "WORK_OF_ART"}


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:80] or "unnamed"


@lru_cache(maxsize=1 << 16)  # called for every mention, and names repeat
def clean_name(text: str) -> str:
    """Strip what is not part of a name: determiners, possessives, quotes, edge punctuation."""
    text = re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()
    text = re.sub(r"^(?:the|a|an|its|their|his|her)\s+", "", text, flags=re.IGNORECASE)
    text = re.sub(r"(?:'s|’s|'|’)$", "", text)
    text = re.sub(r"\s*\([^)]*$", "", text)  # an unclosed bracket the NER ran into
    text = re.sub(r"\s*[“\"][^”\"]*$", "", text)  # an unclosed quote: 'Joaquin “El Chapo'
    return text.strip(" \"'“”‘’,.;:()-")


@lru_cache(maxsize=1 << 16)
def name_key(text: str) -> str:
    """Lookup key for a name: case, punctuation, a leading 'U.S.' and a plural 's' on acronyms ignored."""
    text = clean_name(text).lower()
    text = re.sub(r"^(?:u\.s\.|us|united states)\s+", "", text)
    text = re.sub(r"[^\w\s]", "", text)
    return re.sub(r"\s+", " ", text).strip()


LOOSE_STOPWORDS = {"of", "the", "and", "for", "on", "de", "la", "del", "y", "a", "to", "in"}


def loose_key(text: str) -> str:
    """A forgiving identity for names the table does not know: word stems of five letters, no
    stopwords, so 'Transnational Criminal Investigation Unit' and '... Investigative Units' meet."""
    words = [w for w in name_key(text).split() if w not in LOOSE_STOPWORDS]
    return " ".join(w[:5] if len(w) > 3 else w for w in words)


@cache
def alias_table() -> dict[str, dict]:
    return load("aliases")["entities"]


@cache
def alias_index() -> dict[str, str]:
    """name_key(alias) -> canonical key, for every label and alias in the table."""
    index: dict[str, str] = {}
    for key, row in alias_table().items():
        for name in [row["label"], *row.get("aliases", [])]:
            index.setdefault(name_key(name), key)
    return index


@cache
def loose_alias_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for key, row in alias_table().items():
        for name in [row["label"], *row.get("aliases", [])]:
            if len(loose_key(name).split()) > 1:  # single words are too loose to match on
                index.setdefault(loose_key(name), key)
    return index


def known_entity(key: str) -> Entity:
    """An entity of the alias table. Its aliases start empty: an article graph records the names
    that article uses; the table's own aliases go once into the vocabulary graph."""
    row = alias_table()[key]
    return Entity(key=key, label=row["label"], type=row["type"], aliases=set(),
                  wikidata=row.get("wikidata"), part_of=row.get("part_of"))


def ruler_patterns() -> list[dict]:
    """Entity ruler patterns: the generic token patterns plus one phrase pattern per known alias."""
    patterns = list(load_jsonl("entity_patterns"))
    for key, row in alias_table().items():
        label = LABEL_OF_TYPE.get(row["type"], "ORGANIZATION")
        for name in {row["label"], *row.get("aliases", [])}:
            if len(name) > 1:
                patterns.append({"label": label, "pattern": name, "id": key})
    return patterns


@cache
def _type_words():
    lex = load("entity_types")
    return lex["types"], {j.lower() for j in lex["junk"]}


def type_of_name(text: str, ner_label: str) -> str | None:
    words, _ = _type_words()
    if ner_label == "PERSON":
        return "Person"
    if ner_label == "GPE":
        return None  # places are context, not actors; countries come from the alias table
    if ner_label not in ("ORG", "FAC", "LAW", "WORK_OF_ART", "NORP"):
        return None
    tokens = set(re.findall(r"[\w.]+", text.lower()))
    for type_name, type_words in words.items():
        if tokens & set(type_words):
            return type_name
    if ner_label in ("LAW", "WORK_OF_ART"):
        return "Document"
    if ner_label == "NORP":
        return None
    return "Organization"


def is_junk(text: str) -> bool:
    _, junk = _type_words()
    cleaned = clean_name(text)
    if len(cleaned) < 2 or cleaned.lower() in junk or text.strip().lower() in junk:
        return True
    if not re.search(r"[A-Z]", cleaned):
        return True  # lower-case fragments are not names
    return bool(re.fullmatch(r"[\W\d]+", cleaned))


ACRONYM_STOPWORDS = {"of", "and", "the", "for", "on", "de", "la", "y", "del", "a", "to", "in"}
ACRONYM = re.compile(r"((?:[A-ZÀ-Ý][\w.'’&-]*|of|and|the|for|on|de|la|y|del|a|to|in)(?:[ ,]+(?:[A-ZÀ-Ý][\w.'’&-]*|of|and|the|for|on|de|la|y|del|a|to|in)){0,9})\s*\(([A-ZÀ-Ý][A-Za-zÀ-ÿ&]{1,7})\)")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()


def defined_acronyms(text: str) -> list[tuple[str, str, int, int]]:
    """'Homeland Security Investigations (HSI)' -> (long name, acronym, start, end) of the long name.
    The long name is the shortest run of words before the bracket that spells the acronym."""
    found = []
    for m in ACRONYM.finditer(text):
        words_text, acronym = m.group(1), m.group(2)
        letters = _fold(re.sub(r"s$", "", acronym) if len(acronym) > 2 else acronym)
        letters = re.sub(r"[^A-Z]", "", letters)
        words = list(re.finditer(r"[\w.'’&-]+", words_text))
        for first in range(len(words) - 1, -1, -1):
            candidate = [w.group(0) for w in words[first:]]
            if candidate[0].lower() in ACRONYM_STOPWORDS:
                continue
            if _spells(letters, candidate):
                start = m.start(1) + words[first].start()
                end = m.start(1) + words[-1].end()
                found.append((text[start:end], acronym, start, end))
                break
    return found


def _spells(letters: str, words: list[str]) -> bool:
    """Every word but a stopword starts the next letter and may give more letters from inside
    itself ('Southwest Intelligence Group' spells SWIG); stopwords may give a letter or none
    ('Without a Trace' spells WaT)."""
    folded = [_fold(w) for w in words]

    def match(li: int, wi: int) -> bool:
        if wi == len(folded):
            return li == len(letters)
        word = folded[wi]
        if words[wi].lower() in ACRONYM_STOPWORDS and match(li, wi + 1):
            return True
        if li >= len(letters) or not word or word[0] != letters[li]:
            return False
        # the word gives its first letter and then, optionally, more letters found inside it
        li += 1
        if match(li, wi + 1):
            return True
        position = 1
        while li < len(letters):
            position = word.find(letters[li], position)
            if position < 0:
                return False
            li += 1
            position += 1
            if match(li, wi + 1):
                return True
        return False

    return match(0, 0)


def outlet_entity(article: Article) -> Entity:
    """Who publishes the text: its stated outlet, else its author, else its aggregator; for a
    press release (a dateline and no outlet), the one agency its title names."""
    for name, type_name in ((article.outlet, "Outlet"), (article.author, "Person"), (article.aggregator, "Outlet")):
        if name:
            key = alias_index().get(name_key(name))
            if key:
                return known_entity(key)
            return Entity(key=slug(clean_name(name)), label=clean_name(name), type=type_name, aliases={name})
    if article.dateline and article.title:
        agencies = agencies_named_in(article.title)
        if len(agencies) == 1:
            return known_entity(agencies.pop())
    return Entity(key=f"publisher_of_{slug(article.file_name)}", label=f"unnamed publisher of {article.file_name}",
                  type="Outlet")


def agencies_named_in(text: str) -> set[str]:
    """Keys of the known agencies whose names or aliases occur in text as whole words."""
    found = set()
    for key, row in alias_table().items():
        if row["type"] != "Agency":
            continue
        for name in [row["label"], *row.get("aliases", [])]:
            if len(name) > 1 and re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", text):
                found.add(key)
                break
    return found


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
        for long_name, acronym, _, end in defined_acronyms(doc_text(doc)):
            key = alias_index().get(name_key(acronym)) or alias_index().get(name_key(long_name))
            if key is None:
                key = slug(long_name)
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
        if label in ("ORG",) and len(span) == 1 and not span.ent_id_ and text.isupper() and len(text) <= 5 \
                and name_key(text) not in alias_index() and name_key(text) not in self.acronyms:
            return None  # an acronym nobody defined: too little to know what it names
        nk = name_key(text)
        key = span.ent_id_ or alias_index().get(nk) or self.acronyms.get(nk) or loose_alias_index().get(loose_key(text))
        if key:
            entity = self._entity(key, clean_name(text), RULER_LABELS.get(label, "Organization"))
        elif label == "PERSON":
            surname = clean_name(text).split()[-1]
            key = self.surnames.get(surname) or slug(clean_name(text))
            if len(clean_name(text).split()) > 1:
                self.surnames.setdefault(surname, key)
            entity = self._entity(key, clean_name(text), "Person")
        else:
            type_name = RULER_LABELS.get(label) or type_of_name(text, label)
            if type_name is None:
                return None
            entity = self._entity(slug(loose_key(text)) or slug(clean_name(text)), clean_name(text), type_name)
            if type_name == "Document" and entity.author_key is None:
                entity.author_key = self._author_inside(span)
        entity.aliases.add(clean_name(text))
        return entity

    def _author_inside(self, span: Span) -> str | None:
        """'Treasury report', 'GAO audit': the known body named at the front of a document's name."""
        for end in range(span.end - 1, span.start, -1):
            for start in range(span.start, end):
                key = alias_index().get(name_key(span.doc[start:end].text)) or self.acronyms.get(name_key(span.doc[start:end].text))
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


@Language.factory("claimgraph_entities")
def make_entity_linker(nlp: Language, name: str):
    """Turns doc.ents into Mention records with one Entity per real-world thing (doc._.cg_mentions)."""
    return link_entities


def link_entities(doc: Doc) -> Doc:
    resolver = EntityResolver(doc)
    mentions: list[Mention] = []
    for span in doc.ents:
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
