"""ArticleRecords -> one named graph per article, under the claimgraph vocabulary.

IRIs are derived from content (the article's sha256, offsets, entity keys), never random, so the
same input always gives an isomorphic graph."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, XSD, Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from extract.names import alias_table, mixed_script, scripts, slug
from extract.records import AppliedCorrection, Article, ArticleRecords, Claim, Dispute, Entity, Period, Relation, TextSpan
from ontology import CG, ONTOLOGY_VERSION

SCHEMA = Namespace("https://schema.org/")
WIKIBASE = Namespace("http://wikiba.se/ontology#")
WD = Namespace("http://www.wikidata.org/entity/")
ID = Namespace("https://w3id.org/claimgraph/id/")

ANALYSIS_GRAPH = ID["graph/analysis"]
VOCABULARY_GRAPH = ID["graph/vocabulary"]
ONTOLOGY_GRAPH = ID["graph/ontology"]



class Terms:
    """A namespace whose terms are made once: rdflib makes and checks a new URIRef on every read
    of one (CG.evidence), and an article graph reads the same few dozen for each of its triples."""

    def __init__(self, namespace):
        self._namespace = namespace

    def __getattr__(self, name: str):
        term = getattr(self._namespace, name)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        return self._namespace[name]


# the namespaces the mapping reads, as Terms: the same names, each term made once
CG, RDF, RDFS, OWL, SKOS, PROV, DCTERMS, SCHEMA, WIKIBASE = map(Terms, (CG, RDF, RDFS, OWL, SKOS, PROV, DCTERMS, SCHEMA, WIKIBASE))

RELATION_PROPERTIES = {"runs": CG.runs, "led": CG.led, "initiated": CG.initiated, "partners": CG.partners, "uses": CG.uses,
                       "affiliatedWith": CG.affiliatedWith, "partOf": CG.partOf}


PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#", "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#", "prov": "http://www.w3.org/ns/prov#", "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/", "wikibase": "http://wikiba.se/ontology#", "wd": "http://www.wikidata.org/entity/",
    "cg": str(CG._NS), "id": str(ID),
    **{kind: f"{ID}{kind}/" for kind in ("article", "graph", "claim", "entity", "unit", "run", "relation", "group", "difference", "dispute", "correction")},
}


class TripleSet:
    """An article's triples as an ordered set of pyoxigraph terms, with its name. Subjects and
    predicates are given as rdflib IRIs (the namespaces are rdflib's) and converted once per
    distinct IRI; literals are made as pyoxigraph literals directly. An rdflib Graph per article,
    and rdflib literals converted afterwards, cost a sixth and then a tenth of extraction time."""

    def __init__(self, identifier: URIRef):
        self.identifier = identifier
        self._triples: dict[tuple, None] = {}
        self.described: set[tuple] = set()  # the entities whose triples are in (see _entity)

    def add(self, triple: tuple) -> None:
        s, p, o = triple
        self._triples[(_node(s), _node(p), o if isinstance(o, ox.Literal) else _node(o))] = None

    def __iter__(self):
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def quads(self) -> list[ox.Quad]:
        name = _node(self.identifier)
        return [ox.Quad(s, p, o, name) for s, p, o in self._triples]

    def nquads(self) -> bytes:
        return ox.serialize(self.quads(), format=ox.RdfFormat.N_QUADS)


@lru_cache(maxsize=4096)  # bounded: unbounded, a worker kept every claim's IRI of the corpus (200 MB at 10k)
def _node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


_XSD_INTEGER, _XSD_DECIMAL, _XSD_BOOLEAN = (ox.NamedNode(str(t)) for t in (XSD.integer, XSD.decimal, XSD.boolean))
# a date keeps the precision it was stated with: a year, a year and month, or a day
_DATE_TYPES = {len("2024"): ox.NamedNode(str(XSD.gYear)), len("2024-03"): ox.NamedNode(str(XSD.gYearMonth)),
               len("2024-03-07"): ox.NamedNode(str(XSD.date))}


def text(value: str) -> ox.Literal:
    return ox.Literal(value)


# English words stay plain strings, as every graph written before languages were told apart has them;
# words read from an article in another language keep its tag ("... dólares"@es)
UNTAGGED_LANGUAGES = frozenset({"en"})


def said(value: str, language: str | None) -> ox.Literal:
    """Words as an article said them: tagged with its language, plain when English or unknown."""
    return ox.Literal(value) if not language or language in UNTAGGED_LANGUAGES else ox.Literal(value, language=language)


def integer(value: int) -> ox.Literal:
    return ox.Literal(str(int(value)), datatype=_XSD_INTEGER)


def boolean(value: bool) -> ox.Literal:
    return ox.Literal("true" if value else "false", datatype=_XSD_BOOLEAN)


def date(value: str) -> ox.Literal:
    """An ISO date (YYYY-MM-DD, YYYY-MM or YYYY, as extract.reader.iso_date gives it) as an
    xsd:date, xsd:gYearMonth or xsd:gYear literal."""
    datatype = _DATE_TYPES.get(len(value))
    if datatype is None or not re.fullmatch(r"\d{4}(-\d{2}){0,2}", value):
        raise ValueError(f"not an ISO date, year-month or year: {value!r}")
    return ox.Literal(value, datatype=datatype)


def bind_prefixes(graph: Graph) -> None:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, Namespace(ns), override=True)


def article_id(sha256: str) -> str:
    return sha256[:16]


def article_iri(sha256: str) -> URIRef:
    return ID[f"article/{article_id(sha256)}"]


def graph_iri(sha256: str) -> URIRef:
    return ID[f"graph/{article_id(sha256)}"]


def entity_iri(key: str) -> URIRef:
    """An entity's IRI from its key (extract.names.entity_key or an alias-table row): readable words.
    A letter outside ASCII is percent-encoded, so that a look-alike of another script shows as
    different ('entity/%D0%90tf' beside 'entity/atf'); accented Latin letters are folded already."""
    return ID[f"entity/{quote(slug(key), safe='_')}"]


@dataclass(frozen=True)
class RunInfo:
    """What made an article graph: the tool's version, the lexicons' digest and the spaCy pipeline."""
    tool_version: str
    lexicon_version: str
    model: str


def run_iri(run: RunInfo) -> URIRef:
    digest = hashlib.sha256(f"{run.tool_version}|{run.lexicon_version}|{ONTOLOGY_VERSION}|{run.model}".encode()).hexdigest()[:12]
    return ID[f"run/{digest}"]


def decimal_literal(value: float) -> ox.Literal:
    """xsd:decimal with no spurious '.0' and no exponent: 68.0 -> 68, 1.5 -> 1.5, 1e-07 -> 0.0000001."""
    number = Decimal(int(value)) if float(value).is_integer() else Decimal(repr(float(value)))
    return ox.Literal(f"{number:f}", datatype=_XSD_DECIMAL)


def page_link(url: str | None, page: int | None) -> str | None:
    """The address of a page of a document: its URL with an RFC 8118 fragment ('report.pdf#page=12'),
    any fragment it had replaced; None without both."""
    if not url or not page:
        return None
    return f"{url.split('#', 1)[0]}#page={page}"


def _selector(graph: TripleSet, node: URIRef, span: TextSpan, article: Article, page: int | None = None) -> None:
    """An evidence selector, its words tagged with the article's language; for a paged document, the
    page it is on and a link to that page."""
    url = article.url
    graph.add((node, RDF.type, CG.TextSelector))
    graph.add((node, CG.start, integer(span.start)))
    graph.add((node, CG.end, integer(span.end)))
    graph.add((node, CG.exact, said(span.text, article.language)))
    if page is not None:
        graph.add((node, CG.page, integer(page)))
        if link := page_link(url, page):
            graph.add((node, SCHEMA.url, text(link)))


def _entity(graph: TripleSet, entity: Entity, language: str | None = None) -> URIRef:
    """An entity; the aliases of one named only by the article's text (not a known body, whose aliases
    are the table's, in several languages) are in the article's language. An entity is described
    once per graph: a source comes again with every claim it gives, and its triples would be made
    again (and its names checked for mixed scripts) only to be found in the set already."""
    node = entity_iri(entity.key)
    described = (repr(entity), language)  # equal texts, equal fields: the same triples
    if described in graph.described:
        return node
    graph.described.add(described)
    graph.add((node, RDF.type, CG[entity.type] if entity.type in CG.__annotations__ else CG.Entity))
    graph.add((node, RDFS.label, text(entity.label)))
    alias_language = None if entity.key in alias_table() else language
    for alias in sorted(entity.aliases):
        if alias and alias != entity.label:
            graph.add((node, SKOS.altLabel, said(alias, alias_language)))
    for language, name in sorted(entity.labels.items()):  # one name per language, tagged
        graph.add((node, SKOS.prefLabel, ox.Literal(name, language=language)))
    for name in sorted({entity.label, *entity.aliases}):
        if mixed_script(name):  # a look-alike ('АTF' with a Cyrillic А): flagged, never merged
            graph.add((node, SKOS.editorialNote, text(f"mixed-script name {name!r}: {' and '.join(sorted(scripts(name)))} letters")))
    if entity.wikidata:
        graph.add((node, OWL.sameAs, WD[entity.wikidata]))
    if entity.part_of:
        graph.add((node, CG.partOf, entity_iri(entity.part_of)))
    if entity.role:
        graph.add((node, CG.role, text(entity.role)))
    if entity.affiliation:
        graph.add((node, CG.affiliatedWith, entity_iri(entity.affiliation)))
    if entity.author_key:
        graph.add((node, SCHEMA.author, entity_iri(entity.author_key)))
    return node


def _period(graph: TripleSet, node: URIRef, period: Period) -> None:
    graph.add((node, RDF.type, CG.Period))
    graph.add((node, RDFS.label, text(period.label)))
    if period.start:
        graph.add((node, CG.start, date(period.start)))
    if period.end:
        graph.add((node, CG.end, date(period.end)))
    if period.periodicity:
        graph.add((node, CG.periodicity, text(period.periodicity)))
    if period.inferred_from:
        graph.add((node, CG.inferredFrom, text(period.inferred_from)))


def claim_iri(sha256: str, claim: Claim) -> URIRef:
    return ID[f"claim/{article_id(sha256)}-{claim.figure.span.start}-{claim.figure.span.end}"]


def _claim(graph: TripleSet, article_node: URIRef, article: Article, claim: Claim, run: URIRef) -> URIRef:
    node = claim_iri(article.sha256, claim)
    figure, source = claim.figure, claim.source
    graph.add((node, RDF.type, CG.FigureClaim))
    graph.add((node, PROV.wasAttributedTo, _entity(graph, source.entity, article.language)))
    graph.add((node, CG.sourceLabel, text(source.entity.label)))
    graph.add((node, CG.flowLabel, text(figure.flow)))
    graph.add((node, PROV.wasDerivedFrom, article_node))
    graph.add((node, PROV.wasGeneratedBy, run))
    graph.add((node, CG.unattributed, boolean(source.unattributed)))
    graph.add((node, CG.creditedBy, text(source.credited_by)))
    if source.cue:
        graph.add((node, CG.cue, text(source.cue)))
    if source.document is not None:
        graph.add((node, CG.viaDocument, _entity(graph, source.document, article.language)))
    if source.reporter is not None:
        graph.add((node, CG.reportedBy, _entity(graph, source.reporter, article.language)))
        graph.add((node, CG.reporterLabel, text(source.reporter.label)))
    if figure.subject:
        graph.add((node, CG.subject, text(figure.subject)))
    quantity = URIRef(f"{node}/quantity")
    graph.add((node, CG.quantity, quantity))
    graph.add((quantity, RDF.type, CG.Quantity))
    for prop, value in ((WIKIBASE.quantityAmount, figure.value), (WIKIBASE.quantityLowerBound, figure.low),
                        (WIKIBASE.quantityUpperBound, figure.high)):
        if value is not None:
            graph.add((quantity, prop, decimal_literal(value)))
    unit = ID[f"unit/{slug(figure.unit)}"]
    graph.add((quantity, WIKIBASE.quantityUnit, unit))
    graph.add((quantity, CG.unitLabel, text(figure.unit)))
    graph.add((unit, RDF.type, CG.Unit))
    graph.add((unit, RDFS.label, text(figure.unit)))
    if figure.qualifier:
        graph.add((quantity, CG.qualifier, text(figure.qualifier)))
    if figure.exclusive and figure.low is not None:
        graph.add((quantity, CG.lowerBoundExclusive, boolean(True)))
    if figure.exclusive and figure.high is not None:
        graph.add((quantity, CG.upperBoundExclusive, boolean(True)))
    if figure.period is not None:
        period = URIRef(f"{node}/period")
        graph.add((node, CG.period, period))
        graph.add((node, CG.periodLabel, text(figure.period.label)))
        graph.add((node, CG.periodInferred, boolean(figure.period.inferred_from is not None)))
        _period(graph, period, figure.period)
    graph.add((node, CG.flow, CG[figure.flow]))
    if figure.measure:
        graph.add((node, CG.measure, text(figure.measure)))
    evidence = URIRef(f"{node}/evidence")
    graph.add((node, CG.evidence, evidence))
    _selector(graph, evidence, claim.evidence, article, article.page_at(figure.span.start))  # the figure's own page
    graph.add((node, SCHEMA.text, text(figure.span.text)))
    return node


def _dispute(graph: TripleSet, article_node: URIRef, article: Article, dispute: Dispute, run: URIRef) -> None:
    source, claim = _entity(graph, dispute.source, article.language), claim_iri(article.sha256, dispute.claim)
    graph.add((source, CG.disputes, claim))
    node = ID[f"dispute/{article_id(article.sha256)}-{dispute.claim.figure.span.start}-{slug(dispute.source.key)}"]
    graph.add((node, RDF.type, CG.Dispute))
    graph.add((node, CG.disputant, source))
    graph.add((node, CG.disputantLabel, text(dispute.source.label)))
    graph.add((node, CG.disputedClaim, claim))
    graph.add((node, CG.disputeCue, text(dispute.cue)))
    graph.add((node, PROV.wasDerivedFrom, article_node))
    graph.add((node, PROV.wasGeneratedBy, run))
    evidence = URIRef(f"{node}/evidence")
    graph.add((node, CG.evidence, evidence))
    _selector(graph, evidence, dispute.evidence, article, article.page_at(dispute.evidence.start))


def _correction(graph: TripleSet, article_node: URIRef, article: Article, applied: AppliedCorrection) -> None:
    """A correction as a PROV-O activity (who, when, the note), beside what the extraction found:
    a re-attributed claim is a revision of its extracted version, which keeps the extracted source;
    a rejected claim or relation stays as a rejected record, out of every saved query."""
    correction = applied.correction
    digest = hashlib.sha256(repr(correction).encode("utf-8")).hexdigest()[:12]
    node = ID[f"correction/{article_id(article.sha256)}-{digest}"]
    graph.add((node, RDF.type, CG.Correction))
    graph.add((node, CG.action, text(correction.action)))
    graph.add((node, CG.correctionEntry, text(correction.where)))
    graph.add((node, PROV.used, article_node))
    if correction.note:
        graph.add((node, RDFS.comment, text(correction.note)))
    if correction.by:
        graph.add((node, CG.correctedBy, text(correction.by)))
    if correction.date:
        graph.add((node, PROV.endedAtTime, date(correction.date) if _is_iso_day(correction.date) else text(correction.date)))
    if applied.stale:
        graph.add((node, CG.stale, boolean(True)))
        return
    claim = applied.claim
    revised = ([(claim, applied.original)] if applied.original is not None else []) + applied.moved
    for changed, original in revised:  # re-attributed, or following a split name
        _revision(graph, node, article, changed, original)
    if claim is not None and applied.original is None:  # rejected
        rejected = claim_iri(article.sha256, claim)
        _rejected(graph, rejected, CG.RejectedClaim, node, article_node, article, claim.evidence)
        graph.add((rejected, SCHEMA.text, text(claim.figure.span.text)))
        graph.add((rejected, CG.extractedSourceLabel, text(claim.source.entity.label)))
    if applied.relation is not None:
        relation = applied.relation
        rejected = ID[f"relation/{article_id(article.sha256)}-{digest}-rejected"]
        _rejected(graph, rejected, CG.RejectedRelation, node, article_node, article, relation.evidence)
        graph.add((rejected, RDFS.label, text(f"{relation.agent.label} {relation.relation} {relation.target.label}")))
    if applied.entity is not None:
        graph.add((node, CG.correctedEntity, entity_iri(applied.entity.key)))
        if correction.action == "retype":
            graph.add((node, CG.extractedType, text(applied.previous)))
        elif correction.action == "split":
            graph.add((node, CG.splitFrom, entity_iri(applied.previous)))
            graph.add((node, CG.splitName, text(correction.name)))
        else:
            graph.add((node, CG.mergedFrom, entity_iri(applied.previous)))


def _revision(graph: TripleSet, correction: URIRef, article: Article, claim, original) -> None:
    """A claim whose source a correction changed: a revision of its extracted version, which keeps
    the extracted source."""
    current = claim_iri(article.sha256, claim)
    extracted = URIRef(f"{current}/extracted")
    graph.add((current, PROV.wasRevisionOf, extracted))
    graph.add((correction, PROV.generated, current))  # the claim's prov:wasGeneratedBy stays its extraction run
    graph.add((extracted, RDF.type, CG.ExtractedClaim))
    graph.add((extracted, PROV.wasAttributedTo, entity_iri(original.entity.key)))  # described as corrected
    graph.add((extracted, CG.extractedSourceLabel, text(original.entity.label)))


def _rejected(graph: TripleSet, rejected: URIRef, kind: URIRef, correction: URIRef, article_node: URIRef,
              article: Article, span: TextSpan) -> None:
    """A rejected claim or relation: invalidated by its correction, with its evidence kept."""
    graph.add((rejected, RDF.type, kind))
    graph.add((rejected, PROV.wasDerivedFrom, article_node))
    graph.add((rejected, PROV.wasInvalidatedBy, correction))
    evidence = URIRef(f"{rejected}/evidence")
    graph.add((rejected, CG.evidence, evidence))
    _selector(graph, evidence, span, article, article.page_at(span.start))


def _is_iso_day(value: str) -> bool:
    return len(value) == 10 and value[4] == "-" and value[7] == "-"


def _relation(graph: TripleSet, article_node: URIRef, article: Article, relation: Relation, run: URIRef) -> None:
    agent, target = _entity(graph, relation.agent, article.language), _entity(graph, relation.target, article.language)
    prop = RELATION_PROPERTIES[relation.relation]
    graph.add((agent, prop, target))
    digest = hashlib.sha256(f"{relation.agent.key}|{relation.relation}|{relation.target.key}|{relation.evidence.start}".encode()).hexdigest()[:12]
    node = ID[f"relation/{article_id(article.sha256)}-{digest}"]
    graph.add((node, RDF.type, CG.RelationAssertion))
    graph.add((node, CG.agent, agent))
    graph.add((node, CG.relation, prop))
    graph.add((node, CG.relationLabel, text(relation.relation if relation.relation != "partners" else "partners in")))
    graph.add((node, CG.agentLabel, text(relation.agent.label)))
    graph.add((node, CG.targetLabel, text(relation.target.label)))
    graph.add((node, CG.rule, text(relation.rule)))
    graph.add((node, CG.target, target))
    graph.add((node, PROV.wasDerivedFrom, article_node))
    graph.add((node, PROV.wasGeneratedBy, run))
    evidence = URIRef(f"{node}/evidence")
    graph.add((node, CG.evidence, evidence))
    _selector(graph, evidence, relation.evidence, article, article.page_at(relation.evidence.start))


def article_graph(records: ArticleRecords, made_by: RunInfo) -> TripleSet:
    """One article's named graph."""
    article = records.article
    graph = TripleSet(graph_iri(article.sha256))
    node = article_iri(article.sha256)
    run = run_iri(made_by)
    graph.add((run, RDF.type, CG.ExtractionRun))
    graph.add((run, CG.toolVersion, text(made_by.tool_version)))
    graph.add((run, CG.lexiconVersion, text(made_by.lexicon_version)))
    graph.add((run, CG.model, text(made_by.model)))
    graph.add((run, PROV.used, URIRef(str(CG._NS).rstrip("#"))))
    graph.add((node, RDF.type, CG.Article))
    names = sorted({article.file_name, *article.also_named})
    graph.add((node, CG.fileName, text(names[0])))
    for name in names[1:]:
        graph.add((node, CG.alsoNamed, text(name)))
    graph.add((node, CG.sha256, text(article.sha256)))
    graph.add((node, SCHEMA.text, text(article.text)))
    if records.publisher.type == "Agency":  # an agency's own release or report
        graph.add((node, RDF.type, SCHEMA.Report))
    if article.title:
        graph.add((node, SCHEMA.headline, text(article.title)))
    if article.date:
        graph.add((node, SCHEMA.datePublished, date(article.date)))
    if article.url:
        graph.add((node, SCHEMA.url, text(article.url)))
    if article.outlet:
        graph.add((node, CG.outletName, text(article.outlet)))
    if article.language:  # dcterms:language, the one property for it (schema:inLanguage before)
        graph.add((node, DCTERMS.language, text(article.language)))
    for field_name, origin in sorted(article.provenance.items()):
        graph.add((node, CG.metadataSource, text(f"{field_name}: {origin}")))
    for entity in records.entities:
        _entity(graph, entity, article.language)
    graph.add((node, SCHEMA.publisher, _entity(graph, records.publisher, article.language)))
    graph.add((node, CG.publisherLabel, text(records.publisher.label)))
    for author in records.authors:
        graph.add((node, SCHEMA.author, _entity(graph, author, article.language)))
    for claim in records.claims:
        _claim(graph, node, article, claim, run)
    for relation in records.relations:
        _relation(graph, node, article, relation, run)
    for dispute in records.disputes:
        _dispute(graph, node, article, dispute, run)
    for applied in records.corrections:
        _correction(graph, node, article, applied)
    return graph


def vocabulary_graph(entities: list[Entity]) -> TripleSet:
    """What the known-alias table says of the entities the articles name, once for the corpus:
    label, type, every known alias, Wikidata id, and the agencies they are part of."""
    graph = TripleSet(VOCABULARY_GRAPH)
    for entity in entities:
        _entity(graph, entity)
    return graph
