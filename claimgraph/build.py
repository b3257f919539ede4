"""The build: a folder of articles -> graph.trig (one named graph per article) and explorer.html."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from rdflib import Graph

from extract.reader import DEFAULT_MAX_BYTES, ArticleError, article_files, read_article
from extract.records import Article
from graph.analysis import analysis_graph
from graph.explorer import write_explorer
from graph.rdf import article_graph
from graph.store import ClaimStore
from graph.validate import ValidationReport, validate_graph


class BuildError(RuntimeError):
    pass


@dataclass
class BuildSummary:
    built: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # same text as another file: one article
    failed: list[str] = field(default_factory=list)  # "file: problem"
    warnings: list[str] = field(default_factory=list)
    claims: int = 0
    validation: ValidationReport | None = None

    @property
    def ok(self) -> bool:
        return not self.failed and (self.validation is None or self.validation.conforms)


def read_articles(folder: Path, summary: BuildSummary, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Article]:
    """Every readable article once; a file with the same text as another is kept as another name."""
    by_sha: dict[str, Article] = {}
    for path in article_files(folder):
        try:
            article = read_article(path, max_bytes=max_bytes)
        except ArticleError as error:
            summary.failed.append(str(error))
            continue
        summary.warnings.extend(article.warnings)
        if article.sha256 in by_sha:
            by_sha[article.sha256].also_named.append(article.file_name)
            summary.duplicates.append(f"{article.file_name}: same text as {by_sha[article.sha256].file_name}")
            continue
        by_sha[article.sha256] = article
    return list(by_sha.values())


def merged(store: ClaimStore) -> Graph:
    union = Graph()
    for s, p, o, _ in store.dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def build(folder: Path, out: Path, *, strict: bool = False, max_bytes: int = DEFAULT_MAX_BYTES,
          progress: Callable[[Iterable, int], Iterable] | None = None, batch_size: int = 16) -> BuildSummary:
    from extract.pipeline import extract_many, model_version, shared_nlp

    folder, out = Path(folder), Path(out)
    summary = BuildSummary()
    articles = read_articles(folder, summary, max_bytes)
    if strict and summary.failed:
        raise BuildError("strict build stopped: " + "; ".join(summary.failed))
    if not articles:
        raise BuildError(f"{folder}: no readable articles (.txt, .md, .html) in this folder"
                         + (": " + "; ".join(summary.failed) if summary.failed else ""))
    nlp = shared_nlp()
    model = model_version(nlp)
    store = ClaimStore()
    store.add_ontology()
    stream = extract_many(articles, nlp, batch_size=batch_size)
    if progress is not None:
        stream = progress(stream, len(articles))
    for records in stream:
        store.put_graph(article_graph(records, model))
        summary.built.append(records.article.file_name)
        summary.claims += len(records.claims)
    store.put_graph(analysis_graph(store))
    summary.validation = validate_graph(merged(store))
    if not summary.validation.conforms:
        raise BuildError("SHACL validation failed; nothing was written:\n" + summary.validation.text)
    out.mkdir(parents=True, exist_ok=True)
    store.save(out / "graph.trig")
    write_explorer(store, out / "explorer.html")
    return summary
