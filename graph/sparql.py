"""SPARQL lives in .rq files: each stage keeps its queries in a queries/ folder beside its modules."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Iterator


class QueryError(ValueError):
    pass


@cache
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def load_query(module_file: str, name: str) -> str:
    """The text of queries/NAME.rq in the folder of the module whose __file__ is given."""
    return _read(Path(module_file).resolve().parent / "queries" / f"{name}.rq")


# what a query's keywords are once its strings, IRIs and comments are blanked out
_NOT_KEYWORDS = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"'
                           r"|'(?:[^'\\\n]|\\.)*'|<[^<>\"{}|^`\\\s]*>|#[^\n]*")


def blanked(query: str) -> str:
    """The query with its strings, IRIs and comments blanked out by as many spaces: its keywords
    and brackets, at the same offsets as in the query."""
    return _NOT_KEYWORDS.sub(lambda found: " " * len(found.group(0)), query)


def csv_records(data: bytes) -> Iterator[bytes]:
    """The records of CSV rows, each with its line end. A record ends at a line end outside quotes:
    where the quotes before it in the record are even in number (a cell's own quotes are doubled)."""
    record: list[bytes] = []
    quotes = 0
    for line in data.split(b"\r\n"):
        record.append(line)
        quotes += line.count(b'"')
        if quotes % 2 == 0:
            text = b"\r\n".join(record)
            if text:
                yield text + b"\r\n"
            record, quotes = [], 0
    if record and b"".join(record):
        raise QueryError("a CSV record ends inside quotes")
