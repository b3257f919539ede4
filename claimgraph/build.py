"""The build: a folder of articles -> OUT/graph.trig (one named graph per article), N-Quads and
JSON-LD exports, the persisted Oxigraph store OUT/store/, and OUT/explorer.html.

Extraction is a pure function per article, from text to that article's named graph, run in a
process pool. Each result is cached under OUT/cache/ by content hash and extractor version, so a
rebuild re-extracts only new or changed texts; removed texts drop out. Every output is written
beside its target and renamed into place, so a killed build leaves the previous build intact."""

from __future__ import annotations

import gc
import os
import shutil
import time
import traceback
from contextlib import contextmanager
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Iterator

from claimgraph.background import BackgroundJobs
from claimgraph.exports import DEFAULT_EXPORTS, EXPORT_FORMATS, EXPORTS, Handover, concatenated, write_exports
from claimgraph.tables import (TableChanges, all_tables_built, built_table, conflict_rows,
                               drop_unpublished, publish_tables, table_queries, table_query, write_rows, write_tables)
from claimgraph.corrections import corrected_key, corrections_for, read_corrections, with_metadata
from claimgraph.executors import ExtractionPool, run_extraction
from claimgraph.extraction import BuildError, extractor_version, missing_pipeline, pipelines_version, reading_language
from graph.analysis.snapshot import load_facts
from extract.language import language_name
from extract.names import known_entities
from extract.reader import DEFAULT_MAX_BYTES, ArticleError, Skipped, article_files, named_key
from extract.readers import folder_metadata, one_record_at_a_time, read_file
from extract.records import Article
from graph.analysis.stats import count_query
from graph.analysis.groups import FIGURE_TEXTS, ConflictPair, EntityRow, analysis_quads, entity_index
from graph.views.explorer import write_explorer
from graph.rdf.facts import ENTITY_FACTS
from graph.rdf.mapping import ANALYSIS_GRAPH, ID, VOCABULARY_GRAPH, graph_iri, vocabulary_graph
from rdflib import URIRef
from graph.store.remote import push
from graph.rdf.shapes import short
from graph.files import Outputs, atomic_write, atomic_writes, export_stamp, next_path, recover_directory
from graph.store import SOURCE, UPDATING, ClaimStore, StoreError, store_opens
from claimgraph.output_folder import MARK, owned_output
from claimgraph.manifest import Manifest
from claimgraph.settings import SPACY_MODELS



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


@dataclass
class KnownArticle:
    """A file unchanged since the last build (same size, mtime and ctime) whose graph is cached:
    its hash is taken from the manifest, and its text is not read again."""
    file_name: str
    sha256: str
    warnings: list[str] = field(default_factory=list)
    also_named: list[str] = field(default_factory=list)


def file_stamp(path: Path) -> str:
    info = path.stat()  # ctime changes with any write and cannot be set back, unlike mtime
    return f"{info.st_size} {info.st_mtime_ns} {info.st_ctime_ns}"


def read_articles(folder: Path, summary: BuildSummary, max_bytes: int = DEFAULT_MAX_BYTES,
                  known: dict[str, list] | None = None, reusable: Callable[[str], bool] = lambda name: False,
                  stamps: dict[str, list] | None = None, follow_links: bool = False,
                  skip: tuple[Path, ...] = (), marks: tuple[str, ...] = (MARK,),
                  file_read: Callable[[], None] | None = None) -> list[Article | KnownArticle]:
    """Every readable article once; a file with the same text as another is kept as another name.
    known maps file names to [stamp, sha256, warnings] from the last build; stamps collects the same
    for this one. A file whose stamp is unchanged and whose last result is reusable (a function of
    its name) is not read again, unless it holds many records or a metadata.csv may have changed
    what is known of it. The articles' sha256 is their text's (and metadata's): named_key makes
    the key they are built under. file_read is called before each file that is read (not taken
    from the last build)."""
    by_sha: dict[str, Article | KnownArticle] = {}
    by_name: dict[str, str] = {}
    known = known or {}
    listing: list[ArticleError] = []
    try:
        paths = article_files(folder, follow_links, skip, listing, marks)
    except ArticleError as error:
        raise BuildError(str(error)) from None
    metadata, problems = folder_metadata(folder, max_bytes)
    for problem in [*listing, *problems]:
        (summary.warnings if isinstance(problem, Skipped) else summary.failed).append(str(problem))
    for path in paths:
        try:
            stamp = file_stamp(path)
        except OSError:
            stamp = None  # the reader says what is wrong with it
        name = path.relative_to(folder).as_posix()  # a subfolder's file is named by its path in the folder
        before = known.get(name)
        if (stamp is not None and before is not None and before[0] == stamp and reusable(name)
                and not metadata and not one_record_at_a_time(path)):
            found = [KnownArticle(name, before[1], list(before[2]))]
        else:
            if file_read is not None:
                file_read()
            found = read_file(path, max_bytes, metadata.get(name), name)
        for article in found:
            if isinstance(article, Skipped):
                summary.warnings.append(str(article))
                continue
            if isinstance(article, ArticleError):
                summary.failed.append(str(article))
                continue
            if isinstance(article, Article) and article.language is not None and article.language not in SPACY_MODELS:
                summary.warnings.append(f"{article.file_name}: written in {language_name(article.language)} "
                                        f"({article.language}), a language claimgraph has no pipeline for "
                                        f"(it reads {', '.join(sorted(SPACY_MODELS))}): skipped")
                continue
            missing = missing_pipeline(reading_language(article)) if isinstance(article, Article) else None
            if missing:
                language = reading_language(article)
                summary.warnings.append(f"{article.file_name}: written in {language_name(language)} ({language}), "
                                        f"whose spaCy pipeline {missing} is not installed: skipped")
                continue
            if stamps is not None and not one_record_at_a_time(path):
                stamps[article.file_name] = [stamp, article.sha256, article.warnings]
            summary.warnings.extend(article.warnings)
            first = by_name.setdefault(article.file_name, article.sha256)
            if first != article.sha256:  # two records of two files with one id: the graph names one article
                summary.failed.append(f"{path.name}: {article.file_name}: another article read before it has this "
                                      "name and another text; the first is kept")
                continue
            if article.sha256 in by_sha:
                by_sha[article.sha256].also_named.append(article.file_name)
                summary.duplicates.append(f"{article.file_name}: same text as {by_sha[article.sha256].file_name}")
                continue
            by_sha[article.sha256] = article
    return list(by_sha.values())


@dataclass(frozen=True)
class BuildOptions:
    """How a build runs; `claimgraph build`'s options."""
    strict: bool = False  # any unreadable article stops the build
    max_bytes: int = DEFAULT_MAX_BYTES  # larger article files are refused
    batch_size: int = 16  # articles per spaCy batch
    workers: int | None = None  # extraction processes (None: up to 2)
    exports: tuple[str, ...] = tuple(DEFAULT_EXPORTS)
    remote: str | None = None  # a SPARQL 1.1 store that also gets every named graph
    validate: bool = True  # check each article graph against the SHACL shapes
    explorer: bool = True  # write explorer.html
    executor: str = "process"  # or "dask"
    scheduler: str | None = None  # a Dask scheduler's address
    follow_links: bool = False  # read links that point outside the article folder


def build(folder: Path, out: Path, options: BuildOptions | None = None, *,
          progress: Callable[[Iterable, int], Iterable] | None = None, **overrides) -> BuildSummary:
    """Build OUT from the articles under folder, with options (or BuildOptions fields given by
    name). OUT is locked for the build, and only a folder a build made (or a new or empty one)
    is written."""
    if "exports" in overrides:
        overrides["exports"] = tuple(overrides["exports"])
    options = replace(options or BuildOptions(), **overrides)
    with owned_output(folder, out):
        return _build(Path(folder), Path(out), options, progress)


def _build(folder: Path, out: Path, options: BuildOptions, progress) -> BuildSummary:
    workers = options.workers if options.workers is not None else min(2, os.cpu_count() or 1)
    # started once more than a batch's worth of files is read (a build with nothing new reads
    # none): its workers load the pipeline while the rest is read
    pool = ExtractionPool(workers, options.batch_size) if options.executor == "process" and workers > 1 else None
    try:
        return _build_with(folder, out, options, progress, workers, pool)
    finally:
        if pool is not None:
            pool.close(used=False)  # a pool the extraction used is closed by then; else its workers are stopped


def _build_with(folder: Path, out: Path, options: BuildOptions, progress, workers: int,
                pool: ExtractionPool | None) -> BuildSummary:
    summary = BuildSummary()

    def cached(sha: str) -> bool:
        return (cache_dir / f"{sha}{CACHED[-1]}").exists()  # written last: it marks a complete entry

    version = extractor_version(pipelines_version()) + ("" if options.validate else "-unvalidated")
    cache_dir = out / "cache" / version
    before = Manifest.read(out)
    known = before.files if before.extractor == version else {}

    def reusable(name: str) -> bool:
        return name in before.articles and cached(before.articles[name])
    stamps: dict[str, list] = {}
    file_read = pool.file_read if pool is not None else None
    articles = _with_corrections(folder, named_keys(read_articles(folder, summary, options.max_bytes, known, reusable, stamps,
                                                              options.follow_links, skip=(out,), file_read=file_read)), summary)
    if any(isinstance(a, KnownArticle) and not cached(a.sha256) for a in articles):
        # an unchanged file now shares its text with other names than before: read every file again
        summary, stamps = BuildSummary(), {}
        articles = _with_corrections(folder, named_keys(read_articles(folder, summary, options.max_bytes, {}, reusable,
                                                                  stamps, options.follow_links, skip=(out,),
                                                                  file_read=file_read)), summary)
    if options.strict and summary.failed:
        raise BuildError("strict build stopped: " + "; ".join(summary.failed))
    if not articles:
        raise BuildError(f"{folder}: no readable articles (.txt, .md, .html, .jsonl, .warc) in this folder"
                         + (": " + "; ".join(summary.failed) if summary.failed else ""))
    out.mkdir(parents=True, exist_ok=True)
    recover_directory(out / "store")
    cache_dir.mkdir(parents=True, exist_ok=True)
    for stale in (out / "cache").iterdir():  # another extractor version's results are no use now
        if stale.is_dir() and stale.name != version:
            shutil.rmtree(stale, ignore_errors=True)

    previous = before.articles
    current = {name: a.sha256 for a in articles for name in [a.file_name, *a.also_named]}

    unchanged = (before.extractor == version and before.articles == current
                 and before.exports == sorted(options.exports) and before.remote == options.remote
                 and all((out / f"graph.{name}").exists() for name in options.exports) and store_opens(out / "store")
                 and (not options.explorer or (out / "explorer.html").exists())
                 and ("trig" not in options.exports or all_tables_built(out / "graph.trig")))
    if unchanged and not summary.failed:  # nothing to extract, nothing to assemble
        summary.reused = sorted(a.file_name for a in articles)
        summary.articles = len(articles)
        summary.claims = before.claims
        return summary
    # a KnownArticle was checked for its cache entry when it was read
    todo = [a for a in articles if not isinstance(a, KnownArticle) and not cached(a.sha256)]
    todo_shas = {a.sha256 for a in todo}
    summary.reused = sorted(a.file_name for a in articles if a.sha256 not in todo_shas)
    good: set[str] = {a.sha256 for a in articles} - todo_shas
    if pool is not None and not todo:
        pool.close(used=False)  # started while the files were read, and nothing is new: stopped now
    in_store = set(before.articles.values()) if before.extractor == version else set()
    with Assembly(out, cache_dir, in_store) as assembly:
        loads = assembly.open_store(sorted({a.sha256 for a in articles}))
        if loads is not None:
            loads.add_cached(sorted(good))
        stream = run_extraction(todo, workers, options.batch_size, options.validate, options.executor, options.scheduler,
                                pool)  # with nothing to extract, already closed above
        if progress is not None:
            stream = progress(stream, len(todo))
        entries: list[tuple[Path, bytes | str]] = []  # cache files written together, one sync for a batch's worth
        with BackgroundJobs("cache-writes") as writes:  # the sync waits on the disk, not the extraction
            try:
                for result in stream:
                    summary.warnings.extend(result.warnings)
                    if result.error:
                        summary.failed.append(result.error)
                        continue
                    for name, rows in (result.tables or {}).items():
                        entries.append((cache_dir / f"{result.sha256}{table_query(name).cache_suffix}", rows))
                    for suffix, data in zip(CACHED, (result.trig, result.facts, result.nquads)):  # .nq last: it marks a complete entry
                        entries.append((cache_dir / f"{result.sha256}{suffix}", data))
                    if loads is not None:
                        loads.add(result.nquads)
                    summary.built.append(result.file_name)
                    good.add(result.sha256)
                    if len(summary.built) % options.batch_size == 0:
                        writes.submit(atomic_writes, entries)
                        entries = []
            finally:
                writes.submit(atomic_writes, entries)
                writes.wait()
        if options.strict and summary.failed:
            raise BuildError("strict build stopped: " + "; ".join(summary.failed))
        kept = sorted(a.sha256 for a in articles if a.sha256 in good)
        if not kept:
            raise BuildError("no article could be extracted: " + "; ".join(summary.failed))
        summary.articles = len(kept)
        in_graph = {name: sha for name, sha in current.items() if sha in good}  # a failed article is not added
        summary.added = sorted(n for n in in_graph if n not in previous)
        summary.changed = sorted(n for n in in_graph if n in previous and previous[n] != in_graph[n])
        summary.removed = sorted(n for n in previous if n not in in_graph)
        with collection_paused():
            assembly.assemble(kept, options.exports, options.explorer)
        summary.claims = assembly.store.count(count_query("claims"))
        if options.remote:
            push(options.remote, assembly.store, previous_graphs=before.graphs)
        Manifest(extractor=version, articles=in_graph,
                 files={n: stamp for n, stamp in stamps.items() if n in in_graph}, graphs=assembly.store.graph_names(),
                 exports=sorted(options.exports), remote=options.remote,
                 claims=summary.claims).write(out, assembly.outputs)
    return summary


def _with_corrections(folder: Path, articles: list[Article | KnownArticle], summary: BuildSummary) -> list[Article | KnownArticle]:
    """The articles with the corrections beside them (corrections.yaml): each article's own, and
    every entity's, go into its build key and, for a read article, onto it with the metadata they set.
    A bad entry is a problem named by its entry; the others still apply."""
    corrections, problems = read_corrections(folder)
    summary.failed.extend(problems)
    for article in articles:
        own = corrections_for(article, corrections)
        article.sha256 = corrected_key(article.sha256, own)
        if isinstance(article, Article):
            article.corrections = own
            with_metadata(article)
    named = {n for a in articles for n in [a.file_name, *getattr(a, "also_named", [])]}
    summary.warnings.extend(f"{c.where}: no article {c.article!r} in the folder: stale, not applied"
                            for c in corrections if c.article is not None and c.article not in named)
    summary.warnings.extend(f"{c.where}: no article {name!r} in the folder: stale, not applied"
                            for c in corrections for name in c.articles if name not in named)
    return articles


def named_keys(articles: list[Article | KnownArticle]) -> list[Article | KnownArticle]:
    """The articles with the key they are built under: their text's hash with the names they are
    read under (which their graph states), so a renamed file is rebuilt as a fresh build would."""
    for article in articles:
        article.sha256 = named_key(article.sha256, [article.file_name, *article.also_named])
    return articles


CACHED = (".trig", ".facts.json", ".nq")  # per article: TriG block, analysis facts, N-Quads
LOADS_BEFORE_ANALYSIS = 500  # past this many articles still to load when the extraction ends, they load first
BULK_LOAD_BYTES = 44 << 20  # of the analysis's N-Quads per load, two halves side by side: about 200,000 lines
IN_PLACE_SHARE = 0.2  # past this share of changed articles, a fresh bulk load is faster than edits


def _few_changed(in_store: set[str], kept: list[str]) -> bool:
    """Few enough articles removed or added that editing what the last build made beats making it anew."""
    return len(in_store.symmetric_difference(kept)) <= max(20, IN_PLACE_SHARE * len(kept))


def _updatable_store(out: Path, kept: list[str], in_store: set[str]) -> ClaimStore | None:
    """The persisted store, opened for an in-place update, when it holds exactly the previous
    build (no update of it was cut short, and it matches graph.trig) and few articles changed."""
    store_dir, trig = out / "store", out / "graph.trig"
    if (not in_store or (out / UPDATING).exists() or not (store_dir / SOURCE).exists() or not trig.exists()
            or not (store_dir / ANALYSIS_FILE).exists()):  # an update is undone from the analysis kept there
        return None
    if (store_dir / SOURCE).read_text().strip() != export_stamp(trig):
        return None
    if not _few_changed(in_store, kept):
        return None
    try:
        return ClaimStore("oxigraph", store_dir)
    except StoreError:  # held by another process: build a fresh one instead
        return None


RESERVE_MIN = 8 << 20  # bytes held back for undoing an update in place, and per byte it changes:
RESERVE_FACTOR = 4  # RocksDB writes each quad under several orders, and a delete is a write


def _release_frames(error: BaseException | None) -> None:
    """Let go of what the frames of an error (and the errors it came from) hold, such as an open store."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        traceback.clear_frames(error.__traceback__)
        error = error.__cause__ or error.__context__


def described(error: BaseException) -> str:
    """An error as the user reads it: a failed write names its file."""
    if isinstance(error, OSError) and error.filename:
        return f"{error.filename}: {error.strerror or error}"
    return str(error)


@contextmanager
def collection_paused():
    """Python's cyclic collector off for the block: the assembly makes hundreds of thousands of
    objects (claims' facts, pairs, query rows), and each full collection walked them all while
    every Python thread waited (bench/RESULTS.md, "the collector and idle workers"). What it leaves
    in cycles waits for the first collection after the block; a caller that had the collector off
    keeps it off."""
    enabled = gc.isenabled()
    try:
        gc.disable()
        yield
    finally:
        if enabled:
            gc.enable()


class Assembly:
    """One build's assembly of OUT from the cached article graphs (assemble), as a context: every
    output is written beside its target and put in place, with the store, only when the block
    ends without an error. On an error (a full disk) nothing of the previous build is changed:
    what was written is dropped, a fresh store is deleted, and a store updated in place is put
    back as it was (if that fails too, it is removed: read commands read graph.trig, and the next
    build makes the store anew)."""

    def __init__(self, out: Path, cache_dir: Path, in_store: set[str]):
        self.out, self.cache_dir, self.in_store = out, cache_dir, in_store
        self.kept: list[str] = []  # the articles the store holds when the build ends
        self.outputs = Outputs()
        self.store: ClaimStore | None = None
        self.loads: ArticleLoads | None = None  # a fresh store's article graphs, loaded as they come
        self.target: Path | None = None  # a fresh store's folder until it is put in place
        self.in_place = False  # the store is the previous build's, being updated
        self.shared: dict[str, bytes] = {}  # an updated store's graphs as they were: the vocabulary
        self.reserve = out / ".store.reserve"  # disk space held back for undoing an update in place

    def __enter__(self) -> "Assembly":
        return self

    def __exit__(self, kind, error, trace) -> None:
        if self.loads is not None:
            self.loads.close()  # on an error, before the fresh store is closed and deleted
        if error is None:
            self.reserve.unlink(missing_ok=True)
            self.outputs.publish()
            (self.out / UPDATING).unlink(missing_ok=True)
            return
        # the failed build's store closed first: open, it would write into a directory removed below,
        # and RocksDB refuses every write after a failed one, so an undo opens the store anew
        self.store = self.loads = None
        _release_frames(error)
        gc.collect()
        self.outputs.discard()  # it frees space, and so does the reserve
        drop_unpublished(self.out)
        self.reserve.unlink(missing_ok=True)
        if self.in_place and (self.out / UPDATING).exists():
            try:
                self._undo_in_place()
            except Exception as undo_error:  # noqa: BLE001  the store is made from graph.trig: drop it
                shutil.rmtree(self.out / "store", ignore_errors=True)
                (self.out / UPDATING).unlink(missing_ok=True)
                raise BuildError(f"{described(error)}; the store could not be put back as it was ({undo_error}), "
                                 "so it was removed: read commands read graph.trig, and the next build makes "
                                 "the store anew") from error
            (self.out / UPDATING).unlink(missing_ok=True)
        if isinstance(error, (OSError, StoreError)):
            raise BuildError(f"{described(error)}: the build stopped") from error

    def _hold_space(self, updated: list[Path]) -> None:
        """Hold back the disk space an undo of the update in place would need (RocksDB writes to
        delete), or stop before the store is touched."""
        # the analysis is put back by its difference, which a few articles keep small
        need = RESERVE_MIN + RESERVE_FACTOR * (sum(p.stat().st_size for p in updated if p.exists())
                                               + sum(map(len, self.shared.values()))
                                               + (self.out / "store" / ANALYSIS_FILE).stat().st_size // 8)
        try:
            with open(self.reserve, "wb") as handle:
                os.posix_fallocate(handle.fileno(), 0, need)
        except OSError as error:
            self.reserve.unlink(missing_ok=True)
            raise BuildError(f"{self.out}: {error.strerror or error}: the store's update needs about "
                             f"{need / 1e6:.0f} MB free; nothing was changed") from None

    def open_store(self, expected: list[str]) -> ArticleLoads | None:
        """Before the extraction, the store this build writes: the previous build's, updated in place
        (by assemble) when few articles change, or else a fresh one. expected: the articles it holds
        if every one extracts. A fresh store's article graphs go in as they come, in a thread of
        their own (the ArticleLoads returned): the cached ones, then each one extracted."""
        store = _updatable_store(self.out, expected, self.in_store)
        if store is not None:
            self.store, self.in_place = store, True
            return None
        for stale in self.out.glob("store.new-*"):  # left by a build that was killed
            shutil.rmtree(stale, ignore_errors=True)
        # a name of its own: RocksDB remembers the locks this process took, path by path
        self.target = self.out / f"store.new-{os.getpid()}-{time.time_ns()}"
        self.outputs.directory(self.target, self.out / "store")  # deleted if the build fails
        self.store = ClaimStore("oxigraph", self.target)
        self.store.add_ontology()
        self.loads = ArticleLoads(self.store, self.cache_dir)
        return self.loads

    def assemble(self, kept: list[str], exports: Iterable[str], explorer: bool = True) -> None:
        """Put the article graphs kept (by content hash, from the cache) into the store opened
        (open_store), add the cross-source analysis, validate it, and write the exports and the explorer.

        A store updated in place has the graphs of removed or changed articles dropped and the new
        ones loaded; a fresh one, bulk-loaded as the articles came, is swapped in for the old. Either
        way the exports are the cached per-article blocks put together, so no graph is serialised twice."""
        self.kept = kept
        out, cache_dir, in_store, outputs, store = self.out, self.cache_dir, self.in_store, self.outputs, self.store
        load_articles = None  # a fresh store's article loads, when the analysis waits for them beside its work
        for name in exports:
            if name not in EXPORT_FORMATS:
                raise BuildError(f"unknown export {name!r}: use {', '.join(EXPORTS)}")
        order = sorted(kept, key=lambda sha: str(graph_iri(sha)))  # the exports' order: by graph name
        if self.in_place:
            self.shared = {name: store.graph_blocks(name)[0] for name in (str(VOCABULARY_GRAPH),)}
            self._hold_space([cache_dir / f"{sha}.nq" for sha in in_store.symmetric_difference(kept)])
            atomic_write(out / UPDATING, "")
            for sha in sorted(in_store - set(kept)):
                store.remove_graph(graph_iri(sha))
            for sha in sorted(set(kept) - in_store):
                store.load_nquads_file(cache_dir / f"{sha}.nq")
            target = out / "store"
        else:
            target = self.target
            # many articles still to load load first: beside the analysis, their loads' memory would
            # add to the analysis's peak (issue 30's 1.5 GB at 10k articles)
            if self.loads.unloaded() > LOADS_BEFORE_ANALYSIS:
                self.loads.finish()
            else:
                load_articles = self.loads.finish
        changes = _table_changes(out, kept, in_store)
        analysis, conflicts_found = Handover(), Handover()
        # the exports' and the tables' copying overlap the analysis; the conflicts table is written
        # once the analysis has found the pairs, beside the analysis's load (Oxigraph lets go of the GIL)
        with ThreadPoolExecutor(max_workers=3) as exporter:
            exporting = exporter.submit(write_exports, out, store, cache_dir, order, exports, analysis, outputs)
            tabling = exporter.submit(write_tables, out, cache_dir, order, graph_iri, changes) if "trig" in exports else None
            conflicts_table = (exporter.submit(_write_conflicts_table, out, store, conflicts_found)
                               if "trig" in exports else None)
            try:
                nquads = _analyse(store, target, cache_dir, kept, outputs, load_articles, conflicts_found)
            except BaseException:
                failed = BuildError("the analysis failed")  # the exports are dropped, the old ones stay
                analysis.fail(failed)
                conflicts_found.fail(failed)
                exporter.shutdown(wait=True)
                drop_unpublished(out)
                raise
            analysis.give(nquads)
            if explorer:
                write_explorer(store, outputs.path(out / "explorer.html"))
            exporting.result()
            if tabling is not None:
                tabling.result()
                conflicts_table.result()
                publish_tables(out, outputs)
        store.flush()
        trig = next_path(out / "graph.trig")  # its stamp stays when it is put in place
        atomic_write(outputs.path(target / SOURCE) if self.in_place else target / SOURCE,
                     export_stamp(trig) if trig.exists() else "")
        # a fresh store's open files move with its directory

    def _undo_in_place(self) -> None:
        """Put the store updated in place back as the previous build left it: the article graphs
        removed and added, the vocabulary, and the analysis from the copy kept beside it. Each
        step can be repeated: what the update never reached stays as it is."""
        store, kept, in_store = ClaimStore("oxigraph", self.out / "store"), set(self.kept), self.in_store
        for sha in sorted(kept - in_store):
            store.remove_graph(graph_iri(sha))
        for sha in sorted(in_store - kept):
            if not store.has_graph(graph_iri(sha)):
                store.load_nquads_file(self.cache_dir / f"{sha}.nq")
        for name, nquads in self.shared.items():
            store.remove_graph(URIRef(name))
            store.add_nquads(nquads)
        # the analysis as the store holds it now, against the copy the previous build kept: the
        # difference is taken back (nothing, if the update never reached it)
        now = set(store.graph_blocks(str(ANALYSIS_GRAPH))[0].splitlines())
        then = set((self.out / "store" / ANALYSIS_FILE).read_bytes().splitlines())
        store.apply_diff(b"\n".join(now - then) + b"\n", b"\n".join(then - now) + b"\n")
        store.flush()


def _table_changes(out: Path, kept: list[str], in_store: set[str]) -> TableChanges | None:
    """What changed since the tables in place were made, when few articles did."""
    if not in_store or not _few_changed(in_store, kept):
        return None
    removed, added = in_store - set(kept), set(kept) - in_store
    sound = frozenset(query.name for query in table_queries() if built_table(out / "graph.trig", query.name))
    return TableChanges(sound, frozenset(removed), frozenset(added))


# article graphs per bulk load, cached or extracted: 300 extracted went in 1.2-1.4 s in loads of 16 or
# 64, 1.7 s in one; cached ones load beside the workers, where loads of 500 (437 MB each) took a 10k
# build past 1.5 GB: with 5,000 cached, loads of 64 built it in 295 s, 250 in 315 s, 500 in 310 s
LOAD_ARTICLES = 64


class ArticleLoads:
    """A fresh store's article graphs, bulk-loaded one load after another in a thread of their own
    while the build goes on (Oxigraph lets go of the GIL), LOAD_ARTICLES at a time (one load of a
    whole corpus holds it all in memory: 2.4 GB at 5k articles): the cached ones first, then the
    extracted ones as they come. A failed load (a full disk) stops the build at the next add or at finish."""

    def __init__(self, store: ClaimStore, cache_dir: Path):
        self.store, self.cache_dir = store, cache_dir
        self.jobs = BackgroundJobs("article-loads")
        self.waiting: list[bytes] = []  # extracted graphs not yet handed to the thread
        self.handed: list[tuple[Future, int]] = []  # each load and its articles

    def add_cached(self, shas: list[str]) -> None:
        for start in range(0, len(shas), LOAD_ARTICLES):
            group = shas[start:start + LOAD_ARTICLES]  # read from the cache when its turn comes
            self._hand(len(group), lambda group=group: b"".join(concatenated(self.cache_dir, group, ".nq")))

    def add(self, nquads: bytes) -> None:
        self.waiting.append(nquads)
        if len(self.waiting) >= LOAD_ARTICLES:
            self._hand_waiting()

    def unloaded(self) -> int:
        """Articles given and not loaded yet."""
        return len(self.waiting) + sum(n for load, n in self.handed if not load.done())

    def finish(self) -> None:
        """Every article given loaded."""
        self._hand_waiting()
        self.jobs.wait()

    def close(self) -> None:
        """Stop: the load under way ends, the others are dropped."""
        self.jobs.close()

    def _hand_waiting(self) -> None:
        if self.waiting:
            data = b"".join(self.waiting)
            self._hand(len(self.waiting), lambda: data)
            self.waiting = []

    def _hand(self, articles: int, nquads: Callable[[], bytes]) -> None:
        self.handed.append((self.jobs.submit(lambda: self.store.bulk_load_nquads(nquads())), articles))


def _analyse(store: ClaimStore, target: Path, cache_dir: Path, kept: list[str], outputs: Outputs,
             load_articles: Callable[[], None] | None, conflicts_found: Handover) -> bytes:
    """The cross-source analysis of the kept articles, put in the store and validated: its N-Quads.
    The conflicting pairs it found are given to conflicts_found as soon as they are known and the
    store holds the article graphs. load_articles, when given, finishes a fresh store's article
    loads (ArticleLoads.finish) and is waited for in a thread of its own while the analysis is
    worked out and loaded beside it: Oxigraph's bulk load lets go of the GIL."""
    claims, entities = load_facts(cache_dir, kept)
    entity_prefix = str(ID["entity/"])
    named = {row.entity[len(entity_prefix):] for row in entities if row.entity.startswith(entity_prefix)}
    store.put_graph(vocabulary_graph(known_entities(named)))  # what the known-alias table says of them
    # the known-alias table's names count too: the vocabulary graph holds them
    entities += [EntityRow(**row) for row in store.select_in(ENTITY_FACTS, [VOCABULARY_GRAPH])]
    with ThreadPoolExecutor(max_workers=1) as loader:  # waits for the load on the way out, error or not
        loading = loader.submit(load_articles) if load_articles is not None else None
        writer = analysis_quads(claims, entity_index(entities))
        analysis, conflicts = writer.nquads(), writer.conflicts
        del claims, entities, writer
        if loading is None:
            conflicts_found.give(conflicts)
        else:  # the table reads the figures' texts in the article graphs
            loading.add_done_callback(partial(_give_once_loaded, conflicts_found, conflicts))
        touched = _replace_analysis(store, target / ANALYSIS_FILE, analysis, outputs)
        if loading is not None:
            loading.result()  # a failed load (a full disk) stops the build here
    problems = store.violations([str(ANALYSIS_GRAPH)], focus=touched)
    if problems:
        raise BuildError("SHACL validation of the cross-source analysis failed; nothing was written:\n"
                         + short("\n".join(problems)))
    return analysis


def _give_once_loaded(conflicts_found: Handover, conflicts: list[ConflictPair], loading: Future) -> None:
    error = loading.exception()
    if error is None:
        conflicts_found.give(conflicts)
    else:
        conflicts_found.fail(error)


def _write_conflicts_table(out: Path, store: ClaimStore, conflicts_found: Handover) -> None:
    """conflicts.csv beside the build (published with the other tables): the engine sorts tens of
    thousands of pairs slowly (12 s for a page at 300 generated articles), the analysis has them."""
    query = table_query("conflicts")
    conflicts = conflicts_found.take()
    if query is None:
        return
    claims = sorted({facts.claim for pair in conflicts for facts in (pair.claim, pair.other)})
    texts = {row["claim"]: row["figure"] for row in store.select_for(FIGURE_TEXTS, "claim", claims)}
    write_rows(query, query.next_file(out), conflict_rows(conflicts, texts))


def line_pieces(data: bytes, size: int) -> Iterator[bytes]:
    """data in pieces of at least size bytes (the last may be shorter), each ending where a line
    does: cut from the bytes, so that a large graph is never held a second time as a list of lines."""
    start = 0
    while start < len(data):
        end = data.find(b"\n", start + size - 1)
        end = len(data) if end < 0 else end + 1
        yield data[start:end]
        start = end


ANALYSIS_FILE = "ANALYSIS.nq"  # the analysis graph the store holds, kept beside it to diff against


def _replace_analysis(store: ClaimStore, kept_copy: Path, nquads: bytes, outputs: Outputs) -> set[str] | None:
    """Put the new analysis graph in the store. One changed article changes a few of its
    lines, so a store that holds an earlier analysis gets only the difference. Returns the
    subjects of the lines that changed (None: all of them are new)."""
    touched = None
    if kept_copy.exists() and store.has_graph(ANALYSIS_GRAPH):
        before, after = set(kept_copy.read_bytes().splitlines()), set(nquads.splitlines())
        store.apply_diff(b"\n".join(before - after) + b"\n", b"\n".join(after - before) + b"\n")
        # every analysis line starts with an IRI: <subject> <predicate> ...
        touched = {line[1:line.index(b">")].decode() for line in before ^ after}
    else:
        store.remove_graph(ANALYSIS_GRAPH)
        # bulk loads, not one transaction (which holds all of it in memory): the store is either
        # fresh (no one sees it before the swap) or marked as being updated; BULK_LOAD_BYTES at a
        # time, in two halves side by side (Oxigraph lets go of the GIL: 195k lines in 0.8 s, not 1.1)
        halves = line_pieces(nquads, BULK_LOAD_BYTES // 2)
        with ThreadPoolExecutor(max_workers=2) as loaders:
            while side_by_side := list(islice(halves, 2)):
                list(loaders.map(store.bulk_load_nquads, side_by_side))
    atomic_write(outputs.path(kept_copy), nquads)  # put in place with the build: an undo reads the old one
    return touched
