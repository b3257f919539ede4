"""Saved SPARQL queries and the W3C result formats (CSV, JSON) plus a plain table."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.query import Result

from graph.sparql import QueryError, blanked, csv_records  # noqa: F401 (QueryError, csv_records: read from here)
from graph.terminal import printable

QUERY_DIR = Path(__file__).parent


def saved_queries() -> dict[str, Path]:
    return {p.stem: p for p in sorted(QUERY_DIR.glob("*.rq"))}


def query_text(name_or_file: str) -> str:
    """A saved query by name ('claims'), or any .rq file."""
    saved = saved_queries()
    if name_or_file in saved:
        return saved[name_or_file].read_text(encoding="utf-8")
    stem = Path(name_or_file).stem
    path = Path(name_or_file)
    if path.suffix == ".rq" and path.exists():
        return path.read_text(encoding="utf-8")
    if stem in saved and not path.exists():
        return saved[stem].read_text(encoding="utf-8")
    raise QueryError(f"{name_or_file}: no saved query of that name and no such .rq file "
                     f"(saved: {', '.join(saved)})")


PROLOGUE = re.compile(r"((?:\s*(?:#[^\n]*|PREFIX\s+[\w-]*:\s*<[^>]*>|BASE\s*<[^>]*>))*)(.*)", re.S | re.I)


_REMOTE = re.compile(r"\b(SERVICE|LOAD)\b", re.I)


def refuse_remote(query: str, allow_service: bool = False) -> None:
    """A query that would fetch from the network (SERVICE, LOAD) is refused unless allowed: the
    engine would make the request from this machine, to wherever the query says."""
    keywords = blanked(query)
    found = _REMOTE.search(keywords)
    if found and (found.group(1).upper() == "LOAD" or not allow_service):
        raise QueryError(f"{found.group(1).upper()} is refused: it makes the store fetch from the network"
                         + ("" if found.group(1).upper() == "LOAD" else " (claimgraph query --allow-service permits SERVICE)"))


MAX_NESTING = 64  # brackets in brackets: deeper, the engine's parser slows exponentially, then overflows its stack
# operators and patterns chained in one bracket (1+1+..., {..} UNION {..} UNION ..., BIND .. BIND .., one
# triple pattern after another): the engine folds a chain into a tree as deep as it is long, and
# overflows its stack between 2,000 and 10,000 (measured); nothing the saved queries come near
MAX_CHAIN = 1000
_NESTING = re.compile(r"[({\[]|[)}\]]|\|\||&&|!(?!=)|[+*/=<>;]|(?<!\d)\.(?!\d)"
                      r"|\b(?:UNION|OPTIONAL|MINUS|FILTER|BIND|GRAPH|SERVICE|VALUES)\b", re.I)


def refuse_too_deep(query: str) -> None:
    """A query nested deeper than the engine can take is refused before it reaches the engine,
    which would overflow its stack and kill the process. Strings, IRIs and comments do not count."""
    depth, deepest, chains = 0, 0, [0]
    for match in _NESTING.finditer(blanked(query)):
        token = match.group(0)
        if token in ("(", "{", "["):
            depth += 1
            chains.append(0)
            deepest = max(deepest, depth)
        elif token in (")", "}", "]"):
            depth = max(depth - 1, 0)
            if len(chains) > 1:
                chains.pop()
        else:
            chains[-1] += 1
            if chains[-1] > MAX_CHAIN:
                raise QueryError(f"query too deeply nested: more than {MAX_CHAIN} operators or patterns chained in one bracket")
        if deepest > MAX_NESTING:
            raise QueryError(f"query too deeply nested: brackets more than {MAX_NESTING} deep")


def projection(query: str) -> list[str]:
    """The result columns of a SELECT query, in order: '?x' and '(... AS ?y)'."""
    body = PROLOGUE.match(query).group(2)
    head = re.search(r"\bSELECT\b(.*?)(?:\bWHERE\b|\{)", body, re.S | re.I)
    if head is None:
        return []
    if re.fullmatch(r"\s*(?:DISTINCT|REDUCED)?\s*\*\s*", head.group(1), re.I):
        return []  # SELECT *: the columns are the query's variables; paging wraps it without naming them
    names, depth = [], 0
    text = head.group(1)
    for match in re.finditer(r"\(|\)|AS\s+[?$](\w+)|[?$](\w+)", text, re.I):
        token = match.group(0)
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif match.group(1) and depth == 1:
            names.append(match.group(1))
        elif match.group(2) and depth == 0:
            names.append(match.group(2))
    return names


def with_bindings(query: str, values: str = "") -> str:
    """The query as a subquery of one that projects the same columns, so that bound values filter
    its result columns (Oxigraph binds only projected variables); values, a VALUES block or a
    FILTER, goes beside the subquery. A page cut at the query's end (paged) stays outside: it
    pages the rows that hold the values, not the rows before they were filtered."""
    page = LIMIT_AT_END.search(query.rstrip())
    text, cut = (query.rstrip()[:page.start()], page.group(0)) if page else (query, "")
    prologue, body = PROLOGUE.match(text).groups()
    columns = " ".join(f"?{name}" for name in projection(text))
    return f"{prologue}\nSELECT {columns} WHERE {{ {values} {{ {body} }} }}" + (f"\n{cut.strip()}\n" if cut else "")


LIMIT_AT_END = re.compile(r"\bLIMIT\s+\d+(\s+OFFSET\s+\d+)?\s*$|\bOFFSET\s+\d+(\s+LIMIT\s+\d+)?\s*$", re.I)


def paged(query: str, limit: int, offset: int = 0) -> str:
    """The query cut to one page of rows (limit 0: all of them). A query with a LIMIT of its own
    becomes a subquery, so that its own limit still holds inside the page."""
    if limit <= 0 and offset <= 0:
        return query
    page = (f" LIMIT {limit}" if limit > 0 else "") + (f" OFFSET {offset}" if offset > 0 else "")
    if LIMIT_AT_END.search(query.strip()):
        prologue, body = PROLOGUE.match(query).groups()
        columns = " ".join(f"?{name}" for name in projection(query)) or "*"
        return f"{prologue}\nSELECT {columns} WHERE {{ {{ {body} }} }}{page}"
    return query.rstrip() + "\n" + page.strip() + "\n"


def parse_params(params: list[str], query: str | None = None) -> dict[str, Literal | URIRef]:
    """'sourceLabel=DHS' -> {'sourceLabel': Literal('DHS')}; 'x=<https://...>' binds an IRI. Values
    are bound, never pasted into the query text. With the query given, each name must be one of its
    result columns: a binding keeps the rows whose column has that value."""
    bindings = {}
    for param in params:
        if "=" not in param:
            raise QueryError(f"--param {param!r}: expected NAME=VALUE")
        name, value = param.split("=", 1)
        name = name.strip().lstrip("?$")
        if not name.isidentifier():
            raise QueryError(f"--param {param!r}: {name!r} is not a variable name")
        if query is not None and name not in projection(query):
            raise QueryError(f"--param {name}: not a column of this query ({', '.join(projection(query))})")
        if value.startswith("<") and value.endswith(">") and " " not in value:
            bindings[name] = URIRef(value[1:-1])
        else:
            bindings[name] = Literal(value)
    return bindings


def cells(record: bytes) -> list[str]:
    """The cells of one W3C CSV results record."""
    return next(csv.reader(io.StringIO(record.decode("utf-8"), newline="")), [])


def _cell(value) -> str:
    return "" if value is None else str(value)


# columns whose digits a table groups in thousands (a CSV or JSON export keeps the engine's numbers)
NUMBER_COLUMNS = {"value", "low", "high", "figure", "otherFigure", "claims", "articles", "n", "count"}
_DIGITS = re.compile(r"(?<![\d.,])(\d{4,})(\.\d+)?(?![\d,])")


def _grouped(cell: str) -> str:
    """'10000000000' -> '10,000,000,000'; '250000.0' -> '250,000'."""
    def group(match: re.Match) -> str:
        decimals = match.group(2) or ""
        return f"{int(match.group(1)):,}" + (decimals if decimals.strip(".0") else "")
    return _DIGITS.sub(group, cell)


def table(names: list[str], rows: list[list[str]], width: int | None = None) -> str:
    """Rows as text columns that fit the terminal: the widest columns give way first, and a cut
    cell ends in '…'. Control characters are shown as escapes ('\\x1b')."""
    import shutil

    # the cells come from articles: no control character of theirs reaches the terminal
    rows = [[printable(_grouped(c) if n in NUMBER_COLUMNS else c) for n, c in zip(names, r)] for r in rows]
    names = [printable(n) for n in names]
    widths = [min(60, max([len(n)] + [len(r[i]) for r in rows])) for i, n in enumerate(names)]
    width = width or shutil.get_terminal_size((160, 24)).columns
    while sum(widths) + 2 * (len(widths) - 1) > width and max(widths, default=0) > 8:
        widest = widths.index(max(widths))
        widths[widest] -= 1
    out = io.StringIO()
    out.write("  ".join(n[:w].ljust(w) for n, w in zip(names, widths)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for r in rows:
        out.write("  ".join((c if len(c) <= w else c[: w - 1] + "…").ljust(w) for c, w in zip(r, widths)).rstrip() + "\n")
    out.write(f"({len(rows)} rows)\n")
    return out.getvalue()


def format_result(result: Result, fmt: str) -> str:
    if fmt == "csv":
        return result.serialize(format="csv").decode("utf-8")
    if fmt == "json":
        return result.serialize(format="json").decode("utf-8")
    if fmt == "table":
        return table([str(v) for v in result.vars], [[_cell(row[v]) for v in result.vars] for row in result])
    raise QueryError(f"unknown format {fmt!r}: use csv, json or table")


def rows(result: Result) -> list[dict[str, str]]:
    """Results as plain dicts of strings, for code and tests."""
    names = [str(v) for v in result.vars]
    # a row is a tuple in column order; looking cells up by Variable compares terms, slowly
    return [dict(zip(names, map(_cell, row))) for row in result]