"""One-article rebuilds of a corpus that is already built, as `make bench` measures them, but
without building the corpus again first (a 10k build takes most of an hour here).

python -m bench.incremental CORPUS OUT [RUNS]   (each run appends a sentence to another article; all are put back at the end)"""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path

from bench.run import appended, run_build, startup_seconds


def main(folder: Path, out: Path, runs: int = 3) -> None:
    files = sorted(folder.glob("*.txt"))
    load = startup_seconds().total
    print(f"start-up (Python, imports, model load), measured apart: {load:.1f} s")
    with ExitStack() as changes:  # each rebuild sees one more changed article; the earlier ones stay changed
        for n in range(runs):
            changed = files[(n * 997) % len(files)]  # spread over the corpus
            changes.enter_context(appended(changed, f"\nOfficials said {1000 + n:,} rifles were seized in 2020.\n"))
            seconds, peak, summary, _ = run_build(folder, out, "--workers", "2")
            print(f"| {changed.name} | {seconds:.1f} | {seconds - load:.1f} | {peak:,.0f} | `{summary}` |", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 3)
