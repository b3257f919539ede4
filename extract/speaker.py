"""Who speaks for a figure that no source in its sentence asserts: one fallback chain.

1. named: the source named in the sentence (the attribution component; nested "according to");
2. own voice: the document's own author, when the text speaks for itself ("we found", "our
   analysis") or names itself ("GAO-11-407T" in its header, "What GAO Found");
3. outlet: the stated outlet or aggregator, or the site the text was read from;
4. byline: the byline's author, when no outlet is known;
5. issuer: the body that issues a release (its title names one agency, or its dateline is
   followed by an agency announcing or acting: "EL PASO, Texas – CBP officers seized ...");
6. unknown: an unknown outlet.
Each claim's Source records the step that credited it (Source.credited_by)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from itertools import islice

from spacy.tokens import Doc

from .discourse import QUOTE_RE, cue_words
from .entities import mention_index
from .lexicon import load
from .names import agencies_named_in, alias_table, author_entity, known_entity, outlet_entity, site_domain
from .records import Article, Entity

NAMED, OWN_VOICE, OUTLET, BYLINE, ISSUER, UNKNOWN = "named", "own voice", "outlet", "byline", "issuer", "unknown"
CHAIN = (NAMED, OWN_VOICE, OUTLET, BYLINE, ISSUER, UNKNOWN)


@dataclass(frozen=True)
class Speaker:
    entity: Entity
    step: str  # one of CHAIN


@cache
def _voice_rules(language: str = "en") -> dict:
    return load("cues", language)["document_voice"]


@lru_cache(maxsize=64)
def _agencies_in(text: str) -> frozenset[str]:
    return frozenset(agencies_named_in(text))


def _one_agency(name: str) -> Entity | None:
    agencies = set(_agencies_in(name))
    return known_entity(agencies.pop()) if len(agencies) == 1 else None


def _chain_of(key: str) -> list[str]:
    """An agency and the agencies it is part of, innermost first (ofo, cbp, dhs)."""
    keys = [key]
    while (parent := known_entity(keys[-1]).part_of) and parent not in keys:
        keys.append(parent)
    return keys


def one_body(keys: list[str], innermost: bool) -> Entity | None:
    """Agencies named together that are one body seen at several levels ('CBP, Office of Field
    Operations officers'; 'Department of Justice / U.S. Attorney's Office'): the innermost or the
    first named. Two bodies apart (CBP and the FBI) are no one."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return None
    deepest = max(keys, key=lambda k: len(_chain_of(k)))
    if not all(k in _chain_of(deepest) for k in keys):
        return None
    return known_entity(deepest if innermost else keys[0])


def language_of(article: Article) -> str:
    """The language whose rules read the article's header and voice (English when none is known)."""
    return article.language or "en"


@lru_cache(maxsize=8)  # read by several steps of one article
def _header_lines(content: str, language: str = "en") -> list[re.Match]:
    """The title line and the short lines under it, before the prose starts, where a report or a
    release names who issues it. A line of prose (a sentence, a dateline, a bullet) ends the header;
    the language's lexicons say how long a header runs and what a dateline looks like."""
    rules = _voice_rules(language)
    dateline = re.compile(load("outlets", language)["dateline"])
    lines = list(islice(re.finditer(r"[^\S\n]*(\S[^\n]*)", content), rules["header_lines"]))
    header = lines[:1]
    for match in lines[1:]:
        line = match.group(1).strip()
        if len(line) > rules["header_line_length"] or re.search(r"[.!?:;,\"”]$", line) or dateline.match(line) \
                or not line[0].isalnum() or re.match(r"\w\s", line):  # a bullet ('• ...', 'o ATF is ...:')
            break
        header.append(match)
    return header


def _header(content: str, language: str = "en") -> str:
    """The header's lines under the title (the title is not the header: it names what a report examines)."""
    return "\n".join(match.group(1).strip() for match in _header_lines(content, language)[1:])


def header_end(content: str, language: str = "en") -> int:
    """Where the title and the header under it end: the body starts after."""
    lines = _header_lines(content, language)
    return lines[-1].end() if lines else 0


def self_named_author(content: str, language: str = "en") -> Entity | None:
    """The agency a text names as its own author: a report number in its header ('GAO-11-407T'),
    a heading of its own ('What GAO Found'), by its language's patterns. Only a known agency, and only one."""
    rules = _voice_rules(language)
    header = "\n".join(content.strip().splitlines()[:rules["header_lines"]])
    for pattern in rules["header_names"]:
        for match in re.finditer(pattern, header, re.MULTILINE):
            found = _one_agency(match.group("name"))
            if found is not None:
                return found
    for pattern in rules["heading_names"]:
        for match in re.finditer(pattern, content, re.MULTILINE):
            found = _one_agency(match.group("name"))
            if found is not None:
                return found
    return None


def header_agency(content: str, language: str = "en") -> Entity | None:
    """The one body the header under the title names ('U.S. Department of Justice / U.S. Attorney's
    Office' -> the office). The title is not the header: a report's title names what it examines."""
    header = _header(content, language)
    named = sorted(_agencies_in(header), key=lambda key: _first_position(key, header))
    return one_body(named, innermost=True)


def _first_position(key: str, text: str) -> int:
    row = known_entity(key)
    positions = [text.find(name) for name in [row.label, *row.aliases] if name and text.find(name) >= 0]
    return min(positions, default=len(text))


def speaks_for_itself(doc: Doc, cues: dict) -> bool:
    """The text speaks of itself, outside quotes: 'we' or 'our' as the subject or owner of something,
    or itself as a document ('This report examines ...', 'this testimony discusses ...')."""
    quotes = [(m.start(), m.end()) for m in QUOTE_RE.finditer(doc.text)]

    def itself(t) -> bool:
        if t.lower_ in cues["own_voice"]:
            return t.dep_ in ("nsubj", "nsubjpass", "poss")
        return (t.dep_ == "nsubj" and t.lemma_.lower() in cues["documents"]
                and any(c.dep_ == "det" and c.lower_ in cues["self_determiners"] for c in t.children))
    return any(itself(t) and not any(a <= t.idx < b for a, b in quotes) for t in doc)


def is_release(article: Article) -> bool:
    """A release or a wire story: a dateline opens its body, or its header says it is a release."""
    language = language_of(article)
    return article.dateline or any(re.search(marker, _header(article.content, language), re.MULTILINE)
                                   for marker in _voice_rules(language)["release_markers"])


def release_issuer(article: Article, doc: Doc) -> Entity | None:
    """The agency that issues a release: the one its title names, the one its header names, or
    the one the opening sentence after its dateline has as subject, announcing or acting
    ('LAREDO, Texas – U.S. Customs and Border Protection officers seized ...', 'PHOENIX – HSI
    announced ...')."""
    if not is_release(article):
        return None
    if article.title:
        titled = _one_agency(article.title)
        if titled is not None:
            return titled
    language = language_of(article)
    headed = header_agency(article.content, language)
    if headed is not None or not article.dateline:
        return headed
    rules = _voice_rules(language)  # a Spanish release: its dateline and verbs
    dateline = re.compile(load("outlets", language)["dateline"])
    opening = "\n".join(article.content.splitlines()[:rules["lede_lines"]])
    match = next((m for m in (dateline.match(line.strip()) for line in opening.splitlines()) if m), None)
    if match is None:
        return None
    after = article.content.find(match.group(0)) + len(match.group(0))  # the lede starts after the dash
    lede = next((t for t in doc if t.idx >= after and not t.is_space), None)
    if lede is None:
        return None
    verb = lede.sent.root
    if verb.lemma_.lower() not in rules["announcing_verbs"]:
        return None
    _, by_token = mention_index(doc)
    actors = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    actors += [g for c in verb.children if c.dep_ == "agent" for g in c.children]  # "were seized by CBP officers"
    for actor in actors:
        named = {by_token[t.i].entity.key: by_token[t.i].entity for t in actor.subtree
                 if t.idx >= after and t.i in by_token and by_token[t.i].entity.type == "Agency"}
        if len(named) == 1 and next(iter(named)) not in alias_table():  # an agency the table does not know
            return next(iter(named.values()))
        body = one_body(list(named), innermost=False) if all(k in alias_table() for k in named) else None
        if body is not None:
            return body
    return None


@dataclass
class SpeakerChain:
    """Steps 2-6 of the chain for one article, found once."""
    voice: Entity | None
    outlet: Entity | None
    byline: Entity | None
    issuer: Entity | None
    unknown: Entity

    @classmethod
    def of(cls, article: Article, doc: Doc) -> SpeakerChain:
        stated = article.outlet or article.aggregator or site_domain(article.url)
        no_dateline = replace(article, dateline=False)  # the outlet alone, not a release's issuer
        outlet = outlet_entity(no_dateline) if stated else None
        byline = author_entity(article.author) if article.author and outlet is None else None
        language = language_of(article)
        voice = self_named_author(article.content, language)
        if voice is None and outlet is None and speaks_for_itself(doc, cue_words(language=language)):
            voice = header_agency(article.content, language)  # weaker than a stated outlet: only in its absence
        return cls(voice, outlet, byline, release_issuer(article, doc), outlet_entity(no_dateline))

    def default(self, own_voice: bool = False) -> Speaker:
        """The speaker of a figure no source in its sentence asserts. A figure said in the
        document's own voice ('we found') is its author's, whichever step finds the author."""
        for entity, step in ((self.voice, OWN_VOICE), (self.outlet, OUTLET), (self.byline, BYLINE), (self.issuer, ISSUER)):
            if entity is not None:
                return Speaker(entity, OWN_VOICE if own_voice else step)
        return Speaker(self.unknown, UNKNOWN)

    @property
    def publisher(self) -> Entity:
        """Who published the text: its outlet, else the author it names itself or the issuer of its release."""
        return self.outlet or self.voice or self.issuer or self.unknown
