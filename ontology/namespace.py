"""The claimgraph vocabulary as a DefinedNamespace. Generated from claimgraph.ttl by
ontology/generate_namespace.py; do not edit by hand."""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef


class CG(DefinedNamespace):
    _NS = Namespace("https://w3id.org/claimgraph/ns#")
    _fail = True

    Activity: URIRef
    Agency: URIRef
    Article: URIRef
    Country: URIRef
    CriminalOrganization: URIRef
    Document: URIRef
    Entity: URIRef
    ExtractionRun: URIRef
    FigureClaim: URIRef
    Flow: URIRef
    Group: URIRef
    Operation: URIRef
    Organization: URIRef
    Outlet: URIRef
    Period: URIRef
    Person: URIRef
    Quantity: URIRef
    QuantityGroup: URIRef
    RelationAssertion: URIRef
    TextSelector: URIRef
    Unit: URIRef
    affiliatedWith: URIRef
    agent: URIRef
    agentLabel: URIRef
    aggregator: URIRef
    alsoNamed: URIRef
    ammunition: URIRef
    articleCount: URIRef
    attributedCount: URIRef
    cash: URIRef
    claimCount: URIRef
    conflictsWith: URIRef
    corpusAliases: URIRef
    corpusLabel: URIRef
    corpusType: URIRef
    corroborates: URIRef
    creditedBy: URIRef
    cue: URIRef
    defaultCreditedCount: URIRef
    differentMeasureFrom: URIRef
    end: URIRef
    evidence: URIRef
    exact: URIRef
    fileName: URIRef
    firearms: URIRef
    flow: URIRef
    flowLabel: URIRef
    hasConflict: URIRef
    hasDifferentFigures: URIRef
    independentOrigins: URIRef
    initiated: URIRef
    led: URIRef
    lexiconVersion: URIRef
    lowerBoundExclusive: URIRef
    measure: URIRef
    member: URIRef
    metadataSource: URIRef
    model: URIRef
    narcotics: URIRef
    other: URIRef
    outletName: URIRef
    page: URIRef
    partOf: URIRef
    partners: URIRef
    period: URIRef
    periodLabel: URIRef
    periodicity: URIRef
    publisherLabel: URIRef
    qualifier: URIRef
    quantity: URIRef
    reason: URIRef
    relation: URIRef
    relationLabel: URIRef
    reportedBy: URIRef
    reporterLabel: URIRef
    role: URIRef
    rule: URIRef
    runs: URIRef
    sha256: URIRef
    sourceLabel: URIRef
    start: URIRef
    subject: URIRef
    target: URIRef
    targetLabel: URIRef
    toolVersion: URIRef
    topic: URIRef
    unattributed: URIRef
    unitLabel: URIRef
    updates: URIRef
    upperBoundExclusive: URIRef
    uses: URIRef
    viaDocument: URIRef
