"""A parse run in a child process under a time and memory limit: a hostile file can make a parser
loop or allocate without end; a killed child cannot. The child's CPU time is limited by the
kernel too, so it ends even if its parent was killed before it could end it."""

from __future__ import annotations

import os
import signal
from typing import Callable


class OutOfLimits(Exception):
    """The work took longer than its time or more memory than its budget, or its process died."""


def _address_space() -> int:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _child(work: Callable, args: tuple, seconds: float, memory: int, out: int) -> None:
    """In the forked child: limit its memory and CPU time, run, write the pickled outcome, and
    exit at once."""
    import math
    import pickle
    import resource

    try:
        limit = _address_space() + memory  # the forked parent's pages count too
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        cpu = math.ceil(seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    except (ValueError, OSError):
        pass
    try:
        outcome = ("done", work(*args))
    except MemoryError:
        outcome = ("memory", None)
    except BaseException as error:  # handed back to the parent, which decides what it means
        outcome = ("raised", error)
    try:
        try:
            data = pickle.dumps(outcome)
        except BaseException:  # an error whose context cannot be pickled: the same kind, without it
            kind = type(outcome[1])
            plain = kind(str(outcome[1])) if kind.__module__ == "builtins" else RuntimeError(f"{kind.__name__}: {outcome[1]}")
            data = pickle.dumps(("raised", plain))
        with os.fdopen(out, "wb") as handle:
            handle.write(data)
    finally:
        os._exit(0)


def run_limited(work: Callable, args: tuple, seconds: float, memory: int):
    """work(*args) in a forked child that may use memory bytes more than its parent and run for
    seconds: its result, its exception raised again, or OutOfLimits saying which limit it hit.
    os.fork, not multiprocessing: a daemonic worker may not start a multiprocessing child."""
    import pickle
    import select
    import time

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _child(work, args, seconds, memory, write_end)
    os.close(write_end)
    chunks, deadline, finished = [], time.monotonic() + seconds, False
    try:
        while not finished:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([read_end], [], [], left)[0]:
                raise OutOfLimits(f"still running after {seconds:g} s")
            chunk = os.read(read_end, 1 << 20)
            chunks.append(chunk)
            finished = not chunk
    finally:
        os.close(read_end)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
    try:
        outcome, value = pickle.loads(b"".join(chunks))
    except Exception:
        raise OutOfLimits("its reader died (over the memory limit?)") from None
    if outcome == "memory":
        raise OutOfLimits(f"needed more than {memory // 2**20} MiB")
    if outcome == "raised":
        raise value
    return value
