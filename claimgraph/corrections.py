"""Corrections that survive rebuilds: corrections.yaml, kept with the articles, says what a person
changed in what the extraction found. The build applies it after extraction, every time, and the
graph keeps both (docs/corrections.md):

    - claim: {article: state.txt, figure: "between $19 and $29 billion"}
      source: U.S. Department of State          # re-attribute the claim
      note: "The report is the State Department's own estimate"
      by: A. Reporter
      date: 2026-12-07
    - claim: {article: ice.txt, figure: "2"}
      reject: true                               # not a figure claim
    - relation: {article: ice.txt, agent: ICE, relation: runs, target: Operation Too Hot to Handle}
      reject: true
    - entity: Keystone Kops
      type: Organization                         # every article
    - entity: Breitbart News Network
      merge_into: Breitbart                      # one entity, the second's key and label
    - entity: Tarvel Institute
      split: TI                                  # the name TI is not this entity ...
      as: {label: Tarvel Inspectorate, type: Agency}   # ... but one of its own (or 'into: NAME')
      articles: [harbour.txt]                    # only there (default: every article)
    - article: gao.txt
      set: {title: "Moving Illegal Proceeds", date: 2011-03-09}

A claim is named by its article and its figure as written, so a correction still finds it after
the text is edited elsewhere; one that finds nothing any more is reported by its entry."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from datetime import date as Date
from pathlib import Path

import yaml

from extract.names import alias_index, entity_key, known_entity, name_key
from extract.reader import NotADate, iso_date
from extract.readers import CORRECTIONS_FILE
from extract.records import AppliedCorrection, Article, ArticleRecords, Claim, Correction, Entity, Source, TextSpan

ENTITY_TYPES = ("Agency", "Organization", "CriminalOrganization", "Person", "Operation", "Activity", "Document",
                "Outlet", "Country", "Group")
METADATA_FIELDS = ("title", "outlet", "author", "date", "url")


class CorrectionError(ValueError):
    pass


def read_corrections(folder: Path) -> tuple[list[Correction], list[str]]:
    """The corrections beside the articles, and a problem for each entry that cannot be used (named
    by the file and its entry number; the other entries still apply)."""
    path = Path(folder) / CORRECTIONS_FILE
    if not path.is_file():
        return [], []
    try:
        entries = _entries(path)
    except CorrectionError as error:
        return [], [f"{CORRECTIONS_FILE}: not read: {error}"]
    if not isinstance(entries, list):
        return [], [f"{CORRECTIONS_FILE}: expected a list of entries, found {type(entries).__name__}"]
    found, problems = [], []
    for number, entry in enumerate(entries, 1):
        where = f"{CORRECTIONS_FILE} entry {number}"
        try:
            found.append(correction_of(entry, where))
        except CorrectionError as error:
            problems.append(f"{where}: {error}: entry ignored")
    return found, problems


MAX_BYTES = 5_000_000  # a corrections file is written by hand: anything larger is not one


def _entries(path: Path):
    """The file's YAML, read as front matter is (no aliases, dates as written): a bad file is a
    CorrectionError, never an exception that stops the build."""
    from extract.readers.plain import FrontMatterLoader

    if path.stat().st_size > MAX_BYTES:
        raise CorrectionError(f"{path.stat().st_size} bytes is over the limit of {MAX_BYTES}")
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=FrontMatterLoader) or []
    except (yaml.YAMLError, UnicodeDecodeError, ValueError, RecursionError) as error:
        raise CorrectionError(str(error).splitlines()[0] if str(error) else type(error).__name__) from None


def _text(entry: dict, name: str, where: str, required: bool = False) -> str | None:
    value = entry.get(name)
    if value is None:
        if required:
            raise CorrectionError(f"no {name!r}")
        return None
    if isinstance(value, (dict, list)):
        raise CorrectionError(f"{name!r} must be a text, not a {type(value).__name__}")
    return str(value).strip()


def correction_of(entry, where: str) -> Correction:
    """One entry as a Correction; CorrectionError says what is wrong with it."""
    if not isinstance(entry, dict):
        raise CorrectionError(f"expected a mapping, found {type(entry).__name__}")
    said = {"note": _text(entry, "note", where) or "", "by": _text(entry, "by", where) or "",
            "date": str(entry.get("date") or ""), "where": where}
    if "claim" in entry:
        claim = entry["claim"]
        if not isinstance(claim, dict) or not claim.get("article") or not claim.get("figure"):
            raise CorrectionError("'claim' needs its 'article' and its 'figure' as the text says it")
        base = {"article": str(claim["article"]), "figure": str(claim["figure"]), **said}
        if entry.get("reject") is True:
            return Correction("reject", **base)
        source = _text(entry, "source", where)
        if not source:
            raise CorrectionError("a claim is re-attributed ('source: NAME') or rejected ('reject: true')")
        return Correction("reattribute", value=source, **base)
    if "relation" in entry:
        relation = entry["relation"]
        if not isinstance(relation, dict) or not all(relation.get(k) for k in ("article", "agent", "relation", "target")):
            raise CorrectionError("'relation' needs its 'article', 'agent', 'relation' and 'target'")
        if entry.get("reject") is not True:
            raise CorrectionError("a relation can only be rejected ('reject: true')")
        return Correction("reject", article=str(relation["article"]),
                          relation=(str(relation["agent"]), str(relation["relation"]), str(relation["target"])), **said)
    if "entity" in entry:
        name = _text(entry, "entity", where, required=True)
        if entry.get("type") is not None:
            kind = _text(entry, "type", where)
            if kind not in ENTITY_TYPES:
                raise CorrectionError(f"type {kind!r} is not one of {', '.join(ENTITY_TYPES)}")
            return Correction("retype", entity=name, value=kind, **said)
        if entry.get("split") is not None:
            return _split_of(entry, name, said)
        into = _text(entry, "merge_into", where)
        if into:
            return Correction("merge", entity=name, value=into, **said)
        raise CorrectionError("an entity gets a 'type', is merged ('merge_into: NAME') or has a name split off ('split: NAME')")
    if "article" in entry:
        fields = entry.get("set")
        if not isinstance(fields, dict) or not fields:
            raise CorrectionError("an article's metadata is set with 'set: {title: ..., date: ...}'")
        unknown = [name for name in fields if name not in METADATA_FIELDS]
        if unknown:
            raise CorrectionError(f"no metadata field {', '.join(map(repr, unknown))} ({', '.join(METADATA_FIELDS)})")
        if "date" in fields:
            try:
                readable = iso_date(fields["date"]) is not None
            except NotADate:
                readable = False
            if not readable:
                raise CorrectionError(f"date {fields['date']!r} is not a date")
        return Correction("metadata", article=str(entry["article"]),
                          fields=tuple(sorted((k, str(v)) for k, v in fields.items())), **said)
    raise CorrectionError("names no 'claim', 'relation', 'entity' or 'article'")


def _split_of(entry: dict, name: str, said: dict) -> Correction:
    """A split: the name (as written) that the extraction made part of the entity is another one,
    new ('as: {label, type}', both optional) or an existing one ('into: NAME'), in the articles
    listed ('articles: [a.txt]') or in every article."""
    alias = _text(entry, "split", said["where"], required=True)
    if not alias or _same(alias) == _same(name):
        raise CorrectionError("'split' names the wrongly merged name, not the entity itself")
    articles = entry.get("articles", [])
    articles = [articles] if isinstance(articles, str) else articles
    if not isinstance(articles, list) or not all(isinstance(a, str) and a for a in articles):
        raise CorrectionError("'articles' is a list of file names")
    into, new = _text(entry, "into", said["where"]), entry.get("as")
    if into and new is not None:
        raise CorrectionError("a split name is another entity ('into: NAME') or a new one ('as: {label, type}'), not both")
    if new is not None and (not isinstance(new, dict) or set(new) - {"label", "type"}):
        raise CorrectionError("'as' is a mapping with 'label' and/or 'type'")
    new = {k: _text(new, k, said["where"]) for k in ("label", "type")} if new else {}
    if new.get("type") and new["type"] not in ENTITY_TYPES:
        raise CorrectionError(f"type {new['type']!r} is not one of {', '.join(ENTITY_TYPES)}")
    return Correction("split", entity=name, name=alias, value=into or None, articles=tuple(articles),
                      split_label=None if into else (new.get("label") or alias), split_type=new.get("type"), **said)


def corrections_for(article: Article, corrections: list[Correction]) -> list[Correction]:
    """The corrections that apply to an article: those naming it, and every entity's (a split's
    in the articles it lists)."""
    names = {article.file_name, *article.also_named}
    return [c for c in corrections if c.article in names or c.article is None and (not c.articles or names & set(c.articles))]


def corrected_key(sha256: str, corrections: list[Correction]) -> str:
    """An article's build key with its corrections: a changed correction rebuilds its articles, as
    a fresh build would make them."""
    if not corrections:
        return sha256
    data = json.dumps([sha256, [repr(c) for c in corrections]]).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def with_metadata(article: Article) -> Article:
    """The article with the metadata its corrections set (they come before any other origin)."""
    for correction in article.corrections:
        if correction.action == "metadata":
            for name, value in correction.fields:
                setattr(article, name, iso_date(value) if name == "date" else value)
                article.provenance[name] = CORRECTIONS_FILE
                if name == "author":
                    article.authors = [value]
    return article


def _same(text: str) -> str:
    return " ".join(text.split()).casefold()


def _named(entity: Entity, name: str) -> bool:
    wanted = _same(name)
    return entity.key == name or _same(entity.label) == wanted or any(_same(a) == wanted for a in entity.aliases)


def _source_named(name: str, records: ArticleRecords) -> Entity:
    """The entity a re-attribution names: one of the article's, a known one, or a new organisation."""
    for entity in records.entities:
        if _named(entity, name):
            return entity
    key = alias_index(records.article.language).get(name_key(name))
    if key is not None:
        return known_entity(key)
    return Entity(key=entity_key(name), label=name, type="Organization", aliases={name})


def _entities_mapped(records: ArticleRecords, change) -> None:
    """Every entity the records hold, through change (an Entity -> Entity function)."""
    records.entities = list({e.key: e for e in map(change, records.entities)}.values())
    records.publisher = change(records.publisher)
    records.authors = [change(a) for a in records.authors]
    for claim in records.claims:
        source = claim.source
        claim.source = replace(source, entity=change(source.entity),
                               document=change(source.document) if source.document else None,
                               reporter=change(source.reporter) if source.reporter else None)
    records.relations = [replace(r, agent=change(r.agent), target=change(r.target)) for r in records.relations]
    records.disputes = [replace(d, source=change(d.source)) for d in records.disputes]


def apply_corrections(records: ArticleRecords) -> list[str]:
    """The article's corrections applied to what was extracted from it, each recorded in
    records.corrections; the problems of those that found nothing (stale), by entry."""
    stale = []
    for correction in records.article.corrections:
        applied = _apply(correction, records)
        if applied is None:
            continue
        records.corrections.append(applied)
        if applied.stale:
            what = correction.figure or (" ".join(correction.relation) if correction.relation else correction.name or correction.entity)
            stale.append(f"{records.article.file_name}: {correction.where} ({correction.action} {what!r}) matches "
                         "nothing any more: stale, not applied")
    return stale


def _apply(correction: Correction, records: ArticleRecords) -> AppliedCorrection | None:
    if correction.action == "metadata":
        return AppliedCorrection(correction)  # set on the article when it was read
    if correction.figure is not None:
        claim = next((c for c in records.claims if _same(c.figure.span.text) == _same(correction.figure)), None)
        if claim is None:
            return AppliedCorrection(correction, stale=True)
        if correction.action == "reject":
            records.claims.remove(claim)
            records.disputes = [d for d in records.disputes if d.claim is not claim]
            return AppliedCorrection(correction, claim=claim)
        original = claim.source
        source = _source_named(correction.value, records)
        claim.source = Source(source, original.cue, unattributed=False, credited_by="named")  # the correction names it
        records.entities = [*records.entities, source] if source.key not in {e.key for e in records.entities} else records.entities
        return AppliedCorrection(correction, claim=claim, original=original)
    if correction.relation is not None:
        agent, relation, target = correction.relation
        found = next((r for r in records.relations if _named(r.agent, agent) and _named(r.target, target)
                      and r.relation == relation), None)
        if found is None:
            return AppliedCorrection(correction, stale=True)
        records.relations.remove(found)
        return AppliedCorrection(correction, relation=found)
    if correction.action == "split":
        return _split(correction, records)
    entity = next((e for e in records.entities if _named(e, correction.entity)), None)
    if entity is None:  # an entity this article does not name: nothing to correct here
        return None
    if correction.action == "retype":
        corrected = replace(entity, type=correction.value)
        _entities_mapped(records, lambda e: replace(e, type=correction.value) if e.key == entity.key else e)
        return AppliedCorrection(correction, entity=corrected, previous=entity.type)
    into = next((e for e in records.entities if _named(e, correction.value)), None) or _source_named(correction.value, records)
    merged = replace(into, aliases=set(into.aliases) | {entity.label} | set(entity.aliases))
    _entities_mapped(records, lambda e: merged if e.key in (entity.key, into.key) else e)
    return AppliedCorrection(correction, entity=merged, previous=entity.key)


def _occurs(name: str, text: str) -> bool:
    """The name, as written (an acronym's case counts: 'ICE' is not 'ice'), as whole words of text."""
    words = r"\s+".join(map(re.escape, name.split()))
    return re.search(rf"(?<!\w){words}(?!\w)", text) is not None


def _split(correction: Correction, records: ArticleRecords) -> AppliedCorrection | None:
    """The name split off the entity the extraction merged it into: it becomes the entity the entry
    names (new, or an existing one), and so does the source of each claim, and each relation's and
    dispute's party, whose evidence says the name and none of the entity's other names. Stale when
    the text no longer says the name or the extraction no longer merges it (in an article it lists;
    a split everywhere applies where the name is merged)."""
    entity = next((e for e in records.entities if _named(e, correction.entity)), None)
    name = correction.name
    if entity is None or not _occurs(name, records.article.text) or not _named(entity, name) or _same(entity.label) == _same(name):
        # stale in an article the entry lists; elsewhere, an article where the name is not merged
        return AppliedCorrection(correction, stale=True) if correction.articles else None
    if correction.value:
        found = next((e for e in records.entities if _named(e, correction.value)), None) or _source_named(correction.value, records)
        split = replace(found, aliases=set(found.aliases) | {name})
    else:
        split = Entity(key=entity_key(correction.split_label), label=correction.split_label,
                       type=correction.split_type or entity.type, aliases={name})
    others = [n for n in {entity.label, *entity.aliases} if _same(n) != _same(name)]
    rest = replace(entity, aliases={a for a in entity.aliases if _same(a) != _same(name)})

    def party(who: Entity, evidence: TextSpan) -> Entity:
        if who.key != entity.key:
            return split if who.key == split.key else who
        said = _occurs(name, evidence.text) and not any(_occurs(other, evidence.text) for other in others)
        return split if said else rest

    moved = []
    for claim in records.claims:
        original = claim.source
        claim.source = replace(original, entity=party(original.entity, claim.evidence))
        if claim.source.entity.key == split.key and original.entity.key == entity.key:
            moved.append((claim, original))
    records.relations = [replace(r, agent=party(r.agent, r.evidence), target=party(r.target, r.evidence))
                         for r in records.relations]
    records.disputes = [replace(d, source=party(d.source, d.evidence)) for d in records.disputes]
    records.publisher = rest if records.publisher.key == entity.key else records.publisher
    records.authors = [rest if a.key == entity.key else a for a in records.authors]
    still_named = any(_occurs(other, records.article.text) for other in others) or records.publisher.key == entity.key \
        or entity.key in {a.key for a in records.authors}
    records.entities = [e for e in records.entities if e.key not in (entity.key, split.key)] + ([rest] if still_named else []) + [split]
    return AppliedCorrection(correction, entity=split, previous=entity.key, moved=moved)


def write_correction(folder: Path, entry: dict) -> Path:
    """Append one entry to the corrections file beside the articles (made when missing), with today's date."""
    path = Path(folder) / CORRECTIONS_FILE
    correction_of({**entry, "date": entry.get("date") or Date.today().isoformat()}, "the new entry")  # refuse a bad one
    entries = []
    if path.is_file():
        entries = _entries(path)
        if not isinstance(entries, list):
            raise CorrectionError(f"{path}: expected a list of entries")
    entries.append({**entry, "date": entry.get("date") or Date.today().isoformat()})
    text = ("# Corrections to what claimgraph extracted; the build applies them after extraction "
            "(docs/corrections.md).\n" + yaml.safe_dump(entries, sort_keys=False, allow_unicode=True))
    from graph.files import atomic_write

    atomic_write(path, text.encode("utf-8"))
    return path
