"""The date a web page states for its own publication, read from its tags (JSON-LD, meta, time)
as written. trafilatura's date is not used: htmldate completes a partial date ("2014-03") with
today's day, and a date is kept at the precision it was stated with."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from extract.lexicon import load


class _DateTags(HTMLParser):
    """Collects the candidates: JSON-LD blocks, and meta and time tags naming a publication date."""

    def __init__(self, rules: dict):
        super().__init__(convert_charrefs=True)
        self.meta_names = [name.lower() for name in rules["meta"]]
        self.time_marks = {mark.lower() for mark in rules["time"]}
        self.meta: dict[str, str] = {}
        self.times: list[str] = []
        self.json_ld: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attributes = {name.lower(): value or "" for name, value in attrs}
        if tag == "meta":
            for key in ("property", "name", "itemprop"):
                name = attributes.get(key, "").strip().lower()
                if name in self.meta_names and attributes.get("content", "").strip():
                    self.meta.setdefault(name, attributes["content"].strip())
        elif tag == "time" and attributes.get("datetime", "").strip():
            marks = {attributes.get("itemprop", "").lower(), *attributes.get("class", "").lower().split()}
            if "pubdate" in attributes or marks & self.time_marks:
                self.times.append(attributes["datetime"].strip())
        elif tag == "script" and attributes.get("type", "").strip().lower() == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data


def _find_key(value, keys: list[str], depth: int = 0):
    """The first value under one of keys, in keys' order, anywhere in a JSON-LD document."""
    if depth > 20:  # a page's own nesting goes a few levels deep, not more
        return None
    for key in keys:
        if isinstance(value, dict) and value.get(key) not in (None, "", []):
            return value[key]
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    for child in children:
        found = _find_key(child, keys, depth + 1)
        if found is not None:
            return found
    return None


def stated_date(markup: str):
    """The page's own date of publication as written (a string, or whatever JSON-LD holds), or None."""
    rules = load("page_dates")
    tags = _DateTags(rules)
    tags.feed(markup)
    tags.close()
    for block in tags.json_ld:
        try:
            found = _find_key(json.loads(block), rules["json_ld"])
        except (ValueError, RecursionError):  # a page's broken JSON-LD says nothing
            continue
        if found is not None:
            return found
    for name in tags.meta_names:
        if name in tags.meta:
            return tags.meta[name]
    return tags.times[0] if tags.times else None
