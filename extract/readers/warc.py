"""Web archives (.warc, .warc.gz), read as a stream with warcio: each HTML response is one article,
identified by its URL. Other records are skipped and counted; a truncated or damaged archive ends
with an error naming the record it broke in, after the articles before it, which are kept. A
record whose charset cannot be used is read as UTF-8, with a warning."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path
from typing import Iterator

from extract.reader import ArticleError, Skipped
from extract.readers import reader
from extract.readers.html import page_article
from extract.records import Article


@reader(".warc", ".warc.gz")
def read_warc(path: Path, max_bytes: int, metadata: dict) -> Iterator[Article | ArticleError]:
    from warcio.archiveiterator import ArchiveIterator

    skipped, number = 0, 0
    try:
        handle = open(path, "rb")
    except OSError as error:
        raise ArticleError(path, f"cannot be opened ({error.strerror or error})") from None
    with handle:
        try:
            for number, record in enumerate(ArchiveIterator(handle), start=1):
                content_type = (record.http_headers.get_header("Content-Type") or "") if record.http_headers else ""
                if record.rec_type != "response" or "html" not in content_type.lower():
                    skipped += 1
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI") or f"{path.name}#{number}"
                where = f"{path.name} record {number} ({url})"
                body = record.content_stream().read(max_bytes + 1)
                if len(body) > max_bytes:
                    yield ArticleError(where, f"over the size limit of {max_bytes} bytes (set --max-bytes)")
                    continue
                if getattr(record.raw_stream, "limit", 0) > 0:  # the record's stated length was not there to read
                    yield ArticleError(path, f"truncated: record {number} ({url}) ends early; the records before it "
                                             "are kept")
                    return
                markup, warnings = _decoded(body, content_type, where)
                try:
                    yield page_article(url, markup, warnings, [("record", {"url": url})], where)
                except ArticleError as error:
                    yield error
        except Exception as error:  # noqa: BLE001  warcio raises whatever a damaged header makes it trip on
            yield ArticleError(path, f"truncated or damaged: record {number + 1} cannot be read (its header is cut "
                                     f"off or broken: {type(error).__name__}: {error}); the records before it are kept")
            return
    if path.name.lower().endswith(".gz") and not _gzip_complete(path):  # warcio stops quietly inside a member
        yield ArticleError(path, f"truncated: the archive ends inside a compressed record after record {number}; "
                                 "the records before it are kept")
    if skipped:
        yield Skipped(path, f"skipped {skipped} record{'s' if skipped != 1 else ''} that are not HTML responses")


def _decoded(body: bytes, content_type: str, where: str) -> tuple[str, list[str]]:
    """A record's body as text by its stated charset; a charset that is unknown or cannot decode
    (idna, rot13) falls back to UTF-8 for this record alone, with a warning."""
    charset = content_type.partition("charset=")[2].split(";")[0].strip().strip('"\'') or "utf-8"
    try:
        return body.decode(charset, errors="replace"), []
    except (LookupError, UnicodeError, ValueError, TypeError):
        return body.decode("utf-8", errors="replace"), [f"{where}: charset {charset[:40]!r} cannot be used: read as UTF-8"]


def _gzip_complete(path: Path) -> bool:
    """Whether every gzip member of the file is whole (a cut one ends without its trailer)."""
    try:
        with gzip.open(path, "rb") as stream:
            while stream.read(1 << 20):
                pass
    except (EOFError, OSError, zlib.error):
        return False
    return True
