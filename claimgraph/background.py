"""Work a build hands to a thread of its own while it goes on: writing cache entries (which waits
on the disk) and bulk-loading article graphs (which Oxigraph does without the GIL). With one
worker the extraction runs in the build's own process and the second core is free for them."""

from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable


class BackgroundJobs:
    """Jobs run one after another, in the order given, in one thread. The first job that fails
    stops the build: its error is raised at the next submit, or at wait. Use as a context: on the
    way out the jobs not yet started are dropped and the running one is waited for."""

    def __init__(self, name: str):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._futures: deque[Future] = deque()

    def submit(self, job: Callable, *args) -> Future:
        self._raise_failed()
        future = self._pool.submit(job, *args)
        self._futures.append(future)
        return future

    def wait(self) -> None:
        """Every job submitted done; the first failure raised."""
        while self._futures:
            self._futures.popleft().result()

    def _raise_failed(self) -> None:
        while self._futures and self._futures[0].done():
            self._futures.popleft().result()

    def close(self) -> None:
        """The jobs not yet started dropped; the running one waited for."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "BackgroundJobs":
        return self

    def __exit__(self, *error) -> None:
        self.close()
