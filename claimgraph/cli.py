"""The claimgraph command line: build, query, validate, stats."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Who claims what about guns and cash crossing the US-Mexico border.")
err = Console(stderr=True)

GRAPH_OPTION = typer.Option(Path("build/graph.trig"), "--graph", "-g", help="The built graph.trig.")


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[red]error:[/red] {message}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(code)


def _load(graph: Path):
    from graph.store import ClaimStore, StoreError

    try:
        return ClaimStore.load(graph)
    except StoreError as error:
        _fail(str(error))


@app.command()
def build(
    article_dir: Path = typer.Argument(..., help="Folder of articles (.txt, .md, .html)."),
    out: Path = typer.Option(Path("build"), "--out", "-o", help="Where graph.trig and explorer.html go."),
    strict: bool = typer.Option(False, "--strict", help="Any unreadable article stops the build."),
    max_bytes: int = typer.Option(20_000_000, "--max-bytes", help="Refuse article files larger than this."),
):
    """Read every article in ARTICLE_DIR and write OUT/graph.trig and OUT/explorer.html."""
    from claimgraph.build import BuildError
    from claimgraph.build import build as run_build

    def progress(stream, total):
        with Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, transient=True) as bar:
            task = bar.add_task("extract", total=total)
            for item in stream:
                bar.advance(task)
                yield item

    try:
        summary = run_build(article_dir, out, strict=strict, max_bytes=max_bytes, progress=progress)
    except BuildError as error:
        _fail(str(error))
    for warning in summary.warnings:
        err.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    for line in summary.duplicates:
        err.print(f"duplicate: {line}", highlight=False)
    for line in summary.failed:
        err.print(f"[red]failed:[/red] {line}", highlight=False)
    err.print(f"built {len(summary.built)} articles, {len(summary.duplicates)} duplicates merged, "
              f"{len(summary.failed)} failed; {summary.claims} claims -> {out / 'graph.trig'}, {out / 'explorer.html'}",
              highlight=False)
    if summary.failed:
        raise typer.Exit(2)


@app.command()
def query(
    name_or_file: str = typer.Argument(..., help="A saved query name (claims, operations, entities, disagreements, ...) or a .rq file."),
    graph: Path = GRAPH_OPTION,
    fmt: str = typer.Option("table", "--format", "-f", help="csv | json | table"),
    param: Optional[List[str]] = typer.Option(None, "--param", "-p", help="NAME=VALUE, bound as a value, never pasted into the query."),
):
    """Run a saved SPARQL query by name, or any .rq file, on a built graph."""
    from graph.query import QueryError, format_result, parse_params, query_text

    try:
        text = query_text(name_or_file)
        bindings = parse_params(param or [], text)
        result = _load(graph).query(text, bindings)
        sys.stdout.write(format_result(result, fmt))
    except QueryError as error:
        _fail(str(error))
    except Exception as error:  # a malformed user query: say which and why
        _fail(f"{name_or_file}: query failed: {error}")


@app.command()
def validate(graph: Path = GRAPH_OPTION):
    """Check a built graph against the SHACL shapes."""
    from claimgraph.build import merged
    from graph.validate import validate_graph

    report = validate_graph(merged(_load(graph)))
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


if __name__ == "__main__":
    app()
