"""Issue 20's probes, as a hostile or a careless user would run them, through the command line:
each gets a clear message, loses nothing of the user's, and leaves no process behind."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psutil
import pytest

from .conftest import ROOT
from .test_store_serve import free_port, wait_for

CLI = [sys.executable, "-m", "claimgraph.cli"]
ARTICLE = ("Rifles head south\n\nBy Ana Ruiz\n\nThe Drug Enforcement Administration said 1,250 rifles were seized "
           "at the border in 2021.\n")
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }\n"


def run(*args, timeout=240, **kwargs):
    return subprocess.run(CLI + [str(a) for a in args], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          **kwargs)


@pytest.fixture
def articles(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE)
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One small build for the query and serve probes."""
    root = tmp_path_factory.mktemp("hostile")
    (root / "articles").mkdir()
    (root / "articles" / "a.txt").write_text(ARTICLE)
    result = run("build", root / "articles", "--out", root / "out", "--workers", "1")
    assert result.returncode == 0, result.stderr
    return root / "out"


def test_links_out_of_the_folder_devices_and_fifos_are_refused(articles, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\nThe DEA said 99 pistols were seized.\n")
    (articles / "p.txt").symlink_to(secret)
    (articles / "z.txt").symlink_to("/dev/zero")
    os.mkfifo(articles / "f.txt")
    (articles / "sub").mkdir()
    (articles / "sub" / "b.txt").write_text(ARTICLE.replace("1,250", "3,400"))
    (articles / "sub" / "loop").symlink_to("..")
    result = run("build", articles, "--out", tmp_path / "out", "--workers", "1", timeout=180)
    assert result.returncode == 2, result.stderr
    assert "p.txt: a link to" in result.stderr and "outside the article folder" in result.stderr
    assert "z.txt" in result.stderr and "f.txt: not a regular file" in result.stderr
    graph = (tmp_path / "out" / "graph.trig").read_text()
    assert "root:x" not in graph and "99 pistols" not in graph
    assert "3,400" in graph  # the subfolder's article, named by its path
    listed = run("query", "articles", "-g", tmp_path / "out" / "graph.trig", "--format", "csv").stdout
    assert "sub/b.txt" in listed
    followed = run("build", articles, "--out", tmp_path / "out2", "--workers", "1", "--follow-links")
    assert "99 pistols" in (tmp_path / "out2" / "graph.trig").read_text(), followed.stderr


def test_the_output_folder_is_never_the_articles_nor_a_folder_the_build_did_not_make(articles, tmp_path):
    same = run("build", articles, "--out", articles)
    assert same.returncode == 1 and "--out is the article folder" in same.stderr
    foreign = tmp_path / "mine"
    (foreign / "cache" / "keep").mkdir(parents=True)
    (foreign / "cache" / "keep" / "f").write_text("keep me")
    (foreign / "graph.nq").write_text("mine")
    refused = run("build", articles, "--out", foreign)
    assert refused.returncode == 1 and "no claimgraph build made it" in refused.stderr
    assert (foreign / "cache" / "keep" / "f").read_text() == "keep me" and (foreign / "graph.nq").read_text() == "mine"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("build", articles, "--out", empty, "--workers", "1").returncode == 0
    assert (empty / ".claimgraph-build").exists()


def test_a_second_build_into_the_same_folder_is_refused_while_the_first_runs(articles, tmp_path):
    out = tmp_path / "out"
    for n in range(30):  # long enough that the second build starts while the first runs
        (articles / f"{n:03}.txt").write_text(ARTICLE.replace("1,250", f"{2000 + n:,}") * 20)
    first = subprocess.Popen(CLI + ["build", str(articles), "--out", str(out), "--workers", "1"], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while not (out / ".claimgraph-lock").exists() or not (out / ".claimgraph-lock").read_text().strip():
        assert time.time() < deadline and first.poll() is None
        time.sleep(0.05)
    second = run("build", articles, "--out", out)
    assert first.poll() is None, "the first build ended before the second started: the probe proves nothing"
    assert second.returncode == 1 and "another build is writing to this folder" in second.stderr
    assert first.wait(timeout=300) == 0, first.stderr.read()
    assert run("stats", "-g", out / "graph.trig").returncode == 0


def test_a_damaged_store_falls_back_to_the_graph_and_the_next_build_repairs_it(articles, tmp_path):
    out = tmp_path / "out"
    assert run("build", articles, "--out", out, "--workers", "1").returncode == 0
    # entities goes to the store (claims, brief and articles are answered from the build's tables)
    expected = run("query", "entities", "-g", out / "graph.trig", "--format", "csv").stdout
    # every table file goes: one alone may be a file RocksDB no longer uses and has yet to delete
    for table in (out / "store").glob("*.sst"):
        table.unlink()
    for command in (["query", "entities", "--format", "csv"], ["stats"]):
        result = run(*command, "-g", out / "graph.trig")
        assert result.returncode == 0 and "damaged" in result.stderr, result.stderr
    assert run("query", "entities", "-g", out / "graph.trig", "--format", "csv").stdout == expected
    assert run("build", articles, "--out", out, "--workers", "1").returncode == 0  # the input did not change
    repaired = run("query", "entities", "-g", out / "graph.trig", "--format", "csv")
    assert "damaged" not in repaired.stderr and repaired.stdout == expected


def test_leftovers_of_a_killed_build_are_cleaned(articles, tmp_path):
    out = tmp_path / "out"
    assert run("build", articles, "--out", out, "--workers", "1").returncode == 0
    (out / ".graph.trig.abc123").write_text("half")
    (out / "store.old").mkdir()
    (articles / "a.txt").write_text(ARTICLE + "Officials said 77 pistols were found.\n")
    assert run("build", articles, "--out", out, "--workers", "1").returncode == 0
    assert not (out / ".graph.trig.abc123").exists() and not (out / "store.old").exists()


class Listener:
    """A local HTTP listener that records whether anything reached it."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(5)
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.reached = False
        self.running = True
        threading.Thread(target=self.loop, daemon=True).start()

    def loop(self):
        while self.running:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.reached = True
            connection.close()

    def close(self):
        self.running = False
        self.socket.close()


def test_service_is_refused_and_reaches_nothing(built, tmp_path):
    listener = Listener()
    try:
        query = tmp_path / "service.rq"
        query.write_text(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/internal-admin> {{ ?s ?p ?o }} }}\n")
        result = run("query", query, "-g", built / "graph.trig")
        assert result.returncode == 1 and "SERVICE is refused" in result.stderr
        time.sleep(0.3)
        assert not listener.reached
    finally:
        listener.close()


def test_a_runaway_query_is_stopped_at_its_timeout(built, tmp_path):
    query = tmp_path / "cartesian.rq"
    query.write_text(CARTESIAN)
    start = time.time()
    result = run("query", query, "-g", built / "graph.trig", "--timeout", "2", timeout=60)
    assert result.returncode == 3 and "stopped after 2 s" in result.stderr
    assert time.time() - start < 20


def test_ctrl_c_stops_a_query_at_once(built, tmp_path):
    query = tmp_path / "cartesian.rq"
    query.write_text(CARTESIAN)
    process = subprocess.Popen(CLI + ["query", str(query), "-g", str(built / "graph.trig")], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    children = psutil.Process(process.pid).children(recursive=True)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=5) == 130
    gone, alive = psutil.wait_procs(children, timeout=5)
    assert not alive


def test_select_star_with_its_own_limit_pages(built, tmp_path):
    query = tmp_path / "star.rq"
    query.write_text("SELECT * WHERE { ?s ?p ?o } LIMIT 3\n")
    result = run("query", query, "-g", built / "graph.trig", "--limit", "2", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip().splitlines()) == 3  # header and two rows


@pytest.fixture
def server(built):
    port = free_port()
    process = subprocess.Popen(CLI + ["serve", "--out", str(built), "--port", str(port), "--timeout", "2"], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/query"
    wait_for(url)
    yield url, process
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=15)


def ask(url, query, headers=None):
    request = urllib.request.Request(url + "?query=" + urllib.parse.quote(query), headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_serve_refuses_service_and_foreign_host_names(server):
    url, _ = server
    listener = Listener()
    try:
        status, body = ask(url, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/> {{ ?s ?p ?o }} }}")
        assert status == 403 and b"SERVICE is refused" in body
        time.sleep(0.3)
        assert not listener.reached
    finally:
        listener.close()
    assert ask(url, "ASK {}", {"Host": "attacker.example"})[0] == 403
    assert ask(url, "ASK {}", {"Host": "localhost"})[0] == 200


def test_serve_stops_a_runaway_query_with_an_error_and_no_cpu_left(server):
    url, process = server
    status, body = ask(url, CARTESIAN)
    assert status == 503 and b"stopped" in body
    time.sleep(1)
    tree = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
    for p in tree:
        p.cpu_percent(None)
    time.sleep(1)
    assert sum(p.cpu_percent(None) for p in tree) < 50
    assert ask(url, "ASK {}")[0] == 200  # a new worker took the stopped one's place


def test_serve_answers_fifty_clients_at_once(server):
    url, _ = server
    statuses = []

    def client():
        statuses.append(ask(url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {"Accept": "text/csv"})[0])

    threads = [threading.Thread(target=client) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 50


def test_killing_the_build_leaves_no_worker(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(40):
        (folder / f"{n:03}.txt").write_text(ARTICLE.replace("1,250", f"{1000 + n:,}") * 20)
    process = subprocess.Popen(CLI + ["build", str(folder), "--out", str(tmp_path / "out"), "--workers", "2"],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    children = []
    while len(children) < 2 and time.time() < deadline:
        time.sleep(0.2)
        children = psutil.Process(process.pid).children(recursive=True)
    assert children, "the build started no worker"
    process.kill()
    process.wait()
    gone, alive = psutil.wait_procs(children, timeout=10)
    assert not alive


def test_text_in_other_encodings_and_what_is_not_text(tmp_path):
    from extract.reader import ArticleError, read_article

    utf16 = tmp_path / "u16.txt"
    utf16.write_bytes(ARTICLE.encode("utf-16"))
    utf32 = tmp_path / "u32.txt"
    utf32.write_bytes(ARTICLE.encode("utf-32"))
    assert read_article(utf16).text == read_article(utf32).text == ARTICLE
    binary = tmp_path / "bin.txt"
    binary.write_bytes(bytes((n * 37) % 255 + 1 for n in range(20000)))
    digits = tmp_path / "digits.txt"
    digits.write_text(" ".join(str(n * 7919) for n in range(3000)))
    endless = tmp_path / "endless.txt"
    endless.write_text("Officials said guns crossed. " * 5000)
    for path, problem in ((binary, "binary data"), (digits, "mostly digits"), (endless, r"characters \(over")):
        with pytest.raises(ArticleError, match=problem):
            read_article(path)


def test_serve_swaps_to_a_new_build(articles, tmp_path):
    out = tmp_path / "out"
    assert run("build", articles, "--out", out, "--workers", "1").returncode == 0
    port = free_port()
    process = subprocess.Popen(CLI + ["serve", "--out", str(out), "--port", str(port)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    count = "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a <https://w3id.org/claimgraph/ns#fileName> ?f }"
    try:
        wait_for(url)
        assert ask(url, count, {"Accept": "text/csv"})[1].split()[-1] == b"1"
        (articles / "b.txt").write_text(ARTICLE.replace("1,250", "8,800"))
        assert run("build", articles, "--out", out, "--workers", "1").returncode == 0
        assert ask(url, count, {"Accept": "text/csv"})[1].split()[-1] == b"2"
    finally:
        process.terminate()
        process.wait(timeout=15)
