"""Web pages: the main text by trafilatura (navigation, footers and newsletter boxes dropped), and
the metadata publishers put in their tags (og:site_name, author, article:published_time,
link rel=canonical, JSON-LD NewsArticle), which trafilatura reads too. The page is untrusted: it
is parsed, never run, and only its text and these fields are kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from extract.reader import ArticleError, article_from_text, decode, read_bytes
from extract.readers import reader
from extract.readers.page_date import stated_date
from extract.records import Article


def page_article(name: str, markup: str, warnings: list[str], given: list[tuple[str, dict]], where: str | None = None) -> Article:
    """An Article from a page's markup; where names the file (and record) in messages."""
    import trafilatura  # lxml and its friends load only when a page is read

    from trafilatura.utils import load_html

    where = where or name
    try:
        tree = load_html(markup)
        language = page_language(tree) if tree is not None else None
        found = trafilatura.bare_extraction(tree if tree is not None else markup, with_metadata=True, include_comments=False, include_tables=True,
                                            date_extraction_params={"extensive_search": False, "original_date": True})
    except Exception as error:  # a page lxml cannot make sense of
        raise ArticleError(where, f"not a readable web page ({error})") from None
    fields = found.as_dict() if found is not None and hasattr(found, "as_dict") else (found or {})
    text = (fields.get("text") or "").strip()
    if not text:
        raise ArticleError(where, "web page with no main text")
    title = (fields.get("title") or "").strip()
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"  # the first line is the title, as in a plain file
    page = {"title": title or None, "url": fields.get("url"), "outlet": fields.get("sitename"),
            "author": fields.get("author"), "date": stated_date(markup), "language": language or fields.get("language")}
    if page["author"]:
        page["author"] = [part.strip() for part in str(page["author"]).split(";") if part.strip()]
    return article_from_text(name, text + "\n", warnings, [*given, ("page", page)], where)


def page_language(tree) -> str | None:
    """The language a page declares for its article: JSON-LD inLanguage (the article's own), else
    <html lang> (often the site's)."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for item in data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []:
            declared = item.get("inLanguage") if isinstance(item, dict) else None
            if isinstance(declared, dict):  # a schema:Language node
                declared = declared.get("alternateName") or declared.get("name")
            if isinstance(declared, str) and declared.strip():
                return declared.strip()
    root = tree.getroottree().getroot()
    declared = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    return declared.strip() if declared and declared.strip() else None


@reader(".html", ".htm")
def read_html(path: Path, max_bytes: int, metadata: dict) -> Iterator[Article]:
    markup, warnings = decode(read_bytes(path, max_bytes), path)
    yield page_article(path.name, markup, warnings, [("metadata.csv", metadata)] if metadata else [])
