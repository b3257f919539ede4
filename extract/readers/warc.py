"""Web archives (.warc, .warc.gz), read as a stream with warcio: each HTML response is one article,
identified by its URL. Other records are skipped and counted; a truncated archive ends with an
error naming the record it broke in, after the articles before it."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from extract.reader import ArticleError, Skipped
from extract.readers import reader
from extract.readers.html import page_article
from extract.records import Article


@reader(".warc", ".warc.gz")
def read_warc(path: Path, max_bytes: int, metadata: dict) -> Iterator[Article | ArticleError]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

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
                    raise EOFError(f"record {number} ({url}) ends early")
                charset = record.http_headers.get_header("Content-Type").partition("charset=")[2].strip() or "utf-8"
                try:
                    markup = body.decode(charset, errors="replace")
                except LookupError:
                    markup = body.decode("utf-8", errors="replace")
                try:
                    yield page_article(url, markup, [], [("record", {"url": url})], where)
                except ArticleError as error:
                    yield error
        except (ArchiveLoadFailed, EOFError, OSError, ValueError) as error:
            yield ArticleError(path, f"truncated or damaged WARC after record {number} ({error})")
    if skipped:
        yield Skipped(path, f"skipped {skipped} record{'s' if skipped != 1 else ''} that are not HTML responses")
