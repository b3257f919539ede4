"""Saved queries whose whole table the build writes: OUT/NAME.csv, made from each article's rows.

A query marked `# materialised` in its .rq reads every cell off one article's own graph, so its
rows for the whole store are its rows for each article graph put together. Through the store, a
whole table (or the first page of a sorted one) costs a RocksDB lookup per triple of every claim:
161 s for `claims` and 106 s for the first page of `brief` at 10,000 articles, measured. Each
article's rows are made once, when it is extracted, and cached; the build puts them together,
sorted by the query's ORDER BY where it has one, and `claimgraph query` pages the file."""

from __future__ import annotations

import bisect
import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox

from graph.files import Outputs, atomic_stream, atomic_write, export_stamp, next_path
from graph.queries import PROLOGUE, cells, csv_records, saved_queries
from graph.rdf.each_graph import csv_by_graph
from graph.spreadsheet import real_values, safe_record, safe_rows, spreadsheet_safe

# how a table is laid out, in its stamp: a table of another layout is made again, not updated
# (2: ties in a sorted table go by the whole row; 3: cells spreadsheet-safe, sorted by their real text)
TABLE_FORMAT = "3"
MARK = re.compile(r"^#\s*materialised\b(.*)$", re.M)
FROM_ANALYSIS = "from the analysis"  # `# materialised from the analysis`: the build writes its rows from the analysis
ORDER_BY = re.compile(r"\bORDER\s+BY\b(.*)$", re.S | re.I)
ORDER_KEY = re.compile(r"\s*(?:(ASC|DESC)\s*\(\s*[?$](\w+)\s*\)|[?$](\w+))", re.I)


class TableError(ValueError):
    pass


@cache
def _row_code() -> str:
    """What an article's cached rows depend on besides the query: this file and the spreadsheet
    escaping of their cells (a change to either without a TABLE_FORMAT bump must not mix rows)."""
    from graph import spreadsheet

    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(Path(spreadsheet.__file__).read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class TableQuery:
    """A materialised saved query: its name, text, and the columns its rows are sorted by."""
    name: str
    text: str
    order: tuple[tuple[str, bool], ...]  # (column, descending)
    from_analysis: bool = False  # rows made by the cross-source analysis, not per article

    @property
    def digest(self) -> str:
        """The query's, the table layout's and the row-making code's: cached rows made another way
        are made again (from the article's cached N-Quads, without extracting it again)."""
        return hashlib.sha256(f"{self.text}\n{TABLE_FORMAT}\n{_row_code()}".encode("utf-8")).hexdigest()[:12]

    @property
    def cache_suffix(self) -> str:
        """An article's cached rows: the name holds the query's hash, so a changed query makes new rows."""
        return f".{self.name}-{self.digest}.csv"

    def file(self, out: Path) -> Path:
        return Path(out) / f"{self.name}.csv"

    def stamp_file(self, out: Path) -> Path:
        return Path(out) / f"{self.name}.csv.source"  # which graph.trig the table was made with

    def stamp(self, graph: Path) -> str:
        """What the stamp file says of a table made with this graph.trig, this query and this layout."""
        return f"{export_stamp(graph)} {self.digest} {TABLE_FORMAT}"

    def next_file(self, out: Path) -> Path:
        return next_path(self.file(out))  # written while the build assembles

    def rows(self, store: ox.Store, graphs: list[str]) -> dict[str, bytes]:
        """Each article graph's rows, as the engine writes CSV, without the header, each cell
        spreadsheet-safe (graph.spreadsheet: a table is opened in spreadsheets). One query runs
        over all the graphs (graph.rdf.each_graph), whether they are a batch or one article."""
        return {graph: b"".join(map(safe_record, csv_records(body)))
                for graph, body in csv_by_graph(store, self.text, graphs).items()}

    def header(self) -> bytes:
        return ox.Store().query(self.text).serialize(format=ox.QueryResultsFormat.CSV)


def order_keys(name: str, text: str) -> tuple[tuple[str, bool], ...]:
    """The ORDER BY of a materialised query: plain variables, ASC(?v) or DESC(?v) only, since the
    build sorts the table's text cells, not the engine's typed values."""
    body = PROLOGUE.match(text).group(2)
    found = ORDER_BY.search(body)
    if found is None:
        return ()
    clause, keys, position = found.group(1).strip(), [], 0
    while position < len(clause):
        key = ORDER_KEY.match(clause, position)
        if key is None:
            raise TableError(f"{name}.rq: a materialised query orders by plain variables only, not {clause[position:]!r}")
        keys.append((key.group(2) or key.group(3), (key.group(1) or "").upper() == "DESC"))
        position = key.end()
    return tuple(keys)


CONFLICT_COLUMNS = ["claim", "sourceLabel", "other", "otherSourceLabel", "topic", "figure", "otherFigure"]
ANALYSIS_TABLES = {"conflicts": CONFLICT_COLUMNS}  # the tables the build knows how to make from the analysis


def conflict_rows(pairs: Iterable, figure_texts: dict[str, str]) -> Iterator[list[str]]:
    """conflicts.rq's rows from the analysis's ConflictPairs and each claim's figure text."""
    for pair in pairs:
        a, b = pair.claim, pair.other
        yield [a.claim, a.source_label, b.claim, b.source_label, pair.topic,
               figure_texts.get(a.claim, ""), figure_texts.get(b.claim, "")]


def _table_query(name: str, path: Path) -> TableQuery | None:
    """The saved query at path as a TableQuery when it is marked `# materialised` (None when it is
    not); TableError when the mark cannot be honoured."""
    text = path.read_text(encoding="utf-8")
    mark = MARK.search(text)
    if mark is None:
        return None
    query = TableQuery(name, text, order_keys(name, text), mark.group(1).strip().startswith(FROM_ANALYSIS))
    if query.from_analysis:
        if name not in ANALYSIS_TABLES:
            raise TableError(f"{name}.rq: the analysis makes no table of that name ({', '.join(ANALYSIS_TABLES)})")
        if cells(query.header()) != ANALYSIS_TABLES[name]:
            raise TableError(f"{name}.rq: its columns are {cells(query.header())}, the analysis writes {ANALYSIS_TABLES[name]}")
    return query


def table_problems() -> list[str]:
    """Why a saved query marked `# materialised` cannot have its table (a test keeps this empty)."""
    problems = []
    for name, path in saved_queries().items():
        try:
            _table_query(name, path)
        except TableError as error:
            problems.append(str(error))
    return problems


@cache
def table_queries() -> tuple[TableQuery, ...]:
    """The saved queries marked `# materialised` whose tables can be made, read once per process.
    A mark that cannot be honoured leaves its query to the engine (table_problems says why)."""
    found = []
    for name, path in saved_queries().items():
        try:
            query = _table_query(name, path)
        except TableError:
            continue
        if query is not None:
            found.append(query)
    return tuple(found)


def table_query(name: str) -> TableQuery | None:
    return next((query for query in table_queries() if query.name == name), None)


def article_tables(store: ox.Store, graphs: list[str]) -> dict[str, dict[str, bytes]]:
    """Every per-article materialised query's rows for each article graph: graph -> query name -> rows."""
    tables: dict[str, dict[str, bytes]] = {graph: {} for graph in graphs}
    for query in table_queries():
        if not query.from_analysis:
            for graph, rows in query.rows(store, graphs).items():
                tables[graph][query.name] = rows
    return tables


def _in_order(query: TableQuery, columns: list[str], keyed: list[tuple[list[str], object]]) -> list:
    """The items of (cells, item) pairs in the query's order: an empty cell (an unbound value)
    first, as the engine puts it. Ties go by the whole row, so the order is the same however the
    table was made (at once, or updated by a rebuild). The cells are the real values, not their
    spreadsheet-safe form, so the order is the engine's."""
    keyed.sort(key=lambda pair: pair[0])
    for column, descending in reversed(query.order):  # stable sorts, the last key first
        at = columns.index(column)
        keyed.sort(key=lambda pair: pair[0][at], reverse=descending)
    return [item for _, item in keyed]


def _sorted(query: TableQuery, data: bytes) -> list[bytes]:
    """The CSV records of data in the query's order. The cells are read by one csv.reader over
    all of it (a reader per record cost seconds at 10,000 articles)."""
    records = list(csv_records(data))
    rows = [real_values(row) for row in csv.reader(io.StringIO(data.decode("utf-8"), newline=""))]
    return _in_order(query, cells(query.header()), list(zip(rows, records)))


def _article_rows(query: TableQuery, cache_dir: Path, sha: str, graph_of) -> bytes:
    """An article's cached rows, made from its cached N-Quads when they are missing."""
    rows = cache_dir / f"{sha}{query.cache_suffix}"
    if not rows.exists():
        scratch = ox.Store()
        scratch.load((cache_dir / f"{sha}.nq").read_bytes(), format=ox.RdfFormat.N_QUADS)
        graph = str(graph_of(sha))
        atomic_write(rows, query.rows(scratch, [graph])[graph])
    return rows.read_bytes()


def write_table(query: TableQuery, path: Path, cache_dir: Path, order: list[str], graph_of) -> None:
    """The whole table into path: the header, then each article's cached rows in the exports'
    order, sorted where the query says."""
    blocks = (_article_rows(query, cache_dir, sha, graph_of) for sha in order)
    if not query.order:
        atomic_stream(path, [query.header(), *blocks])
        return
    atomic_stream(path, [query.header(), *_sorted(query, b"".join(blocks))])


def updated_table(query: TableQuery, previous: Path, path: Path, cache_dir: Path, removed: frozenset[str],
                  added: frozenset[str], graph_of) -> bool:
    """The previous build's sorted table, without the rows of the removed articles and with those
    of the added ones put in place, into path: what write_table writes, without sorting every row
    again. False (nothing written) where it cannot be done: no ORDER BY, a descending key, or a
    previous table that does not hold the removed articles' rows."""
    if not query.order or any(descending for _, descending in query.order):
        return False
    try:
        header, _, body = previous.read_bytes().partition(b"\r\n")
    except OSError:
        return False
    if header + b"\r\n" != query.header():
        return False
    unwanted: Counter[bytes] = Counter()
    try:
        for sha in removed:
            unwanted.update(csv_records(_article_rows(query, cache_dir, sha, graph_of)))
    except OSError:  # the removed article's cache entry is gone
        return False
    kept = []
    for record in csv_records(body):
        if unwanted[record]:
            unwanted[record] -= 1
        else:
            kept.append(record)
    if +unwanted:  # rows the previous table did not hold: it is not the previous build's
        return False
    at = [cells(query.header()).index(column) for column, _ in query.order]

    def key(record: bytes) -> tuple:
        row = real_values(cells(record))
        return tuple(row[i] for i in at), row

    for sha in sorted(added):
        for record in csv_records(_article_rows(query, cache_dir, sha, graph_of)):
            bisect.insort_right(kept, record, key=key)
    atomic_stream(path, [query.header(), *kept])
    return True


@dataclass(frozen=True)
class TableChanges:
    """What changed since the build whose tables are in place: the tables that belong to it
    (their stamps match its graph.trig), and the articles (by hash) removed and added."""
    sound: frozenset[str]
    removed: frozenset[str]
    added: frozenset[str]


def write_tables(out: Path, cache_dir: Path, order: list[str], graph_of, changes: TableChanges | None = None) -> None:
    """Every per-article materialised table, each beside the build until publish_tables puts it
    in place; a sorted table of the previous build is updated rather than sorted again."""
    for query in table_queries():
        if query.from_analysis:
            continue
        if changes is not None and query.name in changes.sound and updated_table(
                query, query.file(out), query.next_file(out), cache_dir, changes.removed, changes.added, graph_of):
            continue
        write_table(query, query.next_file(out), cache_dir, order, graph_of)


def write_rows(query: TableQuery, path: Path, rows: Iterable[list[str]]) -> None:
    """A table the analysis made: its rows (cells in the query's column order, which
    table_queries checked is what the analysis writes) as the engine writes CSV, sorted by the
    query's ORDER BY."""
    text = io.StringIO(newline="")
    keyed = [(row, row) for row in rows]
    csv.writer(text, lineterminator="\r\n").writerows(safe_rows(_in_order(query, cells(query.header()), keyed)))
    atomic_stream(path, [query.header(), text.getvalue().encode("utf-8")])


def publish_tables(out: Path, outputs: Outputs) -> None:
    """Hand the tables written beside the build to outputs, each with its stamp, made with the
    graph.trig written beside the build too: they are put in place together."""
    trig = next_path(Path(out) / "graph.trig")
    for query in table_queries():
        outputs.path(query.file(out))
        atomic_write(outputs.path(query.stamp_file(out)), query.stamp(trig) if trig.exists() else "")


def drop_unpublished(out: Path) -> None:
    for query in table_queries():
        query.next_file(out).unlink(missing_ok=True)


def built_table(graph: Path, name: str = "claims") -> Path | None:
    """The materialised table of the saved query name beside graph, when it was made with this
    very graph and this very query."""
    graph, query = Path(graph), table_query(name)
    if query is None or graph.name != "graph.trig":
        return None
    table, stamp = query.file(graph.parent), query.stamp_file(graph.parent)
    try:
        if table.is_file() and stamp.read_text().strip() == query.stamp(graph):
            return table
    except OSError:
        pass
    return None


def all_tables_built(graph: Path) -> bool:
    return all(built_table(graph, query.name) is not None for query in table_queries())


@dataclass
class TablePage:
    header: bytes  # the CSV header line
    records: list[bytes]  # the page's CSV records, each with its line end
    more: bool  # rows follow the page


def table_page(table: Path, where: dict[str, str], limit: int, offset: int = 0) -> TablePage:
    """One page of a materialised table: the rows whose cells equal where's values (by column;
    a value is compared in its spreadsheet-safe form, as the table holds it), limit of them
    (0: all) after offset."""
    data = Path(table).read_bytes()
    header, _, body = data.partition(b"\r\n")
    header += b"\r\n"
    columns = cells(header)
    unknown = [name for name in where if name not in columns]
    if unknown:
        raise TableError(f"{table.name}: no column {', '.join(unknown)}")
    wanted = [(columns.index(name), spreadsheet_safe(value)) for name, value in where.items()]
    page: list[bytes] = []
    skipped, more = 0, False
    for record in csv_records(body):
        if wanted:
            row = cells(record)
            if any(row[at] != value for at, value in wanted):
                continue
        if skipped < offset:
            skipped += 1
            continue
        if limit > 0 and len(page) == limit:
            more = True
            break
        page.append(record)
    return TablePage(header, page, more)
