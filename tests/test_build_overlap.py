"""Issue 30: the work a build overlaps with its extraction (cache writes and a fresh store's article
loads in threads of their own, extraction workers started while the articles are read, the
explorer's queries side by side) changes nothing it writes, and loses no error."""

import re
import shutil
import threading
import time

import pytest

from claimgraph.background import BackgroundJobs
from claimgraph.build import BuildError, build

from .conftest import SEEDS


def test_background_jobs_run_in_order_and_a_failure_is_raised_at_the_next_submit():
    done, gate = [], threading.Event()
    with BackgroundJobs("test") as jobs:
        jobs.submit(gate.wait)
        for n in range(5):
            jobs.submit(done.append, n)
        gate.set()
        jobs.wait()
        assert done == [0, 1, 2, 3, 4]

        def fail():
            raise OSError(28, "No space left on device")

        assert isinstance(jobs.submit(fail).exception(timeout=10), OSError)
        with pytest.raises(OSError, match="No space left"):
            jobs.submit(done.append, 5)
    assert done == [0, 1, 2, 3, 4]


def test_background_jobs_raise_a_failure_at_wait_and_drop_what_has_not_started_on_close():
    done, gate = [], threading.Event()
    with BackgroundJobs("test") as jobs:
        def fail():
            gate.wait()
            raise RuntimeError("the store refused the load")

        jobs.submit(fail)
        gate.set()
        with pytest.raises(RuntimeError, match="refused the load"):
            jobs.wait()

    release = threading.Event()
    blocked = BackgroundJobs("test")
    blocked.submit(release.wait)
    blocked.submit(done.append, "never")
    closing = threading.Thread(target=blocked.close)
    closing.start()
    time.sleep(0.3)  # the close has dropped the job waiting behind the running one
    release.set()
    closing.join(timeout=10)
    assert not closing.is_alive() and done == []


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder, ignore=shutil.ignore_patterns("metadata.csv"))
    for n in range(6):  # more than one batch, so the workers each get some
        for seed in sorted(SEEDS.glob("*.txt"))[:3]:
            (folder / f"extra{n}_{seed.name}").write_text(seed.read_text() + f"\nOfficials said {n + 3},100 rifles were seized.\n")
    return folder


def started_pools(monkeypatch) -> list[int]:
    import claimgraph.executors

    starts, real_start = [], claimgraph.executors.ExtractionPool.start

    def start(pool):
        starts.append(pool.workers)
        real_start(pool)

    monkeypatch.setattr(claimgraph.executors.ExtractionPool, "start", start)
    return starts


def test_workers_start_while_the_files_are_read_and_not_for_a_build_with_nothing_new(corpus, tmp_path, monkeypatch):
    import claimgraph.build

    starts, reads = started_pools(monkeypatch), []
    real_read = claimgraph.build.read_file
    monkeypatch.setattr(claimgraph.build, "read_file", lambda *a: reads.append(len(starts)) or real_read(*a))
    first = build(corpus, tmp_path / "out", workers=2, batch_size=4)
    assert first.ok and len(first.built) == 23
    assert reads[:4] == [0] * 4 and set(reads[4:]) == {1}  # started as the fifth file is read, once
    starts.clear()
    again = build(corpus, tmp_path / "out", workers=2, batch_size=4)
    assert again.ok and again.built == [] and starts == []
    one = build(corpus, tmp_path / "one", workers=1, batch_size=4)
    assert one.ok and starts == []  # one worker extracts in the build's own process
    for name in ("graph.trig", "explorer.html", "claims.csv", "conflicts.csv", "articles.csv", "brief.csv"):
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "one" / name).read_bytes(), name
    for n in range(3):  # a batch's worth of new files: extracted in the build's own process
        (corpus / f"late{n}.txt").write_text(f"Officials said {n + 11},200 pistols crossed the border in 2023.\n")
    late = build(corpus, tmp_path / "out", workers=2, batch_size=4)
    assert late.ok and sorted(late.built) == ["late0.txt", "late1.txt", "late2.txt"] and starts == []


def test_a_fresh_store_loaded_during_the_extraction_holds_every_article_but_the_failed_one(corpus, tmp_path, monkeypatch):
    import claimgraph.extraction
    from graph.rdf.mapping import graph_iri
    from graph.store import open_built

    real = claimgraph.extraction.records_from_doc

    def failing(article, doc):
        if article.file_name == "extra4_001_91251546260a1aa9.txt":
            raise ValueError("a component broke on this text")
        return real(article, doc)

    monkeypatch.setattr(claimgraph.extraction, "records_from_doc", failing)
    summary = build(corpus, tmp_path / "out", workers=1, batch_size=4)
    assert len(summary.failed) == 1 and "extra4_001_91251546260a1aa9.txt: extraction failed" in summary.failed[0]
    store = open_built(tmp_path / "out" / "graph.trig")
    articles = [name for name in store.graph_names() if re.fullmatch(re.escape(str(graph_iri(""))) + "[0-9a-f]{16}", name)]
    assert len(articles) == summary.articles == 22
    trig = (tmp_path / "out" / "graph.trig").read_text()
    assert "extra4_000_3a6bb06d98742277.txt" in trig and "extra4_001_91251546260a1aa9.txt" not in trig
    assert sorted(re.findall(r"^graph:([0-9a-f]{16}) \{$", trig, re.M)) == sorted(name[-16:] for name in articles)


def test_a_load_that_fails_during_the_extraction_stops_the_build_and_keeps_the_last_one(corpus, tmp_path, monkeypatch):
    from graph.store import ClaimStore, StoreError

    out = tmp_path / "out"
    assert build(corpus, out, workers=1, batch_size=4).ok
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name != ".claimgraph-lock"}
    for n in range(30):  # new articles, and a store made anew for them
        (corpus / f"new{n}.txt").write_text((SEEDS / "000_3a6bb06d98742277.txt").read_text() + f"\nAgents said {n + 40} pistols.\n")
    loads = []

    def load_fails(store, data):
        loads.append(len(data))
        raise StoreError("store.new: IO error: No space left on device")

    monkeypatch.setattr(ClaimStore, "bulk_load_nquads", load_fails)
    with pytest.raises(BuildError, match="No space left on device"):
        build(corpus, out, workers=1, batch_size=4)
    assert loads
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name != ".claimgraph-lock"} == before
    assert not list(out.glob("store.new-*"))


@pytest.mark.parametrize("limit", [None, 10])  # every claim, or the most cited sources' shares
def test_the_explorer_reads_the_same_with_its_queries_side_by_side(corpus, tmp_path, monkeypatch, limit):
    from graph.store import open_built
    from graph.views.explorer import CLAIMS_PER_QUERY, explorer_graph

    assert build(corpus, tmp_path / "out", workers=1).ok
    store = open_built(tmp_path / "out" / "graph.trig")
    assert store.parallel_reads == 2
    monkeypatch.setattr("graph.views.explorer.CLAIMS_PER_QUERY", 3)  # the drawn claims asked for in several parts
    assert CLAIMS_PER_QUERY == 500
    graphs = []
    for reads in (1, 2):
        monkeypatch.setattr(store.engine, "parallel_reads", reads)
        graphs.append(explorer_graph(store, limit=limit))
    one, two = graphs
    claims = [n for n, d in one.nodes(data=True) if d["kind"] == "Claim"]
    assert len(claims) >= (10 if limit else 100)
    assert list(one.nodes(data=True)) == list(two.nodes(data=True))
    assert list(one.edges(data=True)) == list(two.edges(data=True))
    assert one.graph["groups"] and one.graph == two.graph


def test_the_assembly_runs_with_the_cyclic_collector_off_and_gives_it_back(corpus, tmp_path, monkeypatch):
    import gc

    import claimgraph.build

    seen, real_explorer, real_analyse = [], claimgraph.build.write_explorer, claimgraph.build._analyse

    def watched(name, function):
        def call(*args, **kwargs):
            seen.append((name, gc.isenabled()))
            return function(*args, **kwargs)
        return call

    monkeypatch.setattr(claimgraph.build, "write_explorer", watched("explorer", real_explorer))
    monkeypatch.setattr(claimgraph.build, "_analyse", watched("analysis", real_analyse))
    assert gc.isenabled()
    assert build(corpus, tmp_path / "out", workers=1).ok
    assert seen == [("analysis", False), ("explorer", False)] and gc.isenabled()

    def fails(*args, **kwargs):
        raise RuntimeError("the analysis broke")

    monkeypatch.setattr(claimgraph.build, "_analyse", fails)
    (corpus / "one_more.txt").write_text("Officials said 4,100 rifles were seized.\n")
    with pytest.raises(RuntimeError, match="the analysis broke"):
        build(corpus, tmp_path / "out", workers=1)
    assert gc.isenabled()  # given back on an error too

    gc.disable()  # a caller that keeps it off keeps it off
    try:
        monkeypatch.setattr(claimgraph.build, "_analyse", real_analyse)
        (tmp_path / "out" / "explorer.html").unlink()  # something to assemble again
        assert build(corpus, tmp_path / "out", workers=1).ok and seen[-1] == ("explorer", False)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_workers_started_for_files_that_turn_out_unchanged_are_stopped_before_the_assembly(corpus, tmp_path, monkeypatch):
    import os

    import psutil

    import claimgraph.build
    import claimgraph.executors

    assert build(corpus, tmp_path / "out", workers=2, batch_size=4).ok
    for path in corpus.iterdir():  # every file read again (its stamp changed), none of them new
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    (tmp_path / "out" / "explorer.html").unlink()  # and something to assemble again
    workers, real_start = [], claimgraph.executors.ExtractionPool.start

    def start(pool):
        started = pool.started
        real_start(pool)
        if not started:  # a forking pool starts all its workers with its first task
            workers.extend(psutil.Process(worker.pid) for worker in pool._pool._processes.values())

    def gone(worker: psutil.Process) -> bool:
        try:
            return worker.status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return True

    stopped, real_analyse = [], claimgraph.build._analyse

    def analyse(*args, **kwargs):
        deadline = time.monotonic() + 10  # a stopped worker is gone within moments; a loading one stays
        while not all(map(gone, workers)) and time.monotonic() < deadline:
            time.sleep(0.05)
        stopped.append([gone(worker) for worker in workers])
        return real_analyse(*args, **kwargs)

    monkeypatch.setattr(claimgraph.executors.ExtractionPool, "start", start)
    monkeypatch.setattr(claimgraph.build, "_analyse", analyse)
    again = build(corpus, tmp_path / "out", workers=2, batch_size=4)
    assert again.ok and again.built == [] and len(workers) == 2  # the reading started the pool
    assert stopped == [[True, True]]  # its workers were stopped before the analysis, not left beside it


def test_the_analysis_is_loaded_in_pieces_cut_at_line_ends():
    from claimgraph.build import line_pieces

    data = b"".join(b"<s%d> <p> \"%s\" <g> .\n" % (n, b"x" * (n % 7)) for n in range(500))
    for size in (1, 10, 97, 4096, len(data), len(data) * 2):
        pieces = list(line_pieces(data, size))
        assert pieces and b"".join(pieces) == data
        assert all(piece.endswith(b"\n") for piece in pieces)
        assert all(len(piece) >= size for piece in pieces[:-1])
    assert list(line_pieces(b"", 10)) == []
    assert list(line_pieces(b"no line end", 4)) == [b"no line end"]
