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
from functools import cache

from spacy.tokens import Doc

from .entities import mention_index
from .lexicon import load
from .names import agencies_named_in, author_entity, known_entity, outlet_entity, site_domain
from .records import Article, Entity

NAMED, OWN_VOICE, OUTLET, BYLINE, ISSUER, UNKNOWN = "named", "own voice", "outlet", "byline", "issuer", "unknown"
CHAIN = (NAMED, OWN_VOICE, OUTLET, BYLINE, ISSUER, UNKNOWN)


@dataclass(frozen=True)
class Speaker:
    entity: Entity
    step: str  # one of CHAIN


@cache
def _voice_rules() -> dict:
    return load("cues")["document_voice"]


def _one_agency(name: str) -> Entity | None:
    agencies = agencies_named_in(name)
    return known_entity(agencies.pop()) if len(agencies) == 1 else None


def self_named_author(content: str) -> Entity | None:
    """The agency a text names as its own author: a report number in its header ('GAO-11-407T'),
    a heading of its own ('What GAO Found'). Only a known agency, and only one."""
    rules = _voice_rules()
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


def release_issuer(article: Article, doc: Doc) -> Entity | None:
    """The agency that issues a release: the one its title names, or the one the opening sentence
    after its dateline has as subject, announcing or acting ('LAREDO, Texas – U.S. Customs and
    Border Protection officers seized ...', 'PHOENIX – HSI announced ...')."""
    if not article.dateline:
        return None
    if article.title:
        titled = _one_agency(article.title)
        if titled is not None:
            return titled
    rules = _voice_rules()
    dateline = re.compile(load("outlets")["dateline"].lstrip("^"))
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
    for subject in (c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")):
        agencies = {by_token[t.i].entity.key: by_token[t.i].entity for t in subject.subtree
                    if t.idx >= after and t.i in by_token and by_token[t.i].entity.type == "Agency"}
        if len(agencies) == 1:
            return next(iter(agencies.values()))
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
        return cls(self_named_author(article.content), outlet, byline, release_issuer(article, doc),
                   outlet_entity(no_dateline))

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
