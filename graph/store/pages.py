"""Paging and formatting a SELECT's results: the role of ClaimStore that writes what a reader asked
for (W3C CSV or JSON from the backend, or a plain table), a page at a time."""

from __future__ import annotations

from typing import BinaryIO


class ResultPages:
    """Mixed into ClaimStore: needs self.engine and self.select."""

    def write_results(self, text: str, fmt: str, output: BinaryIO, bindings: dict | None = None) -> None:
        """A SELECT's results to a binary stream as W3C CSV (its cells spreadsheet-safe) or JSON,
        serialised by the engine itself as it reads them, or as a plain table."""
        from graph.queries import QueryError

        if fmt not in ("csv", "json", "table"):
            raise QueryError(f"unknown format {fmt!r}: use csv, json or table")
        if fmt == "table":
            self._write_table(text, self.select(text, bindings), output)
            return
        if fmt == "csv":  # for people, who open it in spreadsheets: no cell a formula
            from graph.spreadsheet import SafeCsvStream

            safe = SafeCsvStream(output)
            self.engine.write_results(text, fmt, safe, bindings)
            safe.close()
            return
        self.engine.write_results(text, fmt, output, bindings)

    @staticmethod
    def _write_table(text: str, rows: list[dict[str, str]], output: BinaryIO) -> None:
        from graph.queries import projection, table

        names = list(rows[0]) if rows else projection(text)
        output.write(table(names, [[row[name] for name in names] for row in rows]).encode("utf-8"))

    def write_page(self, text: str, fmt: str, output: BinaryIO, bindings: dict | None = None,
                   limit: int = 0, offset: int = 0) -> bool:
        """One page of a SELECT's results (limit 0: all rows after offset) written as
        write_results writes them; True when more rows follow. The engine is asked for one row more
        than the page, so a sorted query is evaluated once, not again to look past the page."""
        import io
        import json

        from graph.queries import csv_records, paged

        if limit <= 0:
            self.write_results(paged(text, 0, offset), fmt, output, bindings)
            return False
        one_more = paged(text, limit + 1, offset)
        if fmt == "table":
            rows = self.select(one_more, bindings)
            self._write_table(text, rows[:limit], output)
            return len(rows) > limit
        buffer = io.BytesIO()
        self.write_results(one_more, fmt, buffer, bindings)
        data = buffer.getvalue()
        if fmt == "csv":
            header, _, body = data.partition(b"\r\n")
            records = list(csv_records(body))
            output.write(header + b"\r\n" + b"".join(records[:limit]))
            return len(records) > limit
        results = json.loads(data)
        more = len(results["results"]["bindings"]) > limit
        if more:  # written again in the engine's own compact form, without the row past the page
            del results["results"]["bindings"][limit:]
            data = json.dumps(results, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        output.write(data)
        return more
