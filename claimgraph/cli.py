"""The claimgraph command line: build, query, validate, stats, report, serve."""

from __future__ import annotations

import os
import shutil
import signal
import sys
from pathlib import Path

import click

# click, not typer: typer's start-up imports pydantic, which cost a read command a third of its time


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def app():
    """Who claims what about guns and cash crossing the US-Mexico border."""


def _say(message: str, colour: str | None = None, label: str | None = None) -> None:
    """One line on stderr, never wrapped, so that messages stay greppable. Its control characters
    (a file name's newline, a title's escape sequence) are printed as escapes: no message forges
    a line or drives the terminal."""
    from graph.terminal import printable

    prefix = click.style(f"{label}:", fg=colour) + " " if label else ""
    click.echo(prefix + printable(message), err=True)


def _terminal_output():
    """Where results go: a terminal gets their control characters as escapes (they come from
    articles), a file or a pipe gets them exact."""
    from graph.terminal import PrintableStream

    return PrintableStream(sys.stdout.buffer) if sys.stdout.isatty() else sys.stdout.buffer


def _fail(message: str, code: int = 1) -> None:
    _say(message, "red", "error")
    sys.exit(code)


def graph_option(function):
    return click.option("--graph", "-g", type=click.Path(path_type=Path), default=Path("build/graph.trig"),
                        show_default=True, help="The built graph.trig (or .nq).")(function)


def _load(graph: Path, remote: str | None = None):
    """The built graph's store, or the remote SPARQL store at the URL remote."""
    from graph.store import ClaimStore, StoreError, open_built

    try:
        return ClaimStore.remote(remote) if remote else open_built(graph)
    except StoreError as error:
        _fail(str(error))


@app.command()
@click.argument("article_dir", type=click.Path(path_type=Path))
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("build"), show_default=True,
              help="Where graph.trig, the store and explorer.html go.")
@click.option("--strict", is_flag=True, help="Any unreadable article stops the build.")
@click.option("--max-bytes", type=int, default=20_000_000, show_default=True, help="Refuse article files larger than this.")
@click.option("--workers", "-w", type=int, default=None, help="Extraction processes (default: up to 2).")
@click.option("--batch-size", type=int, default=16, show_default=True,
              help="Articles per spaCy batch: a worker holds about 200 MB plus 12 MB per article of its batch.")
@click.option("--export", multiple=True, help="trig, nq, jsonld; repeat the option for more than one (default: trig alone).")
@click.option("--store", default=None, help="Also write every named graph to this SPARQL 1.1 Update endpoint.")
@click.option("--validate/--no-validate", default=True, help="SHACL-check every article graph (on by default; off only to measure).")
@click.option("--executor", default="process", show_default=True, help="process (a local process pool) or dask (a Dask cluster).")
@click.option("--scheduler", default=None, help="The Dask scheduler's address, e.g. tcp://10.0.0.5:8786.")
@click.option("--follow-links", is_flag=True, help="Read links that lead outside ARTICLE_DIR, and linked folders.")
def build(article_dir: Path, out: Path, strict: bool, max_bytes: int, workers: int | None, batch_size: int,
          export: tuple[str, ...], store: str | None, validate: bool, executor: str, scheduler: str | None,
          follow_links: bool):
    """Read every article in ARTICLE_DIR and write OUT/graph.trig and OUT/explorer.html."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from claimgraph.build import DEFAULT_EXPORTS, BuildError
    from claimgraph.build import build as run_build
    from graph.store import StoreError

    err = Console(stderr=True, soft_wrap=True)

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
                            validate=validate, executor=executor, scheduler=scheduler, follow_links=follow_links)
    except (BuildError, StoreError, OSError) as error:
        # a failed build changes nothing of the previous one (claimgraph.build.Assembly)
        kept = f"; the previous build in {out} is unchanged" if (Path(out) / "manifest.json").is_file() else ""
        problem = f"{error.filename or out}: {error.strerror or error}" if isinstance(error, OSError) else str(error)
        _fail(problem + kept)
    for warning in summary.warnings:
        _say(warning, "yellow", "warning")
    for line in summary.duplicates:
        _say(f"duplicate: {line}")
    for line in summary.failed:
        _say(line, "red", "failed")
    for kind in ("added", "changed", "removed"):
        names = getattr(summary, kind)
        if names:
            _say(f"{kind}: {', '.join(names[:20])}{' …' if len(names) > 20 else ''}")
    _say(f"{summary.articles} articles in the graph ({len(summary.built)} extracted, {len(summary.reused)} unchanged), "
              f"{len(summary.duplicates)} duplicates merged, {len(summary.failed)} failed; {summary.claims} claims "
              f"-> {', '.join(str(out / f'graph.{name}') for name in export or DEFAULT_EXPORTS)}, {out / 'explorer.html'}")
    if summary.failed:
        sys.exit(2)


@app.command()
@click.argument("name_or_file")
@graph_option
@click.option("--format", "-f", "fmt", default="table", show_default=True, help="csv | json | table")
@click.option("--param", "-p", multiple=True, help="NAME=VALUE, bound as a value, never pasted into the query.")
@click.option("--limit", "-n", type=int, default=1000, show_default=True, help="Rows per page; 0 for every row.")
@click.option("--offset", type=int, default=0, help="Skip this many rows (the next page: --offset LIMIT).")
@click.option("--timeout", type=float, default=60, show_default=True, help="Stop the query after this many seconds (0: no limit).")
@click.option("--allow-service", is_flag=True, help="Let SERVICE fetch from other endpoints (refused by default).")
@click.option("--store", "remote", metavar="URL", default=None,
              help="Ask a remote SPARQL 1.1 store (one `build --store URL` wrote) instead of the built graph.")
def query(name_or_file: str, graph: Path, fmt: str, param: tuple[str, ...], limit: int, offset: int, timeout: float,
          allow_service: bool, remote: str | None):
    """Run a saved SPARQL query by name, or any .rq file, on a built graph, one page at a time."""
    from graph.queries import QueryError, parse_params, query_text, refuse_remote, refuse_too_deep
    from graph.store.backend import StoreError

    try:
        text = query_text(name_or_file)
        refuse_remote(text, allow_service)
        refuse_too_deep(text)
        bindings = parse_params(param or [], text)
    except QueryError as error:
        _fail(str(error))

    if fmt in ("csv", "table") and not remote and _from_built_table(name_or_file, graph, fmt, bindings, limit, offset):
        return

    def run() -> None:
        try:
            store = _load(graph, remote)
            out = _terminal_output()
            more = store.write_page(text, fmt, out, bindings, limit, offset)
            out.flush()
            if more:
                _say_more_rows(offset, limit)
        except (QueryError, StoreError) as error:
            _fail(str(error))
        except SystemExit:
            raise
        except Exception as error:  # a malformed user query: say which and why
            _fail(f"{name_or_file}: query failed: {error}")

    sys.exit(_with_deadline(run, timeout, f"{name_or_file}: stopped after {timeout:g} s (--timeout; 0 for no limit)"))


def _say_more_rows(offset: int, limit: int) -> None:
    _say(f"more rows follow: --offset {offset + limit} for the next page, --limit 0 for all")


def _from_built_table(name: str, graph: Path, fmt: str, bindings: dict, limit: int, offset: int) -> bool:
    """Answer a materialised saved query from the table the build wrote (OUT/NAME.csv) when it
    was made with this graph; False when there is none. A bound value keeps the rows whose cell
    has the same text."""
    from claimgraph.tables import built_table, cells, table_page
    from graph.queries import table as text_table
    from graph.spreadsheet import real_values

    table = built_table(graph, name)
    if table is None:
        return False
    out = _terminal_output()
    if fmt == "csv" and limit <= 0 and offset <= 0 and not bindings:
        with open(table, "rb") as source:  # the whole table, as the build wrote it (spreadsheet-safe)
            shutil.copyfileobj(source, out, 8 << 20)
        out.flush()
        return True
    page = table_page(table, {column: str(value) for column, value in bindings.items()}, limit, offset)
    if fmt == "csv":
        out.write(page.header + b"".join(page.records))
    else:
        out.write(text_table(cells(page.header), [real_values(cells(record)) for record in page.records]).encode("utf-8"))
    out.flush()
    if page.more:
        _say_more_rows(offset, limit)
    return True


def _with_deadline(work, seconds: float, message: str) -> int:
    """Run work in a child process that is killed when the time is up or on Ctrl-C: the engine
    does not stop for a signal in the middle of a query, a killed process does."""
    import multiprocessing

    child = multiprocessing.get_context("fork").Process(target=work, daemon=True)
    child.start()
    try:
        child.join(seconds if seconds > 0 else None)
    except KeyboardInterrupt:
        child.kill()
        child.join()
        _fail("stopped (Ctrl-C)", 130)
    if child.is_alive():
        child.kill()
        child.join()
        _fail(message, 3)
    if child.exitcode is not None and child.exitcode < 0:  # killed by a signal: say so, never exit 128+N silently
        _fail(f"the query stopped the engine ({signal.Signals(-child.exitcode).name})")
    return child.exitcode or 0


CLAIM_IDENTITY = """PREFIX cg: <https://w3id.org/claimgraph/ns#> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
SELECT ?claim ?article ?figure ?sourceLabel WHERE { ?claim a cg:FigureClaim ; schema:text ?figure ; cg:sourceLabel ?sourceLabel ;
  prov:wasDerivedFrom/cg:fileName ?article }"""


@app.command()
@click.argument("claim")
@graph_option
@click.option("--articles", "article_dir", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The article folder: the entry goes into its corrections.yaml.")
@click.option("--source", default=None, help="Re-attribute the claim to this source.")
@click.option("--reject", is_flag=True, help="Reject the claim: it is no figure claim.")
@click.option("--split", "split_name", default=None,
              help="The name the text gives the claim's source, which is not that entity: split it off, in this article.")
@click.option("--as", "split_label", default=None, help="With --split: the new entity's label (default: the name).")
@click.option("--type", "split_type", default=None, help="With --split: the new entity's type (default: the source's).")
@click.option("--into", "split_into", default=None, help="With --split: the name is this other entity.")
@click.option("--note", default="", help="Why: kept in the graph with the correction.")
@click.option("--by", "by", default=None, help="Who corrects (default: $USER).")
def correct(claim: str, graph: Path, article_dir: Path, source: str | None, reject: bool, split_name: str | None,
            split_label: str | None, split_type: str | None, split_into: str | None, note: str, by: str | None):
    """Correct a claim of a built graph (its IRI, as the claims table gives it): re-attribute it, reject
    it, or split the name its source goes by in the text off that source. The entry goes into the
    articles' corrections.yaml, and every later build applies it."""
    from rdflib import URIRef

    from claimgraph.corrections import CorrectionError, write_correction

    if [bool(source), reject, bool(split_name)].count(True) != 1:
        _fail("say --source NAME (re-attribute), --reject or --split NAME, one of them")
    if not split_name and (split_label or split_type or split_into):
        _fail("--as, --type and --into go with --split NAME")
    rows = _load(graph).select(CLAIM_IDENTITY, {"claim": URIRef(claim)})
    if not rows:
        _fail(f"{claim}: no such claim in {graph}")
    found = rows[0]
    said = {"note": note, "by": by or os.environ.get("USER", "")}
    if split_name:
        new = {k: v for k, v in (("label", split_label), ("type", split_type)) if v}
        entry = {"entity": found["sourceLabel"], "split": split_name, "articles": [found["article"]],
                 **({"into": split_into} if split_into else {"as": new} if new else {}), **said}
        done = f"splits {split_name!r} off {found['sourceLabel']!r} in {found['article']}"
    else:
        entry = {"claim": {"article": found["article"], "figure": found["figure"]},
                 **({"reject": True} if reject else {"source": source}), **said}
        done = f"{'rejects' if reject else 're-attributes'} {found['figure']!r} of {found['article']}"
    try:
        path = write_correction(article_dir, entry)
    except (CorrectionError, OSError) as error:
        _fail(str(error))
    _say(f"{path}: {done}; the next build applies it")


@app.command()
@graph_option
def validate(graph: Path):
    """Check a built graph against the SHACL shapes."""
    from graph.rdf.validate import quiet_literal_warnings, validate_graph

    with quiet_literal_warnings():
        report = validate_graph(_load(graph).union_graph())
    if report.conforms:
        _say(f"{graph}: conforms to the SHACL shapes")
        return
    out = _terminal_output()
    out.write(report.text.encode("utf-8"))
    out.flush()
    _fail(f"{graph}: does not conform to the SHACL shapes")


@app.command()
@graph_option
def stats(graph: Path):
    """Count articles, claims, sources, entities and operations."""
    from graph.analysis.stats import count

    for name, value in count(_load(graph)).items():
        click.echo(f"{name}: {value}")


@app.command()
@graph_option
@click.option("--out", "-o", type=click.Path(path_type=Path), default=None,
              help="Where the HTML report goes  [default: report.html beside the graph]")
@click.option("--gexf", type=click.Path(path_type=Path), default=None, help="Also write the source network as GEXF (Gephi).")
@click.option("--graphml", type=click.Path(path_type=Path), default=None, help="Also write it as GraphML (Cytoscape).")
def report(graph: Path, out: Path | None, gexf: Path | None, graphml: Path | None):
    """Figures side by side per quantity, conflicts highlighted and plotted; who cites whom."""
    from graph.analysis.network import export, project
    from graph.views.report import write_report

    from claimgraph.manifest import built_facts

    out = out or Path(graph).parent / "report.html"
    store = _load(graph)
    write_report(store, out, built_facts(graph))  # a build's own records, where graph is its export
    if gexf or graphml:
        export(project(store), gexf, graphml)
    _say(f"report -> {out}" + (f", {gexf}" if gexf else "") + (f", {graphml}" if graphml else ""))


@app.command()
@graph_option
@click.option("--focus", "-f", multiple=True, help="Show the neighbourhood of sources, operations or flows whose name contains this.")
@click.option("--out", "-o", type=click.Path(path_type=Path), default=None,
              help="Where the page goes  [default: explorer-focus.html beside the graph]")
def explore(graph: Path, focus: tuple[str, ...], out: Path | None):
    """Write an explorer page for part of a big graph."""
    from graph.views.explorer import NothingMatches, write_explorer

    out = out or Path(graph).parent / "explorer-focus.html"  # never the build's own explorer.html
    try:
        write_explorer(_load(graph), out, list(focus) or None)
    except NothingMatches as error:
        for line in str(error).splitlines():
            _say(line, "red", "error")
        _fail("no page written")
    _say(f"explorer -> {out}")


@app.command()
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("build"), show_default=True,
              help="A build folder (its store/ is served).")
@click.option("--port", "-p", type=int, default=7878, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Listen here; loopback unless you say otherwise.")
@click.option("--timeout", type=int, default=30, show_default=True, help="Seconds a query may run.")
@click.option("--max-result-bytes", type=int, default=50_000_000, show_default=True, help="Larger results are refused (413).")
@click.option("--max-query-bytes", type=int, default=1_000_000, show_default=True,
              help="Larger request bodies are refused unread (413).")
@click.option("--workers", "-w", type=int, default=2, show_default=True, help="Queries answered at once; others wait their turn.")
@click.option("--max-connections", type=click.IntRange(1), default=64, show_default=True,
              help="Connections open at once; more get 503 at once and are closed.")
def serve(out: Path, port: int, host: str, timeout: int, max_result_bytes: int, max_query_bytes: int, workers: int,
          max_connections: int):
    """Serve a build read-only: the explorer over the whole build at http://HOST:PORT/, its data at
    /api/, and a SPARQL 1.1 Protocol endpoint at /query."""
    from graph.serve.endpoint import Endpoint, build_stamp
    from graph.serve.explorer_api import LiveExplorer
    from graph.store import open_built

    from claimgraph.tables import built_table

    store = out / "store"
    if not (out / "graph.trig").is_file():
        _fail(f"{out}: no build here (run `claimgraph build ... --out {out}` first)")
    explorer = LiveExplorer(out, built_table, open_built)
    explorer.current(build_stamp(out))  # the search index, made once per build, before the first visitor
    try:
        endpoint = Endpoint(out, host, port, timeout, max_result_bytes, workers, explorer, max_query_bytes, max_connections)
    except OSError as error:
        _fail(f"cannot listen on {host}:{port} ({error.strerror or error})")
    url = f"http://{host}:{port}/query"
    _say(f"the explorer over the whole build: http://{host}:{port}/")
    _say(f"serving {store} read-only at {url}  (Ctrl-C stops; queries are stopped after {timeout} s, "
         f"results over {max_result_bytes:,} bytes are refused)")
    _say(f"  curl -G {url} --data-urlencode 'query=SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }}' -H 'Accept: text/csv'")
    _say(f"  curl {url} -H 'Content-Type: application/sparql-query' -H 'Accept: application/sparql-results+json' "
         f"--data-binary @graph/queries/claims.rq")
    signal.signal(signal.SIGTERM, lambda signum, frame: endpoint.stop())
    endpoint.start()
    try:
        code = endpoint.wait()
    except KeyboardInterrupt:
        endpoint.stop()
        _say("stopped")
        code = 0
    endpoint.stop()
    sys.exit(0 if code in (0, -signal.SIGTERM) else code)


def console() -> None:
    """The `claimgraph` command: the command, then, when it succeeded, a quick exit. A command that
    returns has written and closed every output; tearing the interpreter down after it (some 1,600
    modules once spaCy is imported) cost 0.25 s of every build. A failed command ends as Python
    ends it, so that what it left open (a progress bar hiding the cursor) is put back; so does a
    run under a profiler or a coverage tracer, which write their reports at exit."""
    try:
        app()
    except SystemExit as done:
        if done.code not in (None, 0) or sys.getprofile() is not None or sys.gettrace() is not None:
            raise
        _exit_now()


def _exit_now() -> None:
    """os._exit(0) once the standard streams are flushed; one that cannot be (a closed pipe) ends
    with status 120, as Python's own exit does."""
    status = 0
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:
            status = 120
        except ValueError:  # closed: nothing waits in it, and Python skips it too
            pass
    os._exit(status)


if __name__ == "__main__":
    console()
