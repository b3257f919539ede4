"""The live explorer's read-only JSON API and page, answered from a build's claim index: the same
page as the offline explorer.html, whose data then comes in pages from the whole build.

  /                     the explorer page (its embedded top claims paint first; then it asks the API)
  /api/claims           ?q=&source=&flow=&lang=&article=&from=&to=&offset=&limit=  a page of claims
  /api/claims.csv       the same filter, every matching row of the claims table, as CSV
  /api/sources          every source with its number of claims
  /api/entity?iri=      an entity's names, its claims (a page) and its relations
  /api/claim?iri=       one claim with its evidence"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import tempfile
import threading
from pathlib import Path

from graph.spreadsheet import safe_rows
from graph.serve.claim_index import INDEX_NAME, ClaimFilter, ClaimIndex, claim_node, index_stamp, source_node, write_index

JSON = "application/json; charset=utf-8"
# the served page may ask its own server for data; the offline file may not ask anything
LIVE_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
            "font-src data:; connect-src 'self'")


class ApiError(ValueError):
    pass


def _one(params: dict[str, list[str]], name: str, default: str = "") -> str:
    values = params.get(name) or [default]
    return values[0]


def _int(params: dict[str, list[str]], name: str, default: int) -> int:
    text = _one(params, name, str(default))
    if not re.fullmatch(r"\d{1,9}", text):
        raise ApiError(f"{name} must be a whole number, not {text[:40]!r}")
    return int(text)


def claim_filter(params: dict[str, list[str]]) -> ClaimFilter:
    return ClaimFilter(q=_one(params, "q")[:500], source=_one(params, "source"), flow=_one(params, "flow"),
                       language=_one(params, "lang"), article=_one(params, "article"),
                       since=_one(params, "from"), until=_one(params, "to"))


def answer(index: ClaimIndex, path: str, params: dict[str, list[str]]) -> tuple[int, str, bytes]:
    """(status, media type, body) for one API request."""
    try:
        if path == "/api/claims":
            page = index.claims(claim_filter(params), _int(params, "offset", 0), _int(params, "limit", 100))
            rows = page.pop("rows")
            page["nodes"] = [claim_node(row) for row in rows]
            page["sources"] = {row["source"]: source_node(row) for row in rows}
            return _json(page)
        if path == "/api/claims.csv":
            return 200, "text/csv; charset=utf-8", _csv(index, claim_filter(params))
        if path == "/api/sources":
            return _json({"sources": index.sources()})
        if path == "/api/entity":
            found = index.entity(_one(params, "iri"))
            if found is not None:
                found["claims"] = [claim_node(row) for row in found["claims"]]
            return (404, "text/plain", b"no such entity") if found is None else _json(found)
        if path == "/api/claim":
            found = index.claim(_one(params, "iri"))
            return (404, "text/plain", b"no such claim") if found is None else _json(claim_node(found))
    except ApiError as error:
        return 400, "text/plain", str(error).encode("utf-8")
    return 404, "text/plain", b"no such page: see / and /api/claims, /api/claims.csv, /api/sources, /api/entity, /api/claim"


def _json(value) -> tuple[int, str, bytes]:
    return 200, JSON, json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _csv(index: ClaimIndex, wanted: ClaimFilter) -> bytes:
    """The claims table's rows that match, with its header, as the build's claims.csv holds them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(index.table_columns)
    writer.writerows(safe_rows(index.table_rows(wanted)))
    return buffer.getvalue().encode("utf-8")


def live_page(offline: str) -> str:
    """The offline explorer page, told that it is served: it may ask its server for data."""
    page = re.sub(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">',
                  f'<meta http-equiv="Content-Security-Policy" content="{LIVE_CSP}">', offline, count=1)
    return page.replace('<script type="application/json" id="graph-data">',
                        '<script type="application/json" id="live">{"api": "api/"}</script>\n'
                        '<script type="application/json" id="graph-data">', 1)


class LiveExplorer:
    """The page and the index of the build in OUT, made again when a new build lands."""

    def __init__(self, out: Path, table_of, store_of):
        self.out = Path(out)
        self.table_of, self.store_of = table_of, store_of  # the build's claims table and store, when current
        self.lock = threading.Lock()
        self.stamp, self.index, self.page = None, None, b""

    def current(self, stamp: str) -> tuple[ClaimIndex | None, bytes]:
        with self.lock:
            if stamp != self.stamp:
                self.index, self.page = self._load(stamp)
                self.stamp = stamp
            return self.index, self.page

    def _load(self, stamp: str) -> tuple[ClaimIndex | None, bytes]:
        explorer = self.out / "explorer.html"
        page = live_page(explorer.read_text(encoding="utf-8")).encode("utf-8") if explorer.exists() else b""
        table = self.table_of(self.out / "graph.trig")
        if table is None:
            return None, page
        path = self.out / INDEX_NAME
        if index_stamp(path) != stamp:
            try:
                write_index(path, table, self.store_of(self.out / "graph.trig"), stamp)
            except OSError:  # a build folder one may not write to: the index goes to a folder of one's own
                path = Path(tempfile.gettempdir()) / f"claimgraph-{hashlib.sha256(str(self.out.resolve()).encode()).hexdigest()[:12]}" / INDEX_NAME
                path.parent.mkdir(exist_ok=True)
                if index_stamp(path) != stamp:
                    write_index(path, table, self.store_of(self.out / "graph.trig"), stamp)
        return ClaimIndex(path), page
