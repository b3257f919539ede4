"""The served endpoint and the remote store, against real Oxigraph servers on loopback ports."""

import csv
import io
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from graph.queries import query_text

from .conftest import ROOT, SEEDS

CLI = [sys.executable, "-m", "claimgraph.cli"]
OXIGRAPH = str(Path(sys.executable).parent / "oxigraph")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "?query=" + urllib.parse.quote("ASK {}"), timeout=2)
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise TimeoutError(url)


def sparql(url: str, query: str) -> list[dict]:
    request = urllib.request.Request(url, data=query.encode(), headers={
        "Content-Type": "application/sparql-query", "Accept": "text/csv"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return list(csv.DictReader(io.StringIO(response.read().decode())))


@pytest.fixture
def served(seed_build):
    out, _ = seed_build
    port = free_port()
    process = subprocess.Popen(CLI + ["serve", "--out", str(out), "--port", str(port)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/query"
    try:
        wait_for(url)
        yield url, process
    finally:
        if process.poll() is None:
            process.kill()


def test_serve_answers_saved_queries_read_only_on_loopback(served):
    url, process = served
    rows = sparql(url, query_text("claims"))
    thor = [r for r in rows if r["sourceLabel"] == "Project Thor" and r["unit"] == "firearms"]
    assert thor and float(thor[0]["low"]) == 250000
    update = urllib.request.Request(url.replace("/query", "/update"), data=b"DROP ALL",
                                    headers={"Content-Type": "application/sparql-update"})
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(update, timeout=10)
    assert len(sparql(url, query_text("claims"))) == len(rows)
    process.send_signal(signal.SIGINT)  # Ctrl-C
    assert process.wait(timeout=15) is not None
    out, err = process.communicate()
    assert "127.0.0.1" in err and "curl" in err


@contextmanager
def oxigraph_server(*options: str) -> Iterator[str]:
    """A real Oxigraph server on a free loopback port; its base URL."""
    port = free_port()
    process = subprocess.Popen([OXIGRAPH, "serve", *options, "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/query")
        yield base
    finally:
        process.kill()
        process.wait()


@pytest.fixture
def remote(tmp_path):
    with oxigraph_server("--location", str(tmp_path / "remote-store"), "--union-default-graph") as base:
        yield base


def test_build_writes_named_graphs_to_a_remote_store(remote, tmp_path):
    import shutil

    from claimgraph.build import build
    from graph.store import open_built
    from graph.store.remote import remote_dataset

    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles)
    build(articles, tmp_path / "out", workers=1, remote=remote)
    graphs = sparql(remote + "/query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert sum("/graph/" in r["g"] and not r["g"].endswith(("analysis", "ontology", "vocabulary")) for r in graphs) == 5
    dataset = remote_dataset(remote)
    claims = list(dataset.query("PREFIX cg: <https://w3id.org/claimgraph/ns#> SELECT ?c WHERE { GRAPH ?g { ?c a cg:FigureClaim } }"))
    local = list(open_built(tmp_path / "out" / "graph.trig").query(
        "PREFIX cg: <https://w3id.org/claimgraph/ns#> SELECT ?c WHERE { ?c a cg:FigureClaim }"))
    assert len(claims) == len(local) > 0
    asked = [subprocess.run(CLI + ["query", "sources", "--format", "csv", *where], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout for where in (["--store", remote], ["-g", str(tmp_path / "out" / "graph.trig")])]
    assert asked[0] == asked[1] and asked[0].startswith("source,sourceLabel,claims,articles,")  # the named columns first, new ones after
    (articles / "004_20ea0388f4f0558f.txt").unlink()
    build(articles, tmp_path / "out", workers=1, remote=remote)
    graphs = sparql(remote + "/query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert sum("/graph/" in r["g"] and not r["g"].endswith(("analysis", "ontology", "vocabulary")) for r in graphs) == 4


def test_serve_stops_its_server_on_terminate(seed_build):
    import psutil

    out, _ = seed_build
    port = free_port()
    process = subprocess.Popen(CLI + ["serve", "--out", str(out), "--port", str(port)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(f"http://127.0.0.1:{port}/query")
    children = psutil.Process(process.pid).children(recursive=True)
    assert children
    process.terminate()
    process.wait(timeout=15)
    gone, alive = psutil.wait_procs(children, timeout=10)
    assert not alive


def test_serve_refuses_results_over_the_size_limit(seed_build):
    out, _ = seed_build
    port = free_port()
    process = subprocess.Popen(CLI + ["serve", "--out", str(out), "--port", str(port), "--max-result-bytes", "2000"],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    try:
        wait_for(url)
        assert sparql(url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]
        with pytest.raises(urllib.error.HTTPError) as refused:
            sparql(url, query_text("claims"))
        assert refused.value.code == 413
    finally:
        process.terminate()
        process.wait(timeout=15)
