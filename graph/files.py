"""Files written whole or not at all: every output of a build is written beside its target and
renamed into place, so a killed build leaves the previous output intact."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator


def atomic_write(path: Path, data: bytes | str) -> None:
    atomic_stream(path, [data.encode("utf-8") if isinstance(data, str) else data])


def atomic_stream(path: Path, chunks: Iterable[bytes]) -> None:
    """Write chunks to a temporary file beside path, then rename: a crash never leaves half a file."""
    with atomic_file(path) as handle:
        for chunk in chunks:
            handle.write(chunk)


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A file to write in place of path: it replaces path, synced, only when the block ends
    without an error; otherwise it is removed and path is as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; the result should read like any file written here
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def replace_directory(new: Path, target: Path) -> None:
    """Swap a finished directory into place; the old one is kept as target.old until the swap is done."""
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def recover_directory(target: Path) -> None:
    """After a build killed between the two renames of replace_directory, put the old one back."""
    old = target.with_name(target.name + ".old")
    if old.exists() and not target.exists():
        os.replace(old, target)


def export_stamp(path: Path) -> str:
    """Which export a block index or a store was made from: its size and modification time."""
    info = path.stat()
    return f"{info.st_size} {info.st_mtime_ns}"
