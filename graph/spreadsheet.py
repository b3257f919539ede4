"""CSV cells a spreadsheet will not run (CSV injection, as OWASP describes it).

A cell that starts with = + - @, a tab or a carriage return is taken for a formula by Excel,
LibreOffice and Google Sheets: `=HYPERLINK("http://evil.example","x")` in an article's title would
become a live link. Every CSV this project writes for people (the build's OUT/*.csv tables and
`claimgraph query --format csv`) puts a single quote before such a cell, which spreadsheets show as
text. A number ('-12.5') is left alone. The quote is added reversibly: a cell that already starts
with quotes before a formula character gets one more, so spreadsheet_value gives back the exact
text. JSON and the SPARQL endpoint's results are never changed."""

from __future__ import annotations

import csv
import io
import re
from typing import BinaryIO, Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FIRST_TO_LOOK_AT = frozenset("".join(FORMULA_STARTS) + "'")  # any other first character: the cell is text
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
# a record that may hold a cell to neutralise: a formula character after a separator (one is put
# before the record), behind quotes (a quoted cell's opening quote, the neutralising quote) or not
_MAYBE_FORMULA = re.compile(rb",\"?'*[=+\-@\t\r]")


def _formula_like(cell: str) -> bool:
    return cell.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(cell)


def spreadsheet_safe(cell: str) -> str:
    """The cell as a spreadsheet shows it as text: a quote before a formula."""
    if not cell or cell[0] not in _FIRST_TO_LOOK_AT:  # most cells: decided by their first character
        return cell
    return "'" + cell if _formula_like(cell.lstrip("'")) else cell


def spreadsheet_value(cell: str) -> str:
    """The exact text of a cell that spreadsheet_safe wrote."""
    return cell[1:] if cell.startswith("'") and _formula_like(cell.lstrip("'")) else cell


def safe_record(record: bytes) -> bytes:
    """One CSV record (with its line end) with every cell spreadsheet-safe; the same bytes when
    no cell needs it, so an engine's CSV is changed only where it must be."""
    if not _MAYBE_FORMULA.search(b"," + record.removesuffix(b"\r\n")):  # its own line end is no cell
        return record
    cells = next(csv.reader(io.StringIO(record.decode("utf-8"), newline="")), [])
    safe = [spreadsheet_safe(cell) for cell in cells]
    if safe == cells:
        return record
    text = io.StringIO(newline="")
    csv.writer(text, lineterminator="\r\n").writerow(safe)
    written = text.getvalue().encode("utf-8")
    return written if record.endswith(b"\r\n") else written[:-2]


def safe_rows(rows: Iterable[Sequence[str]]) -> list[list[str]]:
    return [[spreadsheet_safe(cell) for cell in row] for row in rows]


def real_values(row: Iterable[str]) -> list[str]:
    """A row's cells as the engine gave them, before they were made spreadsheet-safe."""
    return [spreadsheet_value(cell) for cell in row]


class SafeCsvStream:
    """A binary stream that passes W3C CSV on to output with every cell spreadsheet-safe, a
    whole record at a time (a record ends at a line end outside quotes), as it is written. The
    engine writes a cell at a time: the records are looked at a block at a time."""

    BLOCK = 1 << 20

    def __init__(self, output: BinaryIO):
        self.output = output
        self.chunks: list[bytes] = []
        self.size = 0
        self.record: list[bytes] = []  # the lines of the record not yet ended
        self.quotes = 0

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        self.size += len(data)
        if self.size >= self.BLOCK:
            self._pass_on(final=False)
        return len(data)

    def _pass_on(self, final: bool) -> None:
        lines = b"".join(self.chunks).split(b"\r\n")
        pending = lines.pop()  # the text after the last line end
        out = []
        for line in lines:
            self.record.append(line)
            self.quotes += line.count(b'"')
            if self.quotes % 2 == 0:
                out.append(safe_record(b"\r\n".join(self.record) + b"\r\n"))
                self.record, self.quotes = [], 0
        if final and (pending or self.record):  # a last record without its line end
            out.append(safe_record(b"\r\n".join([*self.record, pending])))
            self.record, self.quotes, pending = [], 0, b""
        self.output.write(b"".join(out))
        self.chunks, self.size = ([pending] if pending else []), len(pending)

    def close(self) -> None:
        """Writes what is left."""
        self._pass_on(final=True)

    def flush(self) -> None:
        self.output.flush()
