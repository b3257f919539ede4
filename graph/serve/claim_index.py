"""The live explorer's index: every claim of a build in one SQLite file with an FTS5 search table,
made from the build's claims table (OUT/claims.csv) and the entities and relations of its store.

Why SQLite FTS5: it ships with Python's standard library, answers a ranked full-text search over
hundreds of thousands of rows in milliseconds, pages with LIMIT/OFFSET, and is one file that a
read-only server opens many times at once. The search folds as the offline page does (case,
accents, apostrophes, digit separators); a word matches at a word's start, a number only whole."""

from __future__ import annotations

import csv
import json
import os
import re
import sqlite3
import threading
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from graph.queries import query_text
from graph.spreadsheet import real_values
from graph.sparql import load_query
from graph.views.labels import SEARCHED_FIELDS, SEARCHED_SOURCE_FIELDS, claim_attributes, disputes_by_claim

INDEX_NAME = "explorer-index.sqlite"
FORMAT = "2"  # changes when the index's layout does
PAGE_LIMIT = 1000  # rows in one answer at most
VIEWS = str(Path(__file__).parents[1] / "views" / "explorer.py")  # the explorer's own queries, one copy of each
ENTITY_TYPES = load_query(VIEWS, "entity_types")
AFFILIATIONS = load_query(VIEWS, "affiliations")
CLAIM_FACTS = load_query(VIEWS, "explorer_claim_facts")
DISPUTES = query_text("disputes")
EXTRA = ("aliases", "affiliation", "node")  # beside the table's own columns; node: the claim as the page holds it (JSON)


def fold(text: str) -> str:
    """Case, accents, typographic apostrophes and digit separators folded ('1,000,000' is '1000000')."""
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[\u2018\u2019\u02bc`\u00b4]", "'", text)
    return re.sub(r"(?<=\d)[,\u00a0\u202f ](?=\d{3}(?!\d))", "", text)


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression for what a reader typed: every term must match, a word at a word's
    start, a number whole. Terms are quoted, so FTS5's own syntax in a search is plain text."""
    terms = []
    for term in fold(query).split():
        quoted = '"' + term.replace('"', '""') + '"'
        terms.append(quoted if term[-1].isdigit() else quoted + "*")
    return " AND ".join(terms) or None


@dataclass(frozen=True)
class ClaimFilter:
    """What a reader asks of the claims: a search and exact filters (empty: any)."""
    q: str = ""
    source: str = ""  # a source's label, as the claims table's sourceLabel
    flow: str = ""  # one flow, or several separated by commas
    language: str = ""
    article: str = ""
    since: str = ""  # publication dates from (ISO 8601, any precision)
    until: str = ""

    def where(self) -> tuple[str, list[str]]:
        clauses, values = [], []
        for column, value in (("sourceLabel", self.source), ("language", self.language), ("article", self.article)):
            if value:
                clauses.append(f'"{column}" = ?')
                values.append(value)
        flows = [flow for flow in self.flow.split(",") if flow]  # any of these flows
        if flows:
            clauses.append(f"flow IN ({', '.join('?' for _ in flows)})")
            values += flows
        if self.since:
            clauses.append("date != '' AND date >= ?")
            values.append(self.since)
        if self.until:  # a date known to the month is within a span that ends in that month
            clauses.append("date != '' AND substr(date, 1, length(?)) <= ?")
            values += [self.until, self.until]
        expression = match_expression(self.q)
        if expression:
            clauses.append("n IN (SELECT rowid FROM search WHERE search MATCH ?)")
            values.append(expression)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", values


class IndexTimeout(RuntimeError):
    pass


class ClaimIndex:
    """Reads an index file, read-only; one connection per thread, each question time-limited."""

    def __init__(self, path: Path, seconds: float = 10.0):
        self.path, self.seconds = Path(path), seconds
        self.uri = self.path.resolve().as_uri() + "?mode=ro"
        self.local = threading.local()
        self.columns = [row[1] for row in self._run("PRAGMA table_info(claims)") if row[1] != "n"]
        self.table_columns = [c for c in self.columns if c not in EXTRA]  # the claims table's, in its order

    @property
    def db(self) -> sqlite3.Connection:
        db = getattr(self.local, "db", None)
        if db is None:
            db = self.local.db = sqlite3.connect(self.uri, uri=True)
            db.row_factory = sqlite3.Row
            db.set_progress_handler(self._past_deadline, 10_000)
        self.local.deadline = time.monotonic() + self.seconds
        return db

    def _past_deadline(self) -> int:
        return int(time.monotonic() > self.local.deadline)  # non-zero interrupts the statement

    def _run(self, sql: str, values=()) -> sqlite3.Cursor:
        try:
            return self.db.execute(sql, values)
        except sqlite3.OperationalError as error:
            if "interrupted" in str(error):
                raise IndexTimeout(f"the search did not finish in {self.seconds:g} s") from None
            raise

    def total(self) -> int:
        return self._run("SELECT COUNT(*) FROM claims").fetchone()[0]

    def claims(self, wanted: ClaimFilter, offset: int = 0, limit: int = 100) -> dict:
        where, values = wanted.where()
        count = self._run(f"SELECT COUNT(*) FROM claims{where}", values).fetchone()[0]
        order = " ORDER BY n"
        expression = match_expression(wanted.q)
        if expression:  # whole-word matches first, as the offline page orders them
            order = (" ORDER BY (SELECT rank FROM search WHERE search MATCH ? AND rowid = claims.n), n")
            values = values + [expression.replace("*", "")]
        limit = max(0, min(int(limit), PAGE_LIMIT))
        rows = self._run(f"SELECT * FROM claims{where}{order} LIMIT ? OFFSET ?", values + [limit, max(0, int(offset))])
        return {"total": self.total(), "count": count, "offset": offset, "rows": [self._row(r) for r in rows]}

    def table_rows(self, wanted: ClaimFilter):
        """Every matching row in the claims table's order, as the table's cells: the CSV export."""
        where, values = wanted.where()
        names = ", ".join(f'"{c}"' for c in self.table_columns)
        yield from self._run(f"SELECT {names} FROM claims{where} ORDER BY n", values)

    def claim(self, iri: str) -> dict | None:
        row = self._run("SELECT * FROM claims WHERE claim = ?", [iri]).fetchone()
        return self._row(row) if row else None

    def sources(self) -> list[dict]:
        return [dict(r) for r in self._run("SELECT * FROM sources ORDER BY sourceLabel, source")]

    def entity(self, iri: str, limit: int = 200) -> dict | None:
        """An entity's neighbourhood: its names and type, its claims (a page), the relations it is in."""
        found = self._run("SELECT * FROM entities WHERE entity = ?", [iri]).fetchone()
        claims = [self._row(r) for r in self._run("SELECT * FROM claims WHERE source = ? ORDER BY n LIMIT ?", [iri, limit])]
        relations = [dict(r) for r in self._run(
            "SELECT * FROM relations WHERE agent = ? OR operation = ? ORDER BY agentLabel, operationLabel", [iri, iri])]
        if found is None and not claims and not relations:
            return None
        count = self._run("SELECT COUNT(*) FROM claims WHERE source = ?", [iri]).fetchone()[0]
        return {**(dict(found) if found else {"entity": iri}), "claimCount": count, "claims": claims, "relations": relations}

    def _row(self, row: sqlite3.Row) -> dict:
        return {name: row[name] for name in self.columns}


def claim_node(row: dict) -> dict:
    """A claim as the explorer page holds it: the node the offline page embeds (made by the same
    graph.views.labels.claim_attributes when the index was written)."""
    info = json.loads(row["node"])
    return {"id": row["claim"], "kind": "Claim", "label": info.pop("label"), "info": info}


def source_node(row: dict) -> dict:
    return {"id": row["source"], "kind": "Source", "label": row["sourceLabel"],
            "info": {"aliases": row["aliases"], "affiliation": row["affiliation"]}}


def write_index(path: Path, table: Path, store, stamp: str) -> None:
    """The index of a build: its claims table's rows, each source's aliases and agencies, the
    relations, and a search table; written beside and then moved into place whole."""
    entities = {row["entity"]: row for row in store.select(ENTITY_TYPES)}
    agencies: dict[str, set[str]] = {}
    for row in store.select(AFFILIATIONS):
        agency = entities.get(row["agency"], {})
        agencies.setdefault(row["entity"], set()).update(filter(None, [agency.get("label"), agency.get("aliases")]))
    relations = store.select(query_text("operations"))
    facts = {row["claim"]: row for row in store.select(CLAIM_FACTS)}
    disputed_by = disputes_by_claim(store.select(DISPUTES))
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.unlink(missing_ok=True)
    db = sqlite3.connect(partial)
    try:
        with open(table, newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            quoted = ", ".join(f'"{c}" TEXT' for c in header)
            extra = ", ".join(f"{c} TEXT" for c in EXTRA)
            db.execute(f"CREATE TABLE claims (n INTEGER PRIMARY KEY, {quoted}, {extra})")
            db.execute("CREATE VIRTUAL TABLE search USING fts5(text, content='', tokenize=\"unicode61 remove_diacritics 2\")")
            marks = ", ".join("?" for _ in [*header, *EXTRA])
            for n, cells in enumerate(map(real_values, reader)):  # the table's cells are spreadsheet-safe
                row = dict(zip(header, cells))
                aliases = entities.get(row["source"], {}).get("aliases", "")
                affiliation = " | ".join(sorted(agencies.get(row["source"], ())))
                node = claim_attributes(row, facts.get(row["claim"], {}), disputed_by.get(row["claim"], []))
                db.execute(f"INSERT INTO claims VALUES (?, {marks})",
                           [n, *cells, aliases, affiliation, json.dumps(node, ensure_ascii=False)])
                searched = [node[k] for k in SEARCHED_FIELDS] + [{"aliases": aliases, "affiliation": affiliation}[k]
                                                                for k in SEARCHED_SOURCE_FIELDS]
                db.execute("INSERT INTO search (rowid, text) VALUES (?, ?)", [n, fold(" | ".join(searched))])
        for column in ("sourceLabel", "source", "flow", "article", "claim"):
            if column in header:
                db.execute(f'CREATE INDEX "by_{column}" ON claims ("{column}")')
        db.execute("CREATE TABLE sources AS SELECT source, sourceLabel, aliases, affiliation, COUNT(*) AS claims "
                   "FROM claims GROUP BY source, sourceLabel")
        db.execute("CREATE TABLE entities (entity TEXT PRIMARY KEY, label TEXT, type TEXT, aliases TEXT)")
        db.executemany("INSERT INTO entities VALUES (?, ?, ?, ?)",
                       [(e, r.get("label", ""), r.get("type", ""), r.get("aliases", "")) for e, r in entities.items()])
        names = list(relations[0]) if relations else ["agent", "agentLabel", "relation", "operation", "operationLabel", "article", "evidence"]
        db.execute(f"CREATE TABLE relations ({', '.join(f'{chr(34)}{c}{chr(34)} TEXT' for c in names)})")
        db.executemany(f"INSERT INTO relations VALUES ({', '.join('?' for _ in names)})", [[r[c] for c in names] for r in relations])
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        db.executemany("INSERT INTO meta VALUES (?, ?)", [("format", FORMAT), ("stamp", stamp)])
        db.commit()
    finally:
        db.close()
    os.replace(partial, path)


def index_stamp(path: Path) -> str:
    """The stamp an index was made with ('' when there is none or it cannot be read)."""
    try:
        db = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
        try:
            rows = dict(db.execute("SELECT key, value FROM meta"))
        finally:
            db.close()
    except sqlite3.Error:
        return ""
    return rows.get("stamp", "") if rows.get("format") == FORMAT else ""
