"""Builds under bad input, change and faults: clear errors, nothing lost, nothing half-written."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import Dataset

from claimgraph.build import BuildError, build
from graph.queries import query_text
from extract.reader import ArticleError, named_key, read_article

from .conftest import ROOT, SEEDS

BOTH = ("trig", "nq")  # graph.nq is asked for: the tests compare it too

CLI = [sys.executable, "-m", "claimgraph.cli"]


@pytest.fixture
def corpus(tmp_path):
    """The seed texts alone: their metadata.csv is tested elsewhere, and here a file's graph is
    named by its text's hash."""
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder, ignore=shutil.ignore_patterns("metadata.csv"))
    return folder


def graphs_of(trig: Path) -> dict[str, set]:
    dataset = Dataset()
    dataset.parse(trig, format="trig")
    return {str(g.identifier): set(g) for g in dataset.graphs() if len(g)}


def test_rebuild_is_incremental_and_reports_changes(corpus, tmp_path):
    out = tmp_path / "out"
    first = build(corpus, out, workers=1, exports=BOTH)
    assert len(first.built) == 5 and len(first.added) == 5
    before = graphs_of(out / "graph.trig")
    store_inode = (out / "store").stat().st_ino
    again = build(corpus, out, workers=1, exports=BOTH)
    assert again.built == [] and len(again.reused) == 5 and not (again.added or again.changed or again.removed)
    changed = corpus / "002_40a9747e664ad67c.txt"
    changed.write_text(changed.read_text() + "\nOfficials said 4,000 rifles were seized in 2020.\n")
    removed = corpus / "003_a7a8ad9a43433379.txt"
    gone_sha = named_key(read_article(removed).sha256, [removed.name])  # the key its graph is named by
    removed.unlink()
    third = build(corpus, out, workers=1, exports=BOTH)
    assert third.built == ["002_40a9747e664ad67c.txt"]
    assert third.changed == ["002_40a9747e664ad67c.txt"] and third.removed == ["003_a7a8ad9a43433379.txt"]
    after = graphs_of(out / "graph.trig")
    assert not any(gone_sha[:16] in name for name in after)
    for name in ("000", "001", "004"):
        path = next(corpus.glob(f"{name}_*.txt"))
        sha = named_key(read_article(path).sha256, [path.name])[:16]
        key = f"https://w3id.org/claimgraph/id/graph/{sha}"
        assert before[key] == after[key]  # untouched articles keep exactly their graph
    # few articles changed: the persisted store was edited in place, and it ends where a fresh build ends
    assert (out / "store").stat().st_ino == store_inode and not (out / "store.updating").exists()
    build(corpus, tmp_path / "fresh", workers=1, exports=BOTH)
    assert (out / "graph.trig").read_bytes() == (tmp_path / "fresh" / "graph.trig").read_bytes()
    assert (out / "graph.nq").read_bytes() == (tmp_path / "fresh" / "graph.nq").read_bytes()
    from graph.store import open_built

    in_place, fresh = open_built(out / "graph.trig"), open_built(tmp_path / "fresh" / "graph.trig")
    assert in_place.backend == "oxigraph" and in_place.path is not None
    for name in ("claims", "sources", "conflicts"):
        text = query_text(name)
        assert sorted(map(sorted, (r.items() for r in in_place.select(text)))) == \
            sorted(map(sorted, (r.items() for r in fresh.select(text))))


def test_an_update_cut_short_is_not_trusted(corpus, tmp_path):
    from graph.store import open_built

    out = tmp_path / "out"
    build(corpus, out, workers=1)
    (out / "store.updating").write_text("")  # as a build killed while editing the store leaves it
    fallback = open_built(out / "graph.trig")  # graph.trig is read instead of the store
    assert fallback.path is None and fallback.graph_names()
    inode = (out / "store").stat().st_ino
    changed = corpus / "001_91251546260a1aa9.txt"
    changed.write_text(changed.read_text() + "\nOfficials said 4,000 rifles were seized in 2020.\n")
    build(corpus, out, workers=1)
    assert (out / "store").stat().st_ino != inode  # rebuilt whole, not edited
    assert not (out / "store.updating").exists()


def test_same_input_gives_byte_identical_graph_and_workers_do_not_change_it(corpus, tmp_path):
    build(corpus, tmp_path / "a", workers=1, exports=BOTH)
    build(corpus, tmp_path / "b", workers=2, batch_size=2, exports=BOTH)
    assert (tmp_path / "a" / "graph.trig").read_bytes() == (tmp_path / "b" / "graph.trig").read_bytes()
    assert (tmp_path / "a" / "graph.nq").read_bytes() == (tmp_path / "b" / "graph.nq").read_bytes()


def test_dask_executor_on_a_local_cluster_gives_the_same_graph(corpus, tmp_path):
    from distributed import LocalCluster

    build(corpus, tmp_path / "local", workers=1)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        summary = build(corpus, tmp_path / "dask", executor="dask", scheduler=cluster.scheduler_address, batch_size=2)
    assert sorted(summary.built) == sorted(p.name for p in corpus.iterdir())
    assert (tmp_path / "local" / "graph.trig").read_bytes() == (tmp_path / "dask" / "graph.trig").read_bytes()


def test_dask_executor_names_an_unreachable_scheduler(corpus, tmp_path, monkeypatch):
    import socket

    import claimgraph.executors

    monkeypatch.setattr(claimgraph.executors, "DASK_CONNECT_TIMEOUT", "2s")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{s.getsockname()[1]}"
    with pytest.raises(BuildError, match="cannot reach the Dask scheduler"):
        build(corpus, tmp_path / "out", executor="dask", scheduler=address)
    with pytest.raises(BuildError, match="needs --scheduler"):
        build(corpus, tmp_path / "out", executor="dask")
    assert not (tmp_path / "out" / "graph.trig").exists()


def test_bad_files_are_reported_and_the_rest_is_built(corpus, tmp_path):
    (corpus / "empty.txt").write_text("   \n")
    (corpus / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (corpus / "legacy.txt").write_bytes("Guns south\n\nMexico\u2019s army said 12 rifles went missing.\n".encode("cp1252"))
    (corpus / "page.html").write_text("<html><body><script>alert(1)</script><p>The ATF said 9 pistols were seized.</p></body></html>")
    (corpus / "copy.txt").write_bytes((corpus / "000_3a6bb06d98742277.txt").read_bytes())
    (corpus / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    result = subprocess.run(CLI + ["build", str(corpus), "--out", str(tmp_path / "out")], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2, result.stderr
    assert "empty.txt: empty or whitespace-only file" in result.stderr
    assert "picture.txt: binary file" in result.stderr
    assert "dangling.txt: file vanished" in result.stderr
    assert "legacy.txt: not UTF-8, decoded as cp1252" in result.stderr
    assert "copy.txt: same text as 000_3a6bb06d98742277.txt" in result.stderr
    assert "7 articles in the graph" in result.stderr and "3 failed" in result.stderr
    strict = subprocess.run(CLI + ["build", str(corpus), "--out", str(tmp_path / "strict"), "--strict"], capture_output=True, text=True, cwd=ROOT)
    assert strict.returncode == 1 and "strict build stopped" in strict.stderr
    assert not (tmp_path / "strict" / "graph.trig").exists()


def test_duplicate_text_is_one_article_with_both_names(corpus, tmp_path):
    (corpus / "copy.txt").write_bytes((corpus / "000_3a6bb06d98742277.txt").read_bytes())
    build(corpus, tmp_path / "out", workers=1)
    from graph.store import ClaimStore

    store = ClaimStore.load(tmp_path / "out" / "graph.trig")
    names = [str(r[0]) for r in store.query("""PREFIX cg: <https://w3id.org/claimgraph/ns#>
        SELECT ?n WHERE { ?a a cg:Article . { ?a cg:fileName ?n } UNION { ?a cg:alsoNamed ?n } } ORDER BY ?n""")]
    assert "copy.txt" in names and "000_3a6bb06d98742277.txt" in names and len(names) == 6


def test_empty_folder_and_missing_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(BuildError, match="no readable articles"):
        build(tmp_path / "empty", tmp_path / "out")
    with pytest.raises(BuildError, match="not a folder"):
        build(tmp_path / "missing", tmp_path / "out")


def test_permission_denied_names_the_file(tmp_path, monkeypatch):
    path = tmp_path / "locked.txt"
    path.write_text("text")

    def denied(name, flags, *args):
        raise PermissionError(13, "Permission denied", str(name))

    monkeypatch.setattr("extract.reader.os.open", denied)  # root reads any file, so the refusal is simulated
    with pytest.raises(ArticleError, match="locked.txt: permission denied"):
        read_article(path)


def test_large_file_is_refused_with_a_limit_the_user_sets(corpus, tmp_path):
    (corpus / "huge.txt").write_text("Guns. " * 200_000)
    result = subprocess.run(CLI + ["build", str(corpus), "--out", str(tmp_path / "out"), "--max-bytes", "500000"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2 and "huge.txt" in result.stderr and "size limit" in result.stderr


def test_a_killed_build_leaves_the_previous_build_intact(corpus, tmp_path):
    out = tmp_path / "out"
    build(corpus, out, workers=1)
    trig, explorer = (out / "graph.trig").read_bytes(), (out / "explorer.html").read_bytes()
    big = tmp_path / "big"
    big.mkdir()
    for n in range(60):  # new texts, so the build has real work to be killed in
        for seed in SEEDS.iterdir():
            (big / f"{n}_{seed.name}").write_text(seed.read_text() + f"\nOfficials said {n + 7},000 rifles moved south.\n")
    for delay in (2.0, 6.0):
        process = subprocess.Popen(CLI + ["build", str(big), "--out", str(out), "--workers", "1"], cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        assert (out / "graph.trig").read_bytes() == trig
        assert (out / "explorer.html").read_bytes() == explorer
    from graph.store import open_built
    from graph.files import recover_directory

    recover_directory(out / "store")
    store = open_built(out / "graph.trig")
    assert int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))[0]) > 1000
    assert build(corpus, out, workers=1).built == []  # the cache survived too


def test_json_ld_export_on_request(tmp_path):
    import json

    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(SEEDS / "001_91251546260a1aa9.txt", folder)
    build(folder, tmp_path / "out", workers=1, exports=("trig", "jsonld"))
    data = json.loads((tmp_path / "out" / "graph.jsonld").read_text())
    assert data and not (tmp_path / "out" / "graph.nq").exists()
    dataset = Dataset()
    dataset.parse(tmp_path / "out" / "graph.jsonld", format="json-ld")
    assert len(dataset) > 100


def test_a_new_extractor_version_invalidates_the_cache(corpus, tmp_path, monkeypatch):
    import claimgraph.build as builder

    out = tmp_path / "out"
    build(corpus, out, workers=1)
    real = builder.extractor_version
    monkeypatch.setattr(builder, "extractor_version", lambda model: real(model) + "-next")
    again = build(corpus, out, workers=1, exports=("trig", "nq"))
    assert sorted(again.built) == sorted(p.name for p in corpus.iterdir())
    assert [d.name for d in (out / "cache").iterdir()] == [real(builder.pipelines_version()) + "-next"]


def test_unchanged_files_are_not_read_again(corpus, tmp_path, monkeypatch):
    import claimgraph.build as builder

    out = tmp_path / "out"
    build(corpus, out, workers=1)
    read = []
    real = builder.read_file
    monkeypatch.setattr(builder, "read_file", lambda path, *args: read.append(path.name) or real(path, *args))
    changed = corpus / "004_20ea0388f4f0558f.txt"
    text = changed.read_text()
    changed.write_text(text.replace("Mexico", "Mexic0", 1))  # same size: the stamp still differs
    again = build(corpus, out, workers=1, exports=("trig", "nq"))
    assert read == [changed.name] and again.changed == [changed.name] and again.built == [changed.name]


def test_the_model_version_is_read_without_loading_the_pipeline():
    """With workers extracting, the build's own process never needs the pipeline: the cache key's
    model version comes from the package's meta.json."""
    code = ("from claimgraph.extraction import _model; from claimgraph.settings import SPACY_MODEL; "
            "import extract.pipeline as p; m = _model(); "
            "print(p.shared_nlp.cache_info().currsize, m, p.model_version(p.shared_nlp(SPACY_MODEL)))")
    loaded, read, asked = subprocess.run(CLI[:1] + ["-c", code], cwd=ROOT, capture_output=True, text=True,
                                         check=True).stdout.split()
    assert loaded == "0" and read == asked
