"""Readers by file type: each turns one file into Articles (a JSON Lines file or a WARC holds many)
with their provenance. A reader registers the suffixes it reads; read_file picks one by suffix.

Precedence of metadata: the file's own front matter or record, then metadata.csv beside it, then
the page's tags, then what the text says of itself (extract.reader.article_from_text)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterator

from extract.reader import DEFAULT_MAX_BYTES, ArticleError, Skipped
from extract.records import Article

# A reader: (path, max_bytes, the metadata.csv row for the file or {}) -> Articles, or errors for
# the records it could not read (the rest of the file goes on).
Reader = Callable[[Path, int, dict], Iterator["Article | ArticleError"]]
READERS: dict[str, Reader] = {}


def reader(*suffixes: str) -> Callable[[Reader], Reader]:
    def register(function: Reader) -> Reader:
        for suffix in suffixes:
            READERS[suffix] = function
        return function
    return register


def suffix_of(path: Path) -> str:
    """'.warc.gz' for a gzipped WARC, else the last suffix, lower-cased."""
    name = path.name.lower()
    for suffix in sorted(READERS, key=len, reverse=True):
        if name.endswith(suffix):
            return suffix
    return path.suffix.lower()


def is_article_file(path: Path) -> bool:
    return suffix_of(path) in READERS


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, metadata: dict | None = None,
              name: str | None = None) -> Iterator[Article | ArticleError]:
    """The articles of one file. name is the file's name in the article folder (its path there,
    for a file in a subfolder); records inside a file keep their own identity."""
    read = READERS.get(suffix_of(path))
    if read is None:
        yield ArticleError(path, f"no reader for {suffix_of(path) or 'files without a suffix'}")
        return
    renamed = name is not None and name != Path(path).name and not one_record_at_a_time(path)
    try:
        for found in read(Path(path), max_bytes, metadata or {}):
            if renamed and isinstance(found, Article):
                found.file_name = name
            yield found
    except ArticleError as error:
        yield error
    except Exception as error:  # noqa: BLE001  one file a parser trips on must not stop the build
        yield ArticleError(path, f"could not be read ({type(error).__name__}: {str(error)[:200]})")


def one_record_at_a_time(path: Path) -> bool:
    """Files whose articles are records inside them: their stamp says nothing of each article."""
    return suffix_of(path) in (".jsonl", ".warc", ".warc.gz")


METADATA_FILE = "metadata.csv"
CORRECTIONS_FILE = "corrections.yaml"  # corrections kept with the articles (claimgraph/corrections.py); not an article
METADATA_COLUMNS = ("file", "title", "url", "outlet", "author", "date", "language")


MISSING_LISTED = 10  # rows naming missing files listed one by one; the rest are counted


def folder_metadata(folder: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[dict[str, dict], list[ArticleError]]:
    """metadata.csv beside the articles: its rows by file name (relative to the folder), and an
    error for each row that cannot be used, naming its line. A second row for a file is refused
    (the first is kept); rows naming missing files are listed up to MISSING_LISTED and then
    counted; a row naming a file outside the folder is refused (nothing is read through it); a
    file over max_bytes is not read."""
    import csv

    path = Path(folder) / METADATA_FILE
    if not path.is_file():
        return {}, []
    size = path.stat().st_size
    if size > max_bytes:
        return {}, [ArticleError(path, f"{size} bytes is over the size limit of {max_bytes} (set --max-bytes): not read")]
    rows, errors, first_line, missing = {}, [], {}, 0
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            table = csv.DictReader(handle)
            absent = [c for c in ("file",) if c not in (table.fieldnames or [])]
            if absent:
                return {}, [ArticleError(path, f"no '{absent[0]}' column (expected {','.join(METADATA_COLUMNS)})")]
            for row in table:
                where = f"{METADATA_FILE} line {table.line_num}"
                name = (row.get("file") or "").strip()
                if not name:
                    errors.append(ArticleError(where, "no file named"))
                elif os.path.isabs(name) or ".." in name.replace("\\", "/").split("/"):
                    errors.append(Skipped(where, f"names {name!r}, outside the article folder: row ignored, "
                                                      "nothing read through it"))
                elif name in first_line:
                    errors.append(Skipped(where, f"a second row for {name!r} (the first is on line "
                                                      f"{first_line[name]}): the first is kept"))
                elif not os.path.isfile(os.path.join(folder, name)):  # os.path: a million rows take seconds
                    missing += 1
                    if missing <= MISSING_LISTED:
                        errors.append(Skipped(where, f"names {name!r}, which is not in {folder}: row ignored"))
                else:
                    first_line[name] = table.line_num
                    rows[name] = {k: (v or "").strip() or None for k, v in row.items()
                                  if k in METADATA_COLUMNS and k != "file"}
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        errors.append(ArticleError(path, f"cannot be read as CSV ({error})"))
    if missing > MISSING_LISTED:
        errors.append(Skipped(path, f"{missing - MISSING_LISTED:,} more rows name missing files: ignored"))
    return rows, errors


def document_properties(origin: str, fields: dict) -> list[tuple[str, dict]]:
    """A document's own properties (a PDF's XMP or information dictionary, a .docx's core
    properties) as one 'given' entry, leaving out the placeholders producers fill in
    ('untitled', 'Microsoft Word - draft.docx'); nothing when nothing is left."""
    import re

    from extract.lexicon import load

    placeholders = [re.compile(rule, re.I) for rule in load("documents")["placeholder"]]
    real = lambda value: not any(rule.search(str(value).strip()) for rule in placeholders)
    kept = {}
    for name, value in fields.items():
        values = value if isinstance(value, list) else [value]
        values = [v for v in values if v not in (None, "") and real(v)]
        if values:
            kept[name] = values if isinstance(value, list) else values[0]
    return [(origin, kept)] if kept else []


from extract.readers import docx, html, jsonl, pdf, plain, warc  # noqa: E402,F401  (importing registers the readers)
