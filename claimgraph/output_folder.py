"""The build's output folder: the build owns only a folder it made, and one build at a time writes it."""

from __future__ import annotations

import fcntl
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from claimgraph.extraction import BuildError

MARK = ".claimgraph-build"  # in every folder a build made: the build may replace what is in it
LOCK = ".claimgraph-lock"
MANIFEST = "manifest.json"


def check_output(folder: Path, out: Path) -> None:
    """Refuse an output folder that would read or delete what the build did not make."""
    folder, out = Path(folder).resolve(), Path(out).resolve()
    if out == folder:
        raise BuildError(f"{out}: --out is the article folder; the next build would read its own output. "
                         "Choose another folder")
    if folder.is_relative_to(out):
        raise BuildError(f"{out}: --out holds the article folder {folder}; a build replaces what is in --out. "
                         "Choose another folder")
    if out.exists() and not out.is_dir():
        raise BuildError(f"{out}: --out is a file, not a folder")
    if out.is_dir() and not (out / MARK).exists() and not (out / MANIFEST).is_file() and any(out.iterdir()):
        raise BuildError(f"{out}: this folder is not empty and no claimgraph build made it (no {MARK} in it); "
                         "the build would replace files in it. Choose a new or empty folder")


@contextmanager
def owned_output(folder: Path, out: Path) -> Iterator[Path]:
    """The output folder, made and marked as the build's, locked for the whole build, with what
    a killed build left behind (temporary files, store.old) cleaned away."""
    check_output(folder, out)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARK).touch()
    handle = open(out / LOCK, "a+")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()
            raise BuildError(f"{out}: another build is writing to this folder{f' (process {holder})' if holder else ''}; "
                             "wait for it to finish, or build into another folder") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        clean_leftovers(out)
        yield out
    finally:
        handle.close()  # closing releases the lock


def clean_leftovers(out: Path) -> None:
    """Temporary files of writes a killed build did not finish (outputs not yet put in place, the
    space held back for an undo), and a store.old left beside a store."""
    for path in [*out.glob(".*.*"), *out.glob("cache/*/.*"), *out.glob("store/.*.next")]:
        if path.name not in (MARK, LOCK) and path.is_file():
            path.unlink(missing_ok=True)
    if (out / "store.old").is_dir() and (out / "store").is_dir():
        shutil.rmtree(out / "store.old", ignore_errors=True)
