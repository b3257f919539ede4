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
    without an error; otherwise it is removed and path is as it was. An OSError of the writes
    (a full disk) names path."""
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
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        if error.filename is None:  # a write to an open file says nothing of which file it was
            raise OSError(error.errno, error.strerror or str(error), str(path)) from error
        raise
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
