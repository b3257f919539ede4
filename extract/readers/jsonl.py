"""JSON Lines: one article a line, with keys text, url, title, outlet, author, date and id. The
article's identity (the `article` column of the saved queries) is its id, or else its url."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from extract.reader import ArticleError, Skipped, article_from_text, decode, read_bytes
from extract.readers import reader
from extract.records import Article


def record_article(where: str, record: dict, warnings: list[str]) -> Article:
    if not isinstance(record, dict):
        raise ArticleError(where, "not a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ArticleError(where, "no text")
    identity = record.get("id") or record.get("url")
    if not identity:
        raise ArticleError(where, "neither an id nor a url to name the article by")
    fields = {key: record.get(key) for key in ("title", "url", "outlet", "author", "date", "language")}
    return article_from_text(str(identity), text, warnings, [("record", fields)], where)


@reader(".jsonl")
def read_jsonl(path: Path, max_bytes: int, metadata: dict) -> Iterator[Article | ArticleError]:
    text, warnings = decode(read_bytes(path, max_bytes), path)
    first_seen: dict[str, tuple[int, str]] = {}  # each article id's first line and content hash
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name} line {number}"
        try:
            record = json.loads(line)
        except ValueError as error:
            yield ArticleError(where, f"not JSON ({error})")
            continue
        except RecursionError:
            yield ArticleError(where, "not JSON that can be read (nested too deeply)")
            continue
        try:
            article = record_article(where, record, warnings if number == 1 else [])
        except ArticleError as error:
            yield error
            continue
        first = first_seen.setdefault(article.file_name, (number, article.sha256))
        if first[0] != number:  # the graph names an article by its id: two records cannot share one
            same = first[1] == article.sha256
            yield (Skipped if same else ArticleError)(
                where, f"id {article.file_name!r} again, {'the same record' if same else 'with another text'} "
                       f"as line {first[0]}: the first is kept")
            continue
        yield article
