"""The executors that run the per-article function (claimgraph.extraction) over batches of
articles: this process, a local process pool, or a Dask cluster. Not part of the cache key: how
the batches are run does not change what each returns."""

from __future__ import annotations

from collections import deque
from concurrent.futures import ProcessPoolExecutor
from typing import Iterator

from claimgraph.extraction import BuildError, extract_articles, load_pipeline
from extract.records import Article
from graph.processes import die_with_parent


def _warm_worker() -> None:
    die_with_parent()  # a build killed with SIGKILL takes its workers with it
    load_pipeline()  # the language most corpora are in; another loads when needed


class ExtractionPool:
    """The local process pool, started before the batches are known: once more than start_after
    files have been read (file_read), its workers load the pipeline while the build reads the rest,
    each on a core the reading leaves free. Fewer, and a build of one batch extracts in its own
    process as it did (a pool's start-up is the cost of a worker's pipeline). A pool never used has
    its workers stopped, loaded or not (close)."""

    def __init__(self, workers: int, start_after: int = 0):
        self.workers, self.start_after = workers, start_after
        self._read = 0
        self._pool: ProcessPoolExecutor | None = None

    @property
    def started(self) -> bool:
        return self._pool is not None

    def file_read(self) -> None:
        self._read += 1
        if self._pool is None and self._read > self.start_after:
            self.start()

    def start(self) -> None:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_warm_worker)
            self._pool.submit(int)  # a pool forks its workers on its first task

    def submit(self, *call):
        self.start()
        return self._pool.submit(*call)

    def close(self, used: bool = True) -> None:
        """Let the pool go: after the work it was given (used), or with its workers stopped at once,
        when nothing it does is wanted (no article to extract, or an error). Left to finish loading
        the pipeline, each took a core while the build went on and kept its memory until the end."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            # Python 3.11's ProcessPoolExecutor has no public way to stop its workers (3.14's terminate_workers)
            workers = list((getattr(pool, "_processes", None) or {}).values())
            pool.shutdown(wait=used, cancel_futures=True)
            if not used:
                for worker in workers:
                    worker.terminate()

    def __enter__(self) -> "ExtractionPool":
        return self

    def __exit__(self, kind, error, trace) -> None:
        self.close(used=error is None)


EXECUTORS = ("process", "dask")
DASK_CONNECT_TIMEOUT = "20s"


def run_extraction(articles: list[Article], workers: int, batch_size: int, validate: bool = True,
                   executor: str = "process", scheduler: str | None = None,
                   pool: ExtractionPool | None = None) -> Iterator[Extracted]:
    """Stream results in order; at most 2 batches per worker are in flight, so memory is bounded by
    the batch, not the corpus. A process pool already started (pool) extracts even a single batch;
    else one worker, or one batch, is extracted in this process. executor="dask" sends the batches
    to a Dask scheduler instead."""
    batches = [articles[i:i + batch_size] for i in range(0, len(articles), batch_size)]
    if executor == "dask":
        yield from _dask_extraction(batches, scheduler, validate)
        return
    if executor != "process":
        raise BuildError(f"unknown executor {executor!r}: use one of {', '.join(EXECUTORS)}")
    if (pool is None or not pool.started) and (workers <= 1 or len(batches) <= 1):
        for batch in batches:
            yield from extract_articles(batch, validate)
        return
    with pool or ExtractionPool(workers) as pool:
        yield from _in_order(pool.submit, batches, 2 * pool.workers, validate)


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
