"""Plain text and Markdown, with optional YAML front matter between '---' lines."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import yaml

from extract.reader import ArticleError, article_from_text, decode, read_bytes
from extract.readers import reader
from extract.records import Article

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)
FRONT_MATTER_KEYS = {"title", "url", "outlet", "author", "date", "language", "id"}


class FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML without aliases, and with dates left as written: an alias bomb (a few hundred
    bytes that expand to gigabytes) is refused at its first alias, and a date is read by
    extract.reader.iso_date at its own precision instead of PyYAML's timestamp (which raises on
    2024-13-45)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in front matter",
                                              event.start_mark)
        return super().compose_node(parent, index)


FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def split_front_matter(path: Path, text: str) -> tuple[dict, str]:
    """The front matter's fields and the text after it. Malformed front matter is an error that
    names the line."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.startswith("---"):
        return {}, text
    match = FRONT_MATTER.match(text)
    if match is None:
        raise ArticleError(path, "front matter opened with '---' on line 1 is never closed by a '---' line")
    try:
        fields = yaml.load(match.group(1), Loader=FrontMatterLoader) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" on line {mark.line + 2}" if mark is not None else ""
        raise ArticleError(path, f"malformed front matter{where}: {getattr(error, 'problem', None) or error}") from None
    except RecursionError:
        raise ArticleError(path, "malformed front matter: nested too deeply") from None
    if not isinstance(fields, dict):
        raise ArticleError(path, "malformed front matter: expected 'key: value' lines")
    unknown = sorted(set(map(str, fields)) - FRONT_MATTER_KEYS)
    fields = {str(k): v for k, v in fields.items() if str(k) in FRONT_MATTER_KEYS}
    if unknown:
        fields["_unknown"] = unknown
    return fields, text[match.end():]


@reader(".txt", ".text", ".md")
def read_plain(path: Path, max_bytes: int, metadata: dict) -> Iterator[Article]:
    text, warnings = decode(read_bytes(path, max_bytes), path)
    fields, body = split_front_matter(path, text)
    unknown = fields.pop("_unknown", [])
    if unknown:
        warnings.append(f"{path.name}: front matter keys ignored: {', '.join(unknown)}")
    given = [("front matter", fields)] if fields else []
    if metadata:
        given.append(("metadata.csv", metadata))
    yield article_from_text(path.name, body, warnings, given)
