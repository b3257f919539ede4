"""graph.files.atomic_writes: several files written whole, synced once, renamed in order."""

import errno
import os
import stat

import pytest

import graph.files
from graph.files import atomic_write, atomic_writes


def temporaries(folder):
    return sorted(p.name for p in folder.rglob(".*"))


def test_every_file_is_written_whole_with_a_normal_files_permissions(tmp_path):
    atomic_write(tmp_path / "single.txt", "one")
    files = [(tmp_path / "cache" / f"entry{n}.csv", f"rows {n}\n" * 1000) for n in range(5)]
    files += [(tmp_path / "other" / "marker.nq", b"<a> <b> <c> .\n")]
    atomic_writes(files)
    for path, data in files:
        assert path.read_bytes() == (data.encode() if isinstance(data, str) else data)
        assert stat.S_IMODE(path.stat().st_mode) == stat.S_IMODE((tmp_path / "single.txt").stat().st_mode)
    assert temporaries(tmp_path) == []
    atomic_writes([])  # nothing to write is no error


def test_a_file_that_cannot_be_written_leaves_none_of_them_and_is_named(tmp_path):
    (tmp_path / "blocked").write_text("a file where a folder should be")
    files = [(tmp_path / "cache" / "first.csv", "a"), (tmp_path / "blocked" / "second.csv", "b"),
             (tmp_path / "cache" / "last.nq", "c")]
    with pytest.raises(OSError) as raised:
        atomic_writes(files)
    assert "blocked" in str(raised.value)
    assert not (tmp_path / "cache" / "first.csv").exists() and not (tmp_path / "cache" / "last.nq").exists()
    assert temporaries(tmp_path) == []


def test_a_failed_sync_renames_nothing_and_names_a_file(tmp_path, monkeypatch):
    def full(paths):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(graph.files, "_sync", full)
    (tmp_path / "kept.csv").write_text("the previous entry")
    files = [(tmp_path / "kept.csv", "new"), (tmp_path / "marker.nq", "new")]
    with pytest.raises(OSError, match="No space left on device") as raised:
        atomic_writes(files)
    assert raised.value.filename and str(tmp_path) in raised.value.filename
    assert (tmp_path / "kept.csv").read_text() == "the previous entry" and not (tmp_path / "marker.nq").exists()
    assert temporaries(tmp_path) == []


def test_many_files_on_one_file_system_are_synced_with_one_call(tmp_path, monkeypatch):
    synced = []
    real = graph.files._syncfs()
    if real is None:
        pytest.skip("no syncfs in this C library")
    monkeypatch.setattr(graph.files, "_syncfs", lambda: lambda fd: synced.append(os.readlink(f"/proc/self/fd/{fd}")) or real(fd))
    monkeypatch.setattr(graph.files, "_fsync", lambda path: pytest.fail("a file synced on its own"))
    atomic_writes([(tmp_path / f"{n}.csv", "x") for n in range(6)])
    assert len(synced) == 1
