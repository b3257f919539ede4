"""The claimgraph command line: build, query, validate, stats, report, serve."""

from __future__ import annotations

import shutil
import signal
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Who claims what about guns and cash crossing the US-Mexico border.")
err = Console(stderr=True, soft_wrap=True)  # no wrapping: messages stay greppable

GRAPH_OPTION = typer.Option(Path("build/graph.trig"), "--graph", "-g", help="The built graph.trig (or .nq).")


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[red]error:[/red] {message}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(code)


def _load(graph: Path):
    from claimgraph.build import open_built
    from graph.store import StoreError

    try:
        return open_built(graph)
    except StoreError as error:
        _fail(str(error))


@app.command()
def build(
    article_dir: Path = typer.Argument(..., help="Folder of articles (.txt, .md, .html)."),
    out: Path = typer.Option(Path("build"), "--out", "-o", help="Where graph.trig, the store and explorer.html go."),
    strict: bool = typer.Option(False, "--strict", help="Any unreadable article stops the build."),
    max_bytes: int = typer.Option(20_000_000, "--max-bytes", help="Refuse article files larger than this."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", help="Extraction processes (default: up to 2)."),
    batch_size: int = typer.Option(16, "--batch-size", help="Articles per spaCy batch: a worker holds about 200 MB plus 12 MB per article of its batch."),
    export: Optional[List[str]] = typer.Option(None, "--export", help="trig, nq, jsonld; repeat the option for more than one (default: trig alone)."),
    store: Optional[str] = typer.Option(None, "--store", help="Also write every named graph to this SPARQL 1.1 Update endpoint."),
    validate: bool = typer.Option(True, "--validate/--no-validate", help="SHACL-check every article graph (on by default; off only to measure)."),
    executor: str = typer.Option("process", "--executor", help="process (a local process pool) or dask (a Dask cluster)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="The Dask scheduler's address, e.g. tcp://10.0.0.5:8786."),
):
    """Read every article in ARTICLE_DIR and write OUT/graph.trig and OUT/explorer.html."""
    from claimgraph.build import DEFAULT_EXPORTS, BuildError
    from claimgraph.build import build as run_build

    def progress(stream, total):
        with Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, transient=True) as bar:
            task = bar.add_task("extract", total=total)
            for item in stream:
                bar.advance(task)
                yield item

    try:
        summary = run_build(article_dir, out, strict=strict, max_bytes=max_bytes, progress=progress,
                            workers=workers, batch_size=batch_size, exports=export or DEFAULT_EXPORTS, remote=store,
                            validate=validate, executor=executor, scheduler=scheduler)
    except BuildError as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"{error.filename or out}: {error.strerror or error}")
    for warning in summary.warnings:
        err.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    for line in summary.duplicates:
        err.print(f"duplicate: {line}", highlight=False)
    for line in summary.failed:
        err.print(f"[red]failed:[/red] {line}", highlight=False)
    for kind in ("added", "changed", "removed"):
        names = getattr(summary, kind)
        if names:
            err.print(f"{kind}: {', '.join(names[:20])}{' …' if len(names) > 20 else ''}", highlight=False)
    err.print(f"{summary.articles} articles in the graph ({len(summary.built)} extracted, {len(summary.reused)} unchanged), "
              f"{len(summary.duplicates)} duplicates merged, {len(summary.failed)} failed; {summary.claims} claims "
              f"-> {', '.join(str(out / f'graph.{name}') for name in export or DEFAULT_EXPORTS)}, {out / 'explorer.html'}",
              highlight=False)
    if summary.failed:
        raise typer.Exit(2)


@app.command()
def query(
    name_or_file: str = typer.Argument(..., help="A saved query name (claims, operations, entities, disagreements, ...) or a .rq file."),
    graph: Path = GRAPH_OPTION,
    fmt: str = typer.Option("table", "--format", "-f", help="csv | json | table"),
    param: Optional[List[str]] = typer.Option(None, "--param", "-p", help="NAME=VALUE, bound as a value, never pasted into the query."),
    limit: int = typer.Option(1000, "--limit", "-n", help="Rows per page; 0 for every row."),
    offset: int = typer.Option(0, "--offset", help="Skip this many rows (the next page: --offset LIMIT)."),
):
    """Run a saved SPARQL query by name, or any .rq file, on a built graph, one page at a time."""
    from graph.query import QueryError, paged, parse_params, query_text

    try:
        text = query_text(name_or_file)
        bindings = parse_params(param or [], text)
        store = _load(graph)
        output = store.formatted(paged(text, limit, offset), fmt, bindings)
        sys.stdout.write(output)
        if limit > 0 and store.select(paged(text, 1, offset + limit), bindings):
            err.print(f"more rows follow: --offset {offset + limit} for the next page, --limit 0 for all", highlight=False)
    except QueryError as error:
        _fail(str(error))
    except typer.Exit:
        raise
    except Exception as error:  # a malformed user query: say which and why
        _fail(f"{name_or_file}: query failed: {error}")


@app.command()
def validate(graph: Path = GRAPH_OPTION):
    """Check a built graph against the SHACL shapes."""
    from graph.validate import validate_graph

    report = validate_graph(_load(graph).union_graph())
    if report.conforms:
        err.print(f"{graph}: conforms to the SHACL shapes", highlight=False)
        return
    sys.stdout.write(report.text)
    _fail(f"{graph}: does not conform to the SHACL shapes")


@app.command()
def stats(graph: Path = GRAPH_OPTION):
    """Count articles, claims, sources, entities and operations."""
    from graph.stats import count

    for name, value in count(_load(graph)).items():
        typer.echo(f"{name}: {value}")


@app.command()
def report(
    graph: Path = GRAPH_OPTION,
    out: Path = typer.Option(Path("build/report.html"), "--out", "-o", help="Where the HTML report goes."),
    gexf: Optional[Path] = typer.Option(None, "--gexf", help="Also write the source network as GEXF (Gephi)."),
    graphml: Optional[Path] = typer.Option(None, "--graphml", help="Also write it as GraphML (Cytoscape)."),
):
    """Figures side by side per quantity, conflicts highlighted and plotted; who cites whom."""
    from graph.network import export, project
    from graph.report import write_report

    store = _load(graph)
    write_report(store, out)
    if gexf or graphml:
        export(project(store), gexf, graphml)
    err.print(f"report -> {out}" + (f", {gexf}" if gexf else "") + (f", {graphml}" if graphml else ""), highlight=False)


@app.command()
def explore(
    graph: Path = GRAPH_OPTION,
    focus: Optional[List[str]] = typer.Option(None, "--focus", "-f", help="Show the neighbourhood of sources, operations or flows whose name contains this."),
    out: Path = typer.Option(Path("build/explorer-focus.html"), "--out", "-o"),
):
    """Write an explorer page for part of a big graph."""
    from graph.explorer import write_explorer

    write_explorer(_load(graph), out, focus or None)
    err.print(f"explorer -> {out}", highlight=False)


@app.command()
def serve(
    out: Path = typer.Option(Path("build"), "--out", "-o", help="A build folder (its store/ is served)."),
    port: int = typer.Option(7878, "--port", "-p"),
    host: str = typer.Option("127.0.0.1", "--host", help="Listen here; loopback unless you say otherwise."),
    timeout: int = typer.Option(30, "--timeout", help="Seconds a query may run."),
    max_result_bytes: int = typer.Option(50_000_000, "--max-result-bytes", help="Larger results are refused (413)."),
):
    """Serve a build read-only as a SPARQL 1.1 Protocol endpoint at http://HOST:PORT/query."""
    from graph.serve import Endpoint

    store = out / "store"
    if not store.is_dir():
        _fail(f"{store}: no store here (run `claimgraph build ... --out {out}` first)")
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).exists():
        _fail("the oxigraph server is not installed (pip install oxigraph)")
    try:
        endpoint = Endpoint(store, host, port, timeout, max_result_bytes, binary)
    except OSError as error:
        _fail(f"cannot listen on {host}:{port} ({error.strerror or error})")
    url = f"http://{host}:{port}/query"
    err.print(f"serving {store} read-only at {url}  (Ctrl-C stops; queries time out after {timeout} s, "
              f"results over {max_result_bytes:,} bytes are refused)\n"
              f"  curl -G {url} --data-urlencode 'query=SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }}' -H 'Accept: text/csv'\n"
              f"  curl {url} -H 'Content-Type: application/sparql-query' -H 'Accept: application/sparql-results+json' "
              f"--data-binary @graph/queries/claims.rq", highlight=False)
    signal.signal(signal.SIGTERM, lambda signum, frame: endpoint.stop())
    endpoint.start()
    try:
        code = endpoint.wait()
    except KeyboardInterrupt:
        endpoint.stop()
        err.print("stopped")
        code = 0
    endpoint.stop()
    raise typer.Exit(0 if code in (0, -signal.SIGTERM) else code)


if __name__ == "__main__":
    app()
