"""The build: a folder of articles -> OUT/graph.trig (one named graph per article), N-Quads and
JSON-LD exports, the persisted Oxigraph store OUT/store/, and OUT/explorer.html.

Extraction is a pure function per article, from text to that article's named graph, run in a
process pool. Each result is cached under OUT/cache/ by content hash and extractor version, so a
rebuild re-extracts only new or changed texts; removed texts drop out. Every output is written
beside its target and renamed into place, so a killed build leaves the previous build intact."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Callable, Iterable, Iterator

from claimgraph import __version__
from extract.lexicon import lexicon_version
from extract.pipeline import model_version, records_from_doc, shared_nlp
from extract.reader import DEFAULT_MAX_BYTES, ArticleError, article_files, read_article
from extract.records import Article
from graph.analysis import analysis_graph
from graph.explorer import write_explorer
from graph.rdf import ID, article_graph, vocabulary_graph
from graph.remote import push
from graph.store import ClaimStore, StoreError, atomic_write, graph_to_nquads, recover_directory, replace_directory
from graph.validate import evidence_offsets_ok, short, validate_analysis, validate_graph
from ontology import ONTOLOGY_VERSION

EXPORTS = ("trig", "nq", "jsonld")
DEFAULT_EXPORTS = ("trig", "nq")  # JSON-LD goes through rdflib in memory: ask for it with --export jsonld


class BuildError(RuntimeError):
    pass


@dataclass
class Extracted:
    """What the per-article function returns: the article's named graph as N-Quads, or an error."""
    sha256: str
    file_name: str
    nquads: bytes | None
    claims: int = 0
    error: str | None = None


@dataclass
class BuildSummary:
    built: list[str] = field(default_factory=list)  # extracted this time
    reused: list[str] = field(default_factory=list)  # unchanged, taken from the cache
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # same text as another file: one article
    failed: list[str] = field(default_factory=list)  # "file: problem"
    warnings: list[str] = field(default_factory=list)
    claims: int = 0
    articles: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed


def extractor_version(model: str) -> str:
    """Changes whenever the code, the lexicons, the ontology or the spaCy pipeline change."""
    code = hashlib.sha256()
    for folder in ("extract", "graph", "ontology"):
        for path in sorted((Path(__file__).resolve().parents[1] / folder).rglob("*")):
            if path.suffix in (".py", ".ttl", ".rq"):
                code.update(path.read_bytes())
    text = f"{__version__}|{lexicon_version()}|{ONTOLOGY_VERSION}|{model}|{code.hexdigest()}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@cache
def _model() -> str:
    """The pipeline's name and version, read from its package's meta.json without loading it."""
    import spacy

    from claimgraph.settings import SPACY_MODEL

    try:
        meta = spacy.util.get_model_meta(spacy.util.get_package_path(SPACY_MODEL) / SPACY_MODEL.replace("-", "_"))
        return f"{meta.get('lang', 'en')}_{meta['name']}-{meta['version']}"
    except Exception:  # a pipeline that is a folder, not a package: load it to ask
        return model_version(shared_nlp())


def extract_articles(articles: list[Article], validate: bool = True) -> list[Extracted]:
    """The pure per-article function, over a batch: texts -> named graphs as N-Quads. A failure
    in one article is that article's error, never the batch's."""
    nlp = shared_nlp()
    model = _model()
    try:
        docs = list(nlp.pipe([a.content for a in articles], batch_size=max(16, len(articles))))
    except Exception:  # one bad text must not sink its batch: go one by one
        docs = [None] * len(articles)
    results = []
    for article, doc in zip(articles, docs):
        try:
            doc = doc if doc is not None else nlp(article.content)
            records = records_from_doc(article, doc)
            graph = article_graph(records, model)
            if validate:
                report = validate_graph(graph, with_sparql=False)
                problems = [] if report.conforms else [short(report.text)]
                problems += evidence_offsets_ok(graph)
                if problems:
                    raise BuildError("SHACL validation failed:\n" + "\n".join(problems))
            results.append(Extracted(article.sha256, article.file_name, graph_to_nquads(graph), len(records.claims)))
        except Exception as error:
            results.append(Extracted(article.sha256, article.file_name, None, error=f"{article.file_name}: extraction failed: {error}"))
    return results


def _warm_worker() -> None:
    _model()


def run_extraction(articles: list[Article], workers: int, batch_size: int, validate: bool = True) -> Iterator[Extracted]:
    """Stream results in order; at most 2 batches per worker are in flight, so memory is bounded by
    the batch, not the corpus."""
    batches = [articles[i:i + batch_size] for i in range(0, len(articles), batch_size)]
    if workers <= 1 or len(batches) <= 1:
        for batch in batches:
            yield from extract_articles(batch, validate)
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=_warm_worker) as pool:
        pending = []
        for batch in batches:
            pending.append(pool.submit(extract_articles, batch, validate))
            if len(pending) >= 2 * workers:
                yield from pending.pop(0).result()
        for future in pending:
            yield from future.result()


def read_articles(folder: Path, summary: BuildSummary, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Article]:
    """Every readable article once; a file with the same text as another is kept as another name."""
    by_sha: dict[str, Article] = {}
    try:
        paths = article_files(folder)
    except ArticleError as error:
        raise BuildError(str(error)) from None
    for path in paths:
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


def _manifest(out: Path) -> dict:
    try:
        return json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"extractor": None, "articles": {}}


def build(folder: Path, out: Path, *, strict: bool = False, max_bytes: int = DEFAULT_MAX_BYTES,
          progress: Callable[[Iterable, int], Iterable] | None = None, batch_size: int = 32,
          workers: int | None = None, exports: Iterable[str] = DEFAULT_EXPORTS, remote: str | None = None,
          validate: bool = True, explorer: bool = True) -> BuildSummary:
    folder, out = Path(folder), Path(out)
    exports = tuple(exports)
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    summary = BuildSummary()
    articles = read_articles(folder, summary, max_bytes)
    if strict and summary.failed:
        raise BuildError("strict build stopped: " + "; ".join(summary.failed))
    if not articles:
        raise BuildError(f"{folder}: no readable articles (.txt, .md, .html) in this folder"
                         + (": " + "; ".join(summary.failed) if summary.failed else ""))
    out.mkdir(parents=True, exist_ok=True)
    recover_directory(out / "store")
    version = extractor_version(_model()) + ("" if validate else "-unvalidated")
    cache_dir = out / "cache" / version
    cache_dir.mkdir(parents=True, exist_ok=True)
    for stale in (out / "cache").iterdir():  # another extractor version's results are no use now
        if stale.is_dir() and stale.name != version:
            shutil.rmtree(stale, ignore_errors=True)

    previous = _manifest(out)["articles"]
    current = {name: a.sha256 for a in articles for name in [a.file_name, *a.also_named]}
    summary.added = sorted(n for n in current if n not in previous)
    summary.changed = sorted(n for n in current if n in previous and previous[n] != current[n])
    summary.removed = sorted(n for n in previous if n not in current)

    manifest_before = _manifest(out)
    unchanged = (manifest_before.get("extractor") == version and manifest_before.get("articles") == current
                 and manifest_before.get("exports") == sorted(exports) and manifest_before.get("remote") == remote
                 and all((out / f"graph.{name}").exists() for name in exports) and (out / "store").is_dir()
                 and (not explorer or (out / "explorer.html").exists()))
    if unchanged and not summary.failed:  # nothing to extract, nothing to assemble
        summary.reused = sorted(a.file_name for a in articles)
        summary.articles = len(articles)
        summary.claims = manifest_before.get("claims", 0)
        return summary
    todo = [a for a in articles if not (cache_dir / f"{a.sha256}.nq").exists()]
    summary.reused = sorted(a.file_name for a in articles if (cache_dir / f"{a.sha256}.nq").exists())
    good: set[str] = {a.sha256 for a in articles} - {a.sha256 for a in todo}
    stream = run_extraction(todo, workers, batch_size, validate)
    if progress is not None:
        stream = progress(stream, len(todo))
    for result in stream:
        if result.error:
            summary.failed.append(result.error)
            continue
        atomic_write(cache_dir / f"{result.sha256}.nq", result.nquads)
        summary.built.append(result.file_name)
        good.add(result.sha256)
    if strict and summary.failed:
        raise BuildError("strict build stopped: " + "; ".join(summary.failed))
    kept = [a for a in articles if a.sha256 in good]
    if not kept:
        raise BuildError("no article could be extracted: " + "; ".join(summary.failed))
    summary.articles = len(kept)
    store = assemble(out, [cache_dir / f"{a.sha256}.nq" for a in kept], exports, explorer)
    summary.claims = int(next(iter(store.query(
        "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a <https://w3id.org/claimgraph/ns#FigureClaim> }")))[0])
    if remote:
        push(remote, store, previous_graphs=manifest_before.get("graphs", []))
    manifest = {"extractor": version, "articles": {n: s for n, s in current.items() if s in good},
                "graphs": store.graph_names(), "exports": sorted(exports), "remote": remote, "claims": summary.claims}
    atomic_write(out / "manifest.json", json.dumps(manifest, indent=1, sort_keys=True))
    return summary


def assemble(out: Path, article_files: list[Path], exports: Iterable[str], explorer: bool = True):
    """Bulk-load the article graphs into a fresh persisted store, add the cross-source analysis,
    validate it, write the exports and the explorer, then swap the new store into place."""
    for stale in out.glob("store.new-*"):  # left by a build that was killed
        shutil.rmtree(stale, ignore_errors=True)
    # a name of its own: RocksDB remembers the locks this process took, path by path
    fresh = out / f"store.new-{os.getpid()}-{time.time_ns()}"
    store = ClaimStore("oxigraph", fresh)
    store.add_ontology()
    # one bulk load of all the article graphs: a bulk load per file rewrites the store's files each time
    combined = fresh.with_name(fresh.name + ".nq")
    with open(combined, "wb") as handle:
        for path in article_files:
            handle.write(path.read_bytes())
    store.load_file(combined)
    combined.unlink()
    entity_prefix = str(ID["entity/"])
    named = {str(row[0])[len(entity_prefix):] for row in store.query(
        f"SELECT DISTINCT ?e WHERE {{ ?e a ?type . FILTER STRSTARTS(STR(?e), {json.dumps(entity_prefix)}) }}")}
    store.put_graph(vocabulary_graph(named))
    analysis = analysis_graph(store)
    report = validate_analysis(store, analysis)
    if not report.conforms:
        raise BuildError("SHACL validation of the cross-source analysis failed; nothing was written:\n" + short(report.text))
    store.put_graph(analysis)
    formats = {"trig": "trig", "nq": "nquads", "jsonld": "json-ld"}
    for name in exports:
        if name not in formats:
            raise BuildError(f"unknown export {name!r}: use {', '.join(EXPORTS)}")
    for name in exports:
        store.write(out / f"graph.{name}", formats[name])
    if explorer:
        write_explorer(store, out / "explorer.html")
    store.ox.flush()
    trig = out / "graph.trig"
    atomic_write(fresh / "SOURCE", _stamp(trig) if trig.exists() else "")
    replace_directory(fresh, out / "store")
    return store  # its open files moved with the directory


def _stamp(path: Path) -> str:
    """Which graph.trig a store was built with: its size and modification time."""
    info = path.stat()
    return f"{info.st_size} {info.st_mtime_ns}"


def open_built(graph: Path):
    """The store for a built graph.trig: the persisted store beside it when it was built from this
    very file, else the file loaded into an in-memory Oxigraph store."""
    graph = Path(graph)
    store_dir = graph.parent / "store"
    stamp = store_dir / "SOURCE"
    if graph.suffix == ".trig" and stamp.exists() and graph.exists():
        if stamp.read_text().strip() == _stamp(graph):
            try:
                return ClaimStore("oxigraph", store_dir, read_only=True)
            except StoreError:
                pass
    return ClaimStore.load(graph)
