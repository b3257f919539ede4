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
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pyoxigraph as ox

from claimgraph import __version__
from extract.lexicon import lexicon_version
from extract.pipeline import model_version, records_from_doc, shared_nlp
from extract.reader import DEFAULT_MAX_BYTES, ArticleError, article_files, read_article
from extract.records import Article
from graph.analysis import CLAIM_FACTS, analysis_quads, claim_facts_from_rows
from graph.explorer import write_explorer
from graph.rdf import ANALYSIS_GRAPH, ID, ONTOLOGY_GRAPH, VOCABULARY_GRAPH, article_graph, graph_iri, vocabulary_graph
from graph.remote import push
from graph.store import (ClaimStore, StoreError, atomic_stream, atomic_write, canonical_blocks, graph_quads,
                         recover_directory, replace_directory, solution_rows, trig_block, trig_header)
from graph.shapes_sparql import validate_store
from graph.validate import short
from ontology import ONTOLOGY_FILE, ONTOLOGY_VERSION

EXPORTS = ("trig", "nq", "jsonld")
DEFAULT_EXPORTS = ("trig", "nq")  # JSON-LD goes through rdflib in memory: ask for it with --export jsonld


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
    facts: bytes | None = None  # the analysis's CLAIM_FACTS rows for this article, as JSON
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


# The code a cached article entry depends on: the extractors, the ontology and shapes, the RDF
# mapping, the serialisation, the analysis's facts query, and this file. The explorer, the saved
# queries and the reports are not in it: changing them must not re-extract a corpus.
CACHED_CODE = ("extract", "ontology", "graph/rdf.py", "graph/store.py", "graph/analysis.py",
               "graph/shapes_sparql.py", "claimgraph/build.py")


def extractor_version(model: str) -> str:
    """Changes whenever the code, the lexicons, the ontology or the spaCy pipeline change."""
    code = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    for part in CACHED_CODE:
        paths = sorted((root / part).rglob("*")) if (root / part).is_dir() else [root / part]
        for path in paths:
            if path.suffix in (".py", ".ttl", ".yaml", ".jsonl"):
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
    """The pure per-article function, over a batch: texts -> named graphs. A failure in one
    article is that article's error, never the batch's."""
    nlp = shared_nlp()
    model = _model()
    try:
        docs = list(nlp.pipe([a.content for a in articles], batch_size=max(1, len(articles))))
    except Exception:  # one bad text must not sink its batch: go one by one
        docs = [None] * len(articles)
    results = []
    for article, doc in zip(articles, docs):
        try:
            doc = doc if doc is not None else nlp(article.content)
            records = records_from_doc(article, doc)
            nquads, trig = canonical_blocks(graph_quads(article_graph(records, model)))
            results.append(Extracted(article.sha256, article.file_name, nquads, trig, len(records.claims)))
        except Exception as error:
            results.append(Extracted(article.sha256, article.file_name, None, error=f"{article.file_name}: extraction failed: {error}"))
    scratch = ox.Store()  # the batch's graphs, for the shapes and the analysis's facts
    scratch.load(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(ONTOLOGY_GRAPH)))
    for result in results:
        if result.nquads:
            scratch.load(result.nquads, format=ox.RdfFormat.N_QUADS)
            rows = solution_rows(scratch.query(CLAIM_FACTS, default_graph=[ox.NamedNode(str(graph_iri(result.sha256)))]))
            result.facts = json.dumps(rows, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return _validated(results, scratch) if validate else results


def _validated(results: list[Extracted], scratch: ox.Store) -> list[Extracted]:
    """The batch's graphs checked against the shapes (the scratch store holds the ontology, for
    subclasses); an article whose graph breaks a shape becomes an error."""
    problems: dict[str, list[str]] = {}
    for violation in validate_store(scratch, [str(graph_iri(r.sha256)) for r in results if r.nquads]):
        problems.setdefault(violation.graph, []).append(str(violation))
    checked = []
    for result in results:
        found = problems.get(str(graph_iri(result.sha256)))
        if found:
            result = Extracted(result.sha256, result.file_name, None,
                               error=f"{result.file_name}: SHACL validation failed:\n" + short("\n".join(found)))
        checked.append(result)
    return checked


def _warm_worker() -> None:
    _model()


EXECUTORS = ("process", "dask")
DASK_CONNECT_TIMEOUT = "20s"


def run_extraction(articles: list[Article], workers: int, batch_size: int, validate: bool = True,
                   executor: str = "process", scheduler: str | None = None) -> Iterator[Extracted]:
    """Stream results in order; at most 2 batches per worker are in flight, so memory is bounded by
    the batch, not the corpus. executor="dask" sends the batches to a Dask scheduler instead."""
    batches = [articles[i:i + batch_size] for i in range(0, len(articles), batch_size)]
    if executor == "dask":
        yield from _dask_extraction(batches, scheduler, validate)
        return
    if executor != "process":
        raise BuildError(f"unknown executor {executor!r}: use one of {', '.join(EXECUTORS)}")
    if workers <= 1 or len(batches) <= 1:
        for batch in batches:
            yield from extract_articles(batch, validate)
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=_warm_worker) as pool:
        yield from _in_order(pool.submit, batches, 2 * workers, validate)


def _in_order(submit, batches: list[list[Article]], window: int, validate: bool) -> Iterator[Extracted]:
    pending = deque()
    for batch in batches:
        pending.append(submit(extract_articles, batch, validate))
        if len(pending) >= window:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


def _dask_extraction(batches: list[list[Article]], scheduler: str | None, validate: bool) -> Iterator[Extracted]:
    """Batches as Dask tasks on a distributed cluster. Every worker needs claimgraph and the spaCy
    pipeline installed; each loads the pipeline once and keeps it for its later batches."""
    if not scheduler:
        raise BuildError("--executor dask needs --scheduler tcp://HOST:PORT (the Dask scheduler's address)")
    from distributed import Client

    try:
        client = Client(scheduler, timeout=DASK_CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as error:
        raise BuildError(f"{scheduler}: cannot reach the Dask scheduler ({error})") from None
    with client:
        window = 2 * max(1, sum(client.nthreads().values()))

        def submit(function, batch, validate):
            return client.submit(function, batch, validate, pure=False)

        yield from _in_order(submit, batches, window, validate)


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
          progress: Callable[[Iterable, int], Iterable] | None = None, batch_size: int = 16,
          workers: int | None = None, exports: Iterable[str] = DEFAULT_EXPORTS, remote: str | None = None,
          validate: bool = True, explorer: bool = True, executor: str = "process",
          scheduler: str | None = None) -> BuildSummary:
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
    def cached(sha: str) -> bool:
        return all((cache_dir / f"{sha}{suffix}").exists() for suffix in CACHED)

    todo = [a for a in articles if not cached(a.sha256)]
    summary.reused = sorted(a.file_name for a in articles if cached(a.sha256))
    good: set[str] = {a.sha256 for a in articles} - {a.sha256 for a in todo}
    stream = run_extraction(todo, workers, batch_size, validate, executor, scheduler)
    if progress is not None:
        stream = progress(stream, len(todo))
    for result in stream:
        if result.error:
            summary.failed.append(result.error)
            continue
        for suffix, data in zip(CACHED, (result.trig, result.facts, result.nquads)):  # .nq last: it marks a complete entry
            atomic_write(cache_dir / f"{result.sha256}{suffix}", data)
        summary.built.append(result.file_name)
        good.add(result.sha256)
    if strict and summary.failed:
        raise BuildError("strict build stopped: " + "; ".join(summary.failed))
    kept = sorted(a.sha256 for a in articles if a.sha256 in good)
    if not kept:
        raise BuildError("no article could be extracted: " + "; ".join(summary.failed))
    summary.articles = len(kept)
    in_store = set(manifest_before.get("articles", {}).values()) if manifest_before.get("extractor") == version else set()
    store = assemble(out, cache_dir, kept, exports, explorer, in_store)
    summary.claims = store.count("SELECT (COUNT(?c) AS ?n) WHERE { GRAPH ?g { ?c a <https://w3id.org/claimgraph/ns#FigureClaim> } }")
    if remote:
        push(remote, store, previous_graphs=manifest_before.get("graphs", []))
    manifest = {"extractor": version, "articles": {n: s for n, s in current.items() if s in good},
                "graphs": store.graph_names(), "exports": sorted(exports), "remote": remote, "claims": summary.claims}
    atomic_write(out / "manifest.json", json.dumps(manifest, indent=1, sort_keys=True))
    (out / UPDATING).unlink(missing_ok=True)
    return summary


CACHED = (".trig", ".facts.json", ".nq")  # per article: TriG block, analysis facts, N-Quads
UPDATING = "store.updating"  # present while the persisted store is changed in place
IN_PLACE_SHARE = 0.2  # past this share of changed articles, a fresh bulk load is faster than edits


def _updatable_store(out: Path, kept: list[str], in_store: set[str]) -> ClaimStore | None:
    """The persisted store, opened for an in-place update, when it holds exactly the previous
    build (no update of it was cut short, and it matches graph.trig) and few articles changed."""
    store_dir, trig = out / "store", out / "graph.trig"
    if not in_store or (out / UPDATING).exists() or not (store_dir / "SOURCE").exists() or not trig.exists():
        return None
    if (store_dir / "SOURCE").read_text().strip() != _stamp(trig):
        return None
    if len(in_store.symmetric_difference(kept)) > max(20, IN_PLACE_SHARE * len(kept)):
        return None
    try:
        return ClaimStore("oxigraph", store_dir)
    except StoreError:  # held by another process: build a fresh one instead
        return None


def assemble(out: Path, cache_dir: Path, kept: list[str], exports: Iterable[str], explorer: bool = True,
             in_store: set[str] = frozenset()) -> ClaimStore:
    """Put the article graphs (by content hash, from the cache) into the persisted store, add the
    cross-source analysis, validate it, and write the exports and the explorer.

    When few articles changed, the store is updated in place: the graphs of removed or changed
    articles are dropped and the new ones loaded. Otherwise a fresh store is bulk-loaded beside
    the old one and swapped in. Either way the exports are the cached per-article blocks put
    together, so no graph is serialised twice."""
    for name in exports:
        if name not in EXPORT_FORMATS:
            raise BuildError(f"unknown export {name!r}: use {', '.join(EXPORTS)}")
    store = _updatable_store(out, kept, in_store)
    fresh = None
    if store is not None:
        atomic_write(out / UPDATING, "")
        for sha in sorted(in_store - set(kept)):
            store.remove_graph(graph_iri(sha))
        for sha in sorted(set(kept) - in_store):
            store.ox.load(path=str(cache_dir / f"{sha}.nq"), format=ox.RdfFormat.N_QUADS)
    else:
        for stale in out.glob("store.new-*"):  # left by a build that was killed
            shutil.rmtree(stale, ignore_errors=True)
        # a name of its own: RocksDB remembers the locks this process took, path by path
        fresh = out / f"store.new-{os.getpid()}-{time.time_ns()}"
        store = ClaimStore("oxigraph", fresh)
        store.add_ontology()
        # one bulk load of all the article graphs: a bulk load per file rewrites the store's files each time
        combined = fresh.with_name(fresh.name + ".nq")
        atomic_stream(combined, _concatenated(cache_dir, kept, ".nq"))
        store.ox.bulk_load(path=str(combined), format=ox.RdfFormat.N_QUADS)
        combined.unlink()
    target = fresh if fresh is not None else out / "store"
    store.remove_graph(VOCABULARY_GRAPH)  # computed from the article graphs alone
    entity_prefix = str(ID["entity/"])
    named = {row["e"][len(entity_prefix):] for row in store.select(
        f"SELECT DISTINCT ?e WHERE {{ GRAPH ?g {{ ?e a ?type }} FILTER STRSTARTS(STR(?e), {json.dumps(entity_prefix)}) }}")}
    store.put_graph(vocabulary_graph(named))
    analysis = analysis_quads(claim_facts_from_rows(
        row for sha in kept for row in json.loads((cache_dir / f"{sha}.facts.json").read_bytes()))).nquads()
    _replace_analysis(store, target / ANALYSIS_FILE, analysis)
    problems = [str(v) for v in validate_store(store.ox, [str(ANALYSIS_GRAPH)])]
    problems += [f"analysis names a claim the store lacks: {row['claim']}" for row in store.select(ANALYSIS_DANGLING)]
    if problems:
        if fresh is not None:
            shutil.rmtree(fresh, ignore_errors=True)
        raise BuildError("SHACL validation of the cross-source analysis failed; nothing was written:\n" + short("\n".join(problems)))
    _write_exports(out, store, cache_dir, kept, exports, analysis)
    if explorer:
        write_explorer(store, out / "explorer.html")
    store.ox.flush()
    trig = out / "graph.trig"
    atomic_write(target / "SOURCE", _stamp(trig) if trig.exists() else "")
    if fresh is not None:
        replace_directory(fresh, out / "store")
    return store  # its open files moved with the directory


ANALYSIS_FILE = "ANALYSIS.nq"  # the analysis graph the store holds, kept beside it to diff against


def _replace_analysis(store: ClaimStore, kept_copy: Path, nquads: bytes) -> None:
    """Put the new analysis graph in the store. One changed article changes a few of its
    lines, so a store that holds an earlier analysis gets only the difference."""
    if kept_copy.exists() and ox.NamedNode(str(ANALYSIS_GRAPH)) in set(store.ox.named_graphs()):
        before, after = set(kept_copy.read_bytes().splitlines()), set(nquads.splitlines())
        for quad in ox.parse(b"\n".join(before - after) + b"\n", format=ox.RdfFormat.N_QUADS):
            store.ox.remove(quad)
        store.ox.load(b"\n".join(after - before) + b"\n", format=ox.RdfFormat.N_QUADS)
    else:
        store.remove_graph(ANALYSIS_GRAPH)
        # not one transaction: a transaction holds all of it in memory, and the store is either
        # fresh (no one sees it before the swap) or marked as being updated
        store.ox.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    atomic_write(kept_copy, nquads)


EXPORT_FORMATS = {"trig": "trig", "nq": "nquads", "jsonld": "json-ld"}
SHARED_GRAPHS = (ONTOLOGY_GRAPH, VOCABULARY_GRAPH)
ANALYSIS_DANGLING = f"""SELECT DISTINCT ?claim WHERE {{
  GRAPH <{ANALYSIS_GRAPH}> {{ ?group <https://w3id.org/claimgraph/ns#member> ?claim }}
  FILTER NOT EXISTS {{ GRAPH ?g {{ ?claim a <https://w3id.org/claimgraph/ns#FigureClaim> }} }} }}"""


def _concatenated(cache_dir: Path, kept: list[str], suffix: str) -> Iterator[bytes]:
    """The cached blocks of the articles in graph-name order (a graph is named by its hash)."""
    for sha in sorted(kept, key=lambda sha: str(graph_iri(sha))):
        yield (cache_dir / f"{sha}{suffix}").read_bytes()


def _write_exports(out: Path, store: ClaimStore, cache_dir: Path, kept: list[str], exports: Iterable[str],
                   analysis: bytes) -> None:
    """graph.trig and graph.nq: the articles' cached blocks, then the analysis (N-Quads, in its
    own fixed order: sorting it costs seconds on a large corpus), the ontology and the vocabulary."""
    shared = [canonical_blocks(store.ox.quads_for_pattern(None, None, None, ox.NamedNode(str(g)))) for g in SHARED_GRAPHS]
    for name in exports:
        path = out / f"graph.{name}"
        if name == "trig":
            atomic_stream(path, _chain([trig_header()], _concatenated(cache_dir, kept, ".trig"), trig_block(analysis),
                                       [b[1] for b in shared]))
        elif name == "nq":
            atomic_stream(path, _chain(_concatenated(cache_dir, kept, ".nq"), [analysis], [b[0] for b in shared]))
        else:
            store.write(path, EXPORT_FORMATS[name])


def _chain(*parts: Iterable[bytes]) -> Iterator[bytes]:
    for part in parts:
        yield from part


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
    if graph.suffix == ".trig" and stamp.exists() and graph.exists() and not (graph.parent / UPDATING).exists():
        if stamp.read_text().strip() == _stamp(graph):
            try:
                return ClaimStore("oxigraph", store_dir, read_only=True)
            except StoreError:
                pass
    return ClaimStore.load(graph)
