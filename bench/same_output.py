"""Build the same corpora with two trees of the code and compare what they write, byte for byte:
graph.trig, every table, the explorer, and every cache entry (the store's files, stamps, the
manifest and the cache folder's name, which holds the code's hash, are left out).

python -m bench.same_output [--workers N] BASE_TREE NEW_TREE OUT CORPUS...   (exit status 1 when anything differs;
one worker unless told)

Each tree runs its own code: `PYTHONPATH=TREE python -m claimgraph.cli build`, from the tree."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

LEFT_OUT = ("store", "cache", "manifest.json", ".claimgraph-lock", "graph.trig.blocks.json")
ROW_DIGEST = re.compile(r"-[0-9a-f]{12}(\.csv)$")  # an article's cached rows carry the row code's digest


def build(tree: Path, corpus: Path, out: Path, workers: int = 1) -> None:
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    subprocess.run([sys.executable, "-m", "claimgraph.cli", "build", str(corpus), "--out", str(out), "--workers", str(workers)],
                   cwd=tree, env=environment, check=True, capture_output=True)


def outputs(out: Path) -> dict[str, bytes]:
    found = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*")
             if p.is_file() and p.relative_to(out).parts[0] not in LEFT_OUT and not p.name.endswith(".source")}
    for entry in out.glob("cache/*/*"):
        if entry.is_file() and entry.name != "facts.snapshot":
            found["cache entry " + ROW_DIGEST.sub(r"\1", entry.name)] = entry.read_bytes()
    return found


def main(base: Path, new: Path, out: Path, corpora: list[Path], workers: int = 1) -> int:
    status = 0
    for corpus in corpora:
        written = {}
        for side, tree in (("base", base), ("new", new)):
            folder = out / side / corpus.resolve().as_posix().strip("/").replace("/", "_")
            build(tree, corpus, folder, workers)
            written[side] = outputs(folder)
        differ = sorted(name for name in written["base"].keys() | written["new"].keys()
                        if written["base"].get(name) != written["new"].get(name))
        print(f"{corpus}: {len(written['base'])} files, " + (f"DIFFER: {', '.join(differ)}" if differ else "all the same"),
              flush=True)
        status |= bool(differ)
    return status


if __name__ == "__main__":
    arguments, workers = sys.argv[1:], 1
    if arguments[:1] == ["--workers"] and len(arguments) > 1 and arguments[1].isdigit():
        workers, arguments = int(arguments[1]), arguments[2:]
    if len(arguments) < 4:
        sys.exit(__doc__)
    sys.exit(main(Path(arguments[0]), Path(arguments[1]), Path(arguments[2]), [Path(a) for a in arguments[3:]], workers))
