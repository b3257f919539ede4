"""The build's exports: graph.trig and graph.nq put together from the cached per-article blocks,
and graph.jsonld written by the store.

The article blocks of an export are byte ranges of it, listed in an index beside it
(graph.trig.blocks.json). A rebuild copies the blocks of unchanged articles from the previous
export in long runs, inside the kernel where it can, instead of opening one cache file per
article: on 10,000 articles that is the difference between seconds and a fraction of one."""

from __future__ import annotations

import json
import os
import queue
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from graph.rdf.mapping import ANALYSIS_GRAPH, ONTOLOGY_GRAPH, VOCABULARY_GRAPH
from graph.rdf.serialise import trig_header
from graph.files import Outputs, atomic_file, atomic_write, export_stamp
from graph.store import ClaimStore

EXPORTS = ("trig", "nq", "jsonld")
# graph.nq holds what graph.trig holds at four times the size (1.6 GB at 10,000 articles), and
# rewriting it dominated an incremental build: ask for it, and for JSON-LD, with --export
DEFAULT_EXPORTS = ("trig",)
EXPORT_FORMATS = {"trig": "trig", "nq": "nquads", "jsonld": "json-ld"}
CACHE_SUFFIX = {"trig": ".trig", "nq": ".nq"}  # the cached block each concatenated export is made of
SHARED_GRAPHS = (ONTOLOGY_GRAPH, VOCABULARY_GRAPH)
WRITE_BUFFER = 8 << 20


@dataclass
class BlockIndex:
    """Where each article's block lies in an export file: sha -> (offset, length)."""
    cache: str  # the cache folder's name (its extractor version): blocks of another version differ
    stamp: str  # the export's size and modification time when the index was written
    blocks: dict[str, tuple[int, int]]

    @staticmethod
    def path(export: Path) -> Path:
        return export.with_name(export.name + ".blocks.json")

    @classmethod
    def of(cls, export: Path, cache: str) -> BlockIndex | None:
        """The index of export as it is now, or None when there is none that can be trusted."""
        try:
            data = json.loads(cls.path(export).read_text(encoding="utf-8"))
            index = cls(data["cache"], data["stamp"], {sha: (int(o), int(n)) for sha, (o, n) in data["blocks"].items()})
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if index.cache != cache or not export.exists() or index.stamp != export_stamp(export):
            return None
        return index

    def save(self, file: Path) -> None:
        """Write the index to file (BlockIndex.path of its export, or where the build stages it)."""
        atomic_write(file, json.dumps({"cache": self.cache, "stamp": self.stamp, "blocks": self.blocks}))


class _BlockWriter:
    """Writes an export through a raw file, buffering small writes and copying byte ranges of
    another file without passing them through Python."""

    def __init__(self, handle: BinaryIO):
        self.handle = handle
        self.position = 0
        self._pending: list[bytes] = []
        self._pending_size = 0

    def write(self, data: bytes) -> None:
        if len(data) >= WRITE_BUFFER:  # a large block (the analysis) goes out as it is, not copied into a join
            self.flush()
            self.handle.write(data)
            self.position += len(data)
            return
        self._pending.append(data)
        self._pending_size += len(data)
        self.position += len(data)
        if self._pending_size >= WRITE_BUFFER:
            self.flush()

    def write_all(self, chunks: Iterable[bytes]) -> None:
        for chunk in chunks:
            self.write(chunk)

    def flush(self) -> None:
        if self._pending:
            self.handle.write(b"".join(self._pending))
            self.handle.flush()
            self._pending, self._pending_size = [], 0

    def copy(self, source: int, offset: int, length: int) -> None:
        self.flush()
        self.position += length
        target = self.handle.fileno()
        while length:
            try:
                done = os.copy_file_range(source, target, length, offset)
            except OSError:  # not across these file systems: read and write
                done = 0
            if not done:
                data = os.pread(source, min(length, WRITE_BUFFER), offset)
                if not data:
                    raise OSError("the previous export ended before its index said")
                self.handle.write(data)
                self.handle.flush()
                done = len(data)
            offset += done
            length -= done


def _article_blocks(writer: _BlockWriter, order: list[str], cache_dir: Path, suffix: str,
                    previous: BlockIndex | None, previous_file: BinaryIO | None) -> dict[str, tuple[int, int]]:
    """Write the articles' blocks in order: runs of blocks that lie one after another in the
    previous export are copied from it in one go, the others read from the cache."""
    blocks: dict[str, tuple[int, int]] = {}
    run: list[int] = []  # [start, end] in the previous export of the blocks not yet copied

    def copy_run() -> None:
        if run:
            writer.copy(previous_file.fileno(), run[0], run[1] - run[0])
            run.clear()

    for sha in order:
        old = previous.blocks.get(sha) if previous is not None else None
        if old is not None and run and old[0] == run[1]:
            blocks[sha] = (writer.position + run[1] - run[0], old[1])
            run[1] += old[1]
            continue
        copy_run()
        if old is not None:
            blocks[sha] = (writer.position, old[1])
            run[:] = [old[0], old[0] + old[1]]
            continue
        data = (cache_dir / f"{sha}{suffix}").read_bytes()
        blocks[sha] = (writer.position, len(data))
        writer.write(data)
    copy_run()
    return blocks


class Handover:
    """A value that another thread hands over once it has it, or the error that stopped it."""

    def __init__(self):
        self._queue: queue.Queue = queue.Queue(maxsize=1)
        self._value = None

    def give(self, value) -> None:
        self._queue.put(value)

    def fail(self, error: BaseException) -> None:
        try:
            self._queue.put_nowait(error)
        except queue.Full:  # the value was given: the taker goes on, and what it makes is dropped
            pass

    def take(self):
        if self._value is None:
            self._value = self._queue.get()
        if isinstance(self._value, BaseException):
            raise self._value
        return self._value


def write_exports(out: Path, store: ClaimStore, cache_dir: Path, order: list[str], exports: Iterable[str],
                  analysis: Handover, outputs: Outputs) -> None:
    """graph.trig and graph.nq: the articles' cached blocks, then the analysis (N-Quads, in its
    own fixed order: sorting it costs seconds on a large corpus), the ontology and the vocabulary.

    The build runs this in a thread of its own while it computes the analysis: the article
    blocks are copied first, then the thread waits for the analysis (once validated) to finish
    the file. Each export is written beside its target (outputs), put in place with the build's
    other outputs; if the analysis fails instead, the new export is dropped and the old one stays."""
    for name in set(EXPORTS) - set(exports):  # an earlier build's export would now be stale
        outputs.remove(out / f"graph.{name}")
        outputs.remove(BlockIndex.path(out / f"graph.{name}"))
    for name in exports:
        path = out / f"graph.{name}"
        if name not in CACHE_SUFFIX:
            analysis.take()  # the store holds the analysis by then
            store.write(outputs.path(path), EXPORT_FORMATS[name])
            continue
        previous = BlockIndex.of(path, cache_dir.name)
        written = outputs.path(path)
        with atomic_file(written) as handle, (path.open("rb") if previous else nullcontext()) as previous_file:
            writer = _BlockWriter(handle)
            if name == "trig":
                writer.write(trig_header())
            blocks = _article_blocks(writer, order, cache_dir, CACHE_SUFFIX[name], previous, previous_file)
            analysed = analysis.take()
            shared = [store.graph_blocks(str(g)) for g in SHARED_GRAPHS]
            if name == "trig":
                writer.write_all(trig_graph_pieces(analysed, str(ANALYSIS_GRAPH)))
                writer.write_all(block for _, block in shared)
            else:
                writer.write(analysed)
                writer.write_all(block for block, _ in shared)
            writer.flush()
        # the stamp of the file written: a rename into place keeps its size and modification time
        BlockIndex(cache_dir.name, export_stamp(written), blocks).save(outputs.path(BlockIndex.path(path)))


def trig_graph_pieces(nquads: bytes, graph: str) -> tuple[bytes, bytes, bytes]:
    """N-Quads lines of one named graph as a TriG block, in three pieces written one after the
    other (put together, they would be one more copy of a graph of 145 MB at 10,000 articles).
    TriG reads N-Triples inside a graph's braces, so each line only loses its graph term (no
    literal holds a raw line break, so the term can only match at a line's end): no parse, no
    Python object per triple."""
    return b"<%s> {\n" % graph.encode(), nquads.replace(f" <{graph}> .\n".encode(), b" .\n"), b"}\n"


def concatenated(cache_dir: Path, order: list[str], suffix: str) -> Iterator[bytes]:
    """The cached blocks of the articles, in the order given."""
    for sha in order:
        yield (cache_dir / f"{sha}{suffix}").read_bytes()
