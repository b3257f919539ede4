"""Files written whole or not at all: every output of a build is written beside its target and
renamed into place, so a killed build leaves the previous output intact."""

from __future__ import annotations

import ctypes
import os
import shutil
import tempfile
from contextlib import contextmanager
from functools import cache
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
    without an error; otherwise it is removed and path is as it was. An OSError of the writes
    (a full disk) names path."""
    path = Path(path)
    tmp = None
    try:
        fd, tmp = _beside(path)
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as error:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise _naming(error, path)


def atomic_writes(files: list[tuple[Path, bytes | str]]) -> None:
    """Each (path, data) written as atomic_write does, with one sync of their file system for all
    of them before any is renamed, instead of a sync per file (about 5 ms each on our disks; a
    build writes six cache files per article). Renamed in the order given: a file that marks the
    others complete goes last. On an error none of the files not yet renamed is left half-written."""
    written: list[tuple[str, Path]] = []
    path = None
    try:
        for path, data in files:
            path = Path(path)
            fd, tmp = _beside(path)
            written.append((tmp, path))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        _sync(tmp for tmp, _ in written)
        while written:
            tmp, path = written[0]
            os.replace(tmp, path)
            written.pop(0)
    except BaseException as error:
        for tmp, _ in written:
            Path(tmp).unlink(missing_ok=True)
        raise _naming(error, path)


def _beside(path: Path) -> tuple[int, str]:
    """A new temporary file beside path, with the permissions a file written there would have."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; the result should read like any file written here
    return fd, tmp


def _naming(error: BaseException, path: Path | None) -> BaseException:
    """A write to an open file says nothing of which file it was: the OSError names path."""
    if isinstance(error, OSError) and error.filename is None and path is not None:
        return OSError(error.errno, error.strerror or str(error), str(path)).with_traceback(error.__traceback__)
    return error


def _sync(paths: Iterable[str]) -> None:
    """Every file's data on disk: one syncfs per file system where Linux has it, else an fsync each."""
    paths = list(paths)
    by_device = {os.stat(p).st_dev: p for p in paths}
    syncfs = _syncfs()
    if syncfs is None or len(paths) <= len(by_device):
        for p in paths:
            _fsync(p)
        return
    for p in by_device.values():
        fd = os.open(p, os.O_RDONLY)
        try:
            if syncfs(fd) != 0:
                number = ctypes.get_errno()
                raise OSError(number, os.strerror(number), p)
        finally:
            os.close(fd)


def _fsync(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@cache
def _syncfs():
    try:
        return ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):  # not Linux's C library
        return None


def next_path(target: Path) -> Path:
    """Where an output is written before it is put in place: .NAME.next beside it."""
    target = Path(target)
    return target.with_name(f".{target.name}.next")


class Outputs:
    """A build's outputs, each written to next_path(target) and put in place together by publish,
    only once all of them are written: renames need no disk space, so a full disk or an error
    leaves every previous output as it was. discard drops what was written."""

    def __init__(self):
        self.targets: list[Path] = []
        self.directories: list[tuple[Path, Path]] = []  # (finished directory, target)
        self.removed: list[Path] = []  # outputs of an earlier build that this one does not make

    def path(self, target: Path) -> Path:
        """The file to write in place of target."""
        if Path(target) not in self.targets:
            self.targets.append(Path(target))
        return next_path(target)

    def remove(self, target: Path) -> None:
        """An earlier output to delete when the new ones are put in place."""
        self.removed.append(Path(target))

    def directory(self, finished: Path, target: Path) -> None:
        """A finished directory to swap in place of target when the files are put in place."""
        self.directories.append((Path(finished), Path(target)))

    def publish(self) -> None:
        missing = [str(next_path(t)) for t in self.targets if not next_path(t).exists()]
        if missing:
            raise FileNotFoundError(f"outputs never written: {', '.join(missing)}")
        # the files inside a finished directory, the directories, then the others in the order they
        # were handed over: the last one (a build's manifest, which a server watches) goes in last
        inside = [t for t in self.targets if any(t.is_relative_to(finished) for finished, _ in self.directories)]
        for target in inside:
            os.replace(next_path(target), target)
        for finished, target in self.directories:
            replace_directory(finished, target)
        for target in self.targets:
            if target not in inside:
                os.replace(next_path(target), target)
        for target in self.removed:
            target.unlink(missing_ok=True)
        self.targets, self.directories, self.removed = [], [], []

    def discard(self) -> None:
        for target in self.targets:
            next_path(target).unlink(missing_ok=True)
        for finished, _ in self.directories:
            shutil.rmtree(finished, ignore_errors=True)
        self.targets, self.directories, self.removed = [], [], []


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
