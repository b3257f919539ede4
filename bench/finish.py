"""Finish a bench run stopped before its largest size: the incremental rebuild, query latency and
serve throughput on the largest finished build. python -m bench.finish SIZE SMALL_SIZE"""
import sys
from pathlib import Path

from bench.run import RESULTS, Report, corpus, model_load_seconds, query_latency, run_build, serve_throughput

size, small = int(sys.argv[1]), int(sys.argv[2])
report = Report()
report.lines = RESULTS.read_text(encoding="utf-8").rstrip("\n").split("\n")
work = Path("bench/data/out")
folder, _ = corpus(size)
out = work / f"size-{size}"
load = model_load_seconds()
report.add("", f"The run was stopped before its largest size (it did not fit in the session's time); "
           f"the sections below use the {size:,}-article build.", "")
first = sorted(folder.glob("*.txt"))[0]
first.write_text(first.read_text() + "\nOfficials said 1,234 rifles were seized in 2020.\n")
seconds, _, summary = run_build(folder, out, "--workers", "2", "--no-validate")
report.add("## Incremental rebuild", "",
           f"One article changed in {size:,}: {seconds:.1f} s wall, {seconds - load:.1f} s without the model load "
           f"(`{summary}`). Extraction is one article; the rest is re-assembling the store, the analysis, the "
           "exports and the explorer, which this version does in full.", "")
report.add("## Saved queries", "", f"Latency of each saved query on the {size:,}-article build (Oxigraph, the persisted store) "
           f"and on the {small:,}-article build (Oxigraph against rdflib's Memory store, both loaded from graph.trig).", "",
           "| query | Oxigraph, large build (s) | Oxigraph, small (s) | rdflib Memory, small (s) | Memory ÷ Oxigraph |",
           "| --- | ---: | ---: | ---: | ---: |")
large = query_latency(out / "graph.trig")
small_latency = query_latency(work / "full-build-1-worker-SHACL-on" / "graph.trig")
for name in large:
    ox_small, memory_small = small_latency[name]
    ratio = f"{memory_small / ox_small:.0f}×" if memory_small and ox_small else "–"
    memory = f"{memory_small:.3f}" if memory_small is not None else "–"
    report.add(f"| {name} | {large[name][0]:.3f} | {ox_small:.3f} | {memory} | {ratio} |")
rate, rows = serve_throughput(out)
report.add("", "## serve", "", f"`claimgraph serve` on the {size:,}-article build, 4 concurrent clients on loopback "
           f"running the `claims` query ({rows:,} rows each) for 10 s: {rate:.2f} requests/s.", "")
