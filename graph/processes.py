"""Child processes that end with their parent: a build or server killed with SIGKILL cannot stop
its workers itself, so each worker asks the kernel to kill it when its parent goes."""

from __future__ import annotations

import ctypes
import signal

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Call first thing in a child process (Linux; elsewhere nothing happens). The kernel kills
    the child when the *thread* that forked it ends, not the process: fork from a thread that
    lives as long as the parent (the main thread, or serve's WorkerForker), never a request's."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
