"""A saved query's whole table through `claimgraph query --limit 0 --format csv`, against
pyoxigraph alone serialising the same query to CSV, each a fresh process, side by side.

python -m bench.whole_table OUT [NAME] [RUNS]   (OUT: a build folder; NAME: claims; RUNS: 3)"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

BARE = """
import sys, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
text = open(sys.argv[2], encoding="utf-8").read()
with open("/dev/null", "wb") as sink:
    store.query(text, use_default_graph_as_union=True).serialize(sink, format=ox.QueryResultsFormat.CSV)
"""


def timed(command: list[str]) -> tuple[float, bytes]:
    start = time.time()
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
    return time.time() - start, done.stdout


def whole_table(out: Path, name: str = "claims", runs: int = 3) -> tuple[float, float, int]:
    """Median seconds through the CLI, median seconds for pyoxigraph alone, and the rows."""
    from graph.queries import saved_queries

    cli = [sys.executable, "-m", "claimgraph.cli", "query", name, "-g", str(out / "graph.trig"),
           "--limit", "0", "--format", "csv", "--timeout", "0"]
    bare = [sys.executable, "-c", BARE, str(out / "store"), str(saved_queries()[name])]
    ours, theirs, rows = [], [], 0
    for _ in range(runs):  # alternated, so that both see the same state of the page cache
        seconds, output = timed(cli)
        ours.append(seconds)
        rows = output.count(b"\n") - 1
        theirs.append(timed(bare)[0])
    return statistics.median(ours), statistics.median(theirs), rows


def main(argv: list[str]) -> None:
    out = Path(argv[0])
    name = argv[1] if len(argv) > 1 else "claims"
    runs = int(argv[2]) if len(argv) > 2 else 3
    ours, theirs, rows = whole_table(out, name, runs)
    print(f"| `{name}`, whole table ({rows:,} rows) | {ours:.2f} | {theirs:.2f} | {ours / theirs:.2f}× |")


if __name__ == "__main__":
    main(sys.argv[1:])
