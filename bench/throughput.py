"""The throughput table of `make bench` alone: the full build against bare spaCy on the same
texts, with 1 and 2 workers.

python -m bench.throughput CORPUS [ARTICLES]   (default: the first 300 articles of CORPUS)"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from bench.run import THROUGHPUT_ARTICLES, bare_spacy, run_build, startup_seconds
from claimgraph.settings import MATRIX_OPS


def main(folder: Path, articles: int = THROUGHPUT_ARTICLES) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        sample = Path(scratch) / "sample"
        sample.mkdir()
        for path in sorted(folder.glob("*.txt"))[:articles]:
            shutil.copy(path, sample / path.name)
        load = startup_seconds().total
        bare = {}
        for processes in (1, 2):
            seconds, words = bare_spacy(sample, articles, processes)
            bare[processes] = words / seconds
            print(f"| bare spaCy, {processes} process(es) | {bare[processes]:,.0f} | 1.00 | |", flush=True)
        for processes in (1, 2):  # how much of the build's lead is the BLAS alone
            seconds, _ = bare_spacy(sample, articles, processes, MATRIX_OPS)
            rate = words / seconds
            print(f"| bare spaCy on the build's matrix ops ({MATRIX_OPS}), {processes} process(es) | {rate:,.0f} | "
                  f"{rate / bare[1]:.2f} | {rate / bare[processes]:.2f} |", flush=True)
        for workers in (1, 2):
            seconds, _, _, _ = run_build(sample, Path(scratch) / f"out-{workers}", "--workers", str(workers), memory=False)
            rate = words / max(seconds - load, 0.001)
            print(f"| full build, {workers} worker(s) | {rate:,.0f} | {rate / bare[1]:.2f} | {rate / bare[workers]:.2f} |",
                  flush=True)
        print(f"start-up (Python, imports, model load), measured apart and subtracted: {load:.1f} s; {words:,} words")


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else THROUGHPUT_ARTICLES)
