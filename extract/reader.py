"""Reads an article file into an Article: decoding, page furniture and self-stated metadata."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from datetime import date, datetime
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from .language import detect_language, language_tag
from .lexicon import load
from .periods import date_joiners, month_number
from .records import Article, TextSpan

DEFAULT_MAX_BYTES = 20_000_000


class ArticleError(ValueError):
    """A file that cannot be read as an article. The message names the file and the problem."""

    def __init__(self, path: Path | str, problem: str):
        super().__init__(f"{Path(path).name if isinstance(path, Path) else path}: {problem}")
        self.path = Path(path)
        self.problem = problem


class Skipped(ArticleError):
    """Something read past on purpose (a WARC's non-HTML records): a note, not a failure."""


BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"), (b"\xef\xbb\xbf", "utf-8"))
CONTROL_SHARE = 0.05  # text has almost no control characters besides tab and line breaks
LETTER_SHARE = 0.2  # and a good part of it is letters
LONGEST_LINE = 100_000  # characters: a longer "line" is a dump, not prose (the parser's cost grows with it)
DIGIT_SHARE = 0.5


def decode(data: bytes, path: Path) -> tuple[str, list[str]]:
    """Bytes -> text: by the byte order mark (UTF-8, UTF-16, UTF-32), else UTF-8, else cp1252
    or latin-1 with a warning. Data that is not text is refused, judged by its share of control
    characters and letters."""
    text, warnings = None, []
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                raise ArticleError(path, f"starts with a {encoding} byte order mark but is not {encoding}") from None
            break
    if text is None:
        if b"\x00" in data[:8192]:
            raise ArticleError(path, "binary file (NUL bytes), not text")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text, warnings = data.decode("cp1252"), [f"{path.name}: not UTF-8, decoded as cp1252"]
            except UnicodeDecodeError:
                text, warnings = data.decode("latin-1"), [f"{path.name}: not UTF-8, decoded as latin-1"]
    refuse_non_text(text, path)
    return text, warnings


# C0 controls but tab, line feed, form feed and carriage return; DEL and the C1 controls
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def refuse_non_text(text: str, path: Path) -> None:
    """ArticleError for what decodes but is not prose: binary data, a dump of digits or symbols.
    Characters are counted by regex and str methods mapped in C: a loop in Python over every
    character cost a fifth of the reading."""
    sample = text[:65536]
    if not sample.strip():
        return
    control = len(CONTROL_CHARACTER.findall(sample))
    if control > CONTROL_SHARE * len(sample):
        raise ArticleError(path, f"binary data, not text ({control / len(sample):.0%} control characters)")
    visible = len(sample) - sum(map(str.isspace, sample))
    letters = sum(map(str.isalpha, sample))  # a space is never a letter nor a digit
    if visible and letters < LETTER_SHARE * visible:
        digits = sum(map(str.isdigit, sample))
        what = "mostly digits" if digits > DIGIT_SHARE * visible else "mostly symbols"
        raise ArticleError(path, f"not prose: {what} ({letters / visible:.0%} letters)")


class _TextOfHtml(HTMLParser):
    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "header", "footer", "title"}
    SKIP = {"script", "style", "noscript", "template", "svg", "iframe", "nav", "aside"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _TextOfHtml()
    parser.feed(markup)
    parser.close()
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in "".join(parser.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def looks_like_html(text: str) -> bool:
    head = text[:2000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or bool(re.search(r"<(body|p|div|head)[\s>]", head))


@cache
def _furniture_rules():
    rules = load("furniture")
    compile_all = lambda patterns: [re.compile(p, re.IGNORECASE) for p in patterns]
    return compile_all(rules["cut_from"]), compile_all(rules["drop_line"])


def find_furniture(text: str) -> list[TextSpan]:
    """Spans of page furniture, found line by line with the rules in furniture.yaml."""
    cut_from, drop_line = _furniture_rules()
    spans: list[TextSpan] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            if any(rule.search(stripped) for rule in cut_from):
                spans.append(TextSpan(offset, len(text), text[offset:]))
                break
            if any(rule.search(stripped) for rule in drop_line):
                spans.append(TextSpan(offset, offset + len(line), line))
        offset += len(line)
    return spans


def blank_out(text: str, spans: list[TextSpan]) -> str:
    """Replace spans by spaces, keeping newlines, so every offset stays valid."""
    chars = list(text)
    for span in spans:
        for i in range(span.start, span.end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def _first_match(patterns: list[str], text: str) -> str | None:
    for pattern in patterns:
        match = re.search(pattern, text, re.MULTILINE)
        if match:
            return match.group("name").strip().rstrip(".,;:")
    return None


def read_dateline(content: str, language: str = "en") -> tuple[bool, str | None]:
    """Whether the body opens with a dateline, and the outlet named in it ('(AP)')."""
    pattern = re.compile(load("outlets", language)["dateline"])
    for line in content.splitlines()[1:8]:
        match = pattern.match(line.strip())
        if match:
            return True, (match.group("name") or "").strip() or None
    return False, None


def read_metadata(text: str, content: str, language: str = "en") -> dict:
    """What the text says of itself: title (its first line), byline, outlet, dateline and date, by
    its language's rules (extract/data/es/outlets.yaml: "Villa Arroyo, Ocampo, a 3 de marzo de 2021.-")."""
    rules = load("outlets", language)
    title = next((line.strip() for line in content.splitlines() if line.strip()), None)
    has_dateline, wire = read_dateline(content, language)
    author = _first_match(rules["author"], text)
    if author and author.isupper():  # "BY MIMI YAGOUB"
        author = author.title()
    return {
        "title": title,
        "dateline": has_dateline,
        "outlet": _first_match(rules["outlet"], text) or wire or _first_match(rules.get("credit", []), text),
        "aggregator": _first_match(rules["aggregator"], text),
        "author": author,
        "date": _first_match(rules["date"], text),
    }


GIVEN_FIELDS = ("title", "url", "outlet", "author", "date", "language")


def _authors(value) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else re.split(r"\s*(?:;|\band\b|&)\s*", str(value))
    return [str(item).strip() for item in items if str(item).strip()]


def article_from_text(file_name: str, text: str, warnings: list[str] | None = None,
                      given: list[tuple[str, dict]] = (), where: str | None = None,
                      page_starts: list[tuple[int, int]] = ()) -> Article:
    """An Article from its text. given holds what is known of it from outside the text, as
    (origin, fields) in order of precedence: front matter or record, then metadata.csv, then the
    page's tags. What none of them says is read from the text itself. where names the file (and
    record) in warnings. page_starts: a paged document's (offset, page number) where each page's
    text begins."""
    where = where or file_name
    warnings = list(warnings or [])
    as_read = text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise ArticleError(file_name, "empty or whitespace-only file")
    if looks_like_html(text):
        text = html_to_text(text)
    longest = max(map(len, text.split("\n")), default=0)
    if longest > LONGEST_LINE:  # the parser's time grows past all reason with one endless sentence
        raise ArticleError(file_name, f"a line of {longest:,} characters (over {LONGEST_LINE:,}): not prose; "
                                      "split it into paragraphs")
    furniture = find_furniture(text)
    content = blank_out(text, furniture)
    if not content.strip():
        raise ArticleError(file_name, "nothing but page furniture")
    provenance: dict[str, str] = {}
    known: dict[str, object] = {}
    for origin, fields in given:
        for name in GIVEN_FIELDS:
            value = fields.get(name)
            if name not in known and value not in (None, "", []):
                if name == "date":
                    value = _stated_date(value, f"{where}: the {origin}'s date", warnings)
                    if value is None:
                        continue
                elif name != "author":
                    value = _stated_text(value, where, f"the {origin}'s {name}")
                known[name] = value
                provenance[name] = origin
    language = _article_language(where, known, content, provenance, warnings)
    meta = read_metadata(text, content, language or "en")  # the text's own words, in its language
    for name in ("title", "outlet", "author", "date"):
        if meta.get(name):
            provenance.setdefault(name, "text")
    authors = _authors(known["author"]) if "author" in known else _authors(meta["author"])
    meta.update({name: value for name, value in known.items() if name not in ("author", "language")})
    meta["author"] = authors[0] if authors else None
    if meta.get("outlet") and provenance.get("outlet") != "text":
        meta["aggregator"] = None  # a stated outlet is the publisher, whatever the text says of aggregators
    if provenance.get("date") == "text":
        meta["date"] = _stated_date(meta["date"], f"{where}: the date in the text", warnings)
        if meta["date"] is None:
            del provenance["date"]
    if page_starts and text != as_read:  # offsets moved: the pages would be wrong
        warnings.append(f"{where}: its text was changed on reading; page numbers left out")
        page_starts = ()
    digest = hashlib.sha256(text.encode("utf-8"))
    if known:  # the same text with other metadata is another article
        digest.update(b"\0" + json.dumps(known, sort_keys=True, default=str).encode("utf-8"))
    if page_starts:  # and the same text on other pages
        digest.update(b"\0pages" + json.dumps(list(page_starts)).encode("utf-8"))
    return Article(
        file_name=file_name,
        text=text,
        sha256=digest.hexdigest(),
        content=content,
        furniture=furniture,
        warnings=warnings,
        authors=authors,
        language=language,
        provenance=provenance,
        page_starts=[tuple(start) for start in page_starts],
        **meta,
    )


def _article_language(where: str, known: dict, content: str, provenance: dict, warnings: list[str]) -> str | None:
    """The article's language as a two-letter code: the metadata's, else the detector's. None when
    neither says (the build then reads it as its default language); a warning says why."""
    given = known.get("language")
    if given is not None:
        code = language_tag(given)
        if code is not None:
            return code
        warnings.append(f"{where}: language {str(given)!r} in its {provenance['language']} is not a language tag; "
                        "detected from the text instead")
    code, probability = detect_language(content)
    if code is None:
        provenance.pop("language", None)
        warnings.append(f"{where}: its language could not be told from the text (detector's best guess at "
                        f"{probability:.2f}); give it as `language` in the metadata")
        return None
    provenance["language"] = "detected"
    return code


class NotADate(ValueError):
    """A stated date that cannot be read as one: it is left out, never kept as text or completed."""


DATE_AT_PRECISION = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?=$|[T ]\d)")


def named_key(sha256: str, names: list[str]) -> str:
    """The key an article is built under: its text's (and metadata's) hash with the names it is
    read under, which its graph states; the same text under other names is another graph."""
    return hashlib.sha256(json.dumps([sha256, sorted(names)]).encode("utf-8")).hexdigest()


def iso_date(value) -> str | None:
    """A stated date as ISO 8601 at the precision it was given: YYYY-MM-DD, YYYY-MM or YYYY
    ("2024-08-17T10:00:00Z", "2014-03", "2014", "March 9, 2011", "9 March 2011", "March 2014").
    Nothing is completed: a month stays a month. NotADate for what is not a real date
    (2024-13-45, {"y": 2024}, "last spring")."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise NotADate(f"{value!r} is not a date")
    words = value.strip()
    match = DATE_AT_PRECISION.match(words)
    if match:
        year, month, day = match.groups()
    else:
        year, month, day = _date_in_words(words)
    if year is None:
        raise NotADate(f"{words!r} is not a date (expected YYYY-MM-DD, YYYY-MM, YYYY or 'March 9, 2011')")
    try:  # the calendar says whether the month and day exist
        date(int(year), int(month or 1), int(day or 1))
    except ValueError as error:
        raise NotADate(f"{words!r} is not a date ({error})") from None
    return "-".join(f"{int(part):0{width}d}" for part, width in ((year, 4), (month, 2), (day, 2)) if part)


def _stated_date(value, what: str, warnings: list[str]) -> str | None:
    """value as an ISO date at its precision, or None with a warning saying what was left out."""
    try:
        return iso_date(value)
    except NotADate as problem:
        warnings.append(f"{what} {problem}: left out")
        return None


def _stated_text(value, where: str, what: str) -> str:
    """A stated title, url, outlet or language as text; ArticleError for a list or a mapping."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ArticleError(where, f"{what} is a {type(value).__name__} ({str(value)[:80]}), not a text")
    return str(value)


def _date_in_words(words: str) -> tuple[str | None, str | None, str | None]:
    """(year, month, day) of 'March 9, 2011', '9 March 2011', 'March 2014', '9 de marzo de 2011' or
    '12 de agosto, 2016'; Nones if it is none of them."""
    words = date_joiners().sub(" ", words)  # "3 de marzo de 2021" -> "3 marzo 2021"
    match = (re.match(r"(?P<month>[^\W\d_]+)\.? (?P<day>\d{1,2}),? (?P<year>\d{4})$", words)
             or re.match(r"(?P<day>\d{1,2}) (?P<month>[^\W\d_]+)\.?,? (?P<year>\d{4})$", words)
             or re.match(r"(?P<month>[^\W\d_]+)\.?,? (?P<year>\d{4})$", words))
    if match is None:
        return None, None, None
    month = month_number(match.group("month"))
    if month is None:
        return None, None, None
    return match.group("year"), str(month), match.groupdict().get("day")


def read_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """A file's bytes, or ArticleError naming the file and the problem. Size and type are checked
    on the opened file, and no more than max_bytes are read: a link to a device or a FIFO is
    refused, not read for ever."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise ArticleError(path, "file vanished before it could be read") from None
    except PermissionError:
        raise ArticleError(path, "permission denied") from None
    except IsADirectoryError:
        raise ArticleError(path, "is a directory") from None
    except OSError as error:
        raise ArticleError(path, f"cannot be opened ({error.strerror or error})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if stat.S_ISDIR(info.st_mode):
            raise ArticleError(path, "is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise ArticleError(path, "not a regular file (a device, FIFO or socket)")
        if info.st_size > max_bytes:
            raise ArticleError(path, f"{info.st_size} bytes is over the size limit of {max_bytes} (set --max-bytes)")
        try:
            data = handle.read(max_bytes + 1)
        except PermissionError:
            raise ArticleError(path, "permission denied") from None
    if len(data) > max_bytes:
        raise ArticleError(path, f"over the size limit of {max_bytes} bytes (set --max-bytes)")
    if not data.strip():
        raise ArticleError(path, "empty or whitespace-only file")
    return data


def read_article(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """One plain file -> Article, or ArticleError naming the file and the problem."""
    path = Path(path)
    text, warnings = decode(read_bytes(path, max_bytes), path)
    return article_from_text(path.name, text, warnings)


def article_files(folder: Path, follow_links: bool = False, skip: tuple[Path, ...] = (),
                  problems: list[ArticleError] | None = None, marks: tuple[str, ...] = ()) -> list[Path]:
    """The article files under a folder and its subfolders, in a stable order: every file a
    reader is registered for. Hidden files and folders are left out, and so are the folders in
    skip (the build's own output) and the folders holding a file named in marks (any build's
    output); a folder that is itself marked is refused. Unless follow_links, a link that leads
    outside the folder is not read. What is left out for a reason the user may not expect goes
    into problems."""
    from extract.readers import CORRECTIONS_FILE, METADATA_FILE, READERS, is_article_file

    folder = Path(folder)
    if not folder.is_dir():
        raise ArticleError(folder, "not a folder")
    root = folder.resolve()
    marked = lambda path: next((mark for mark in marks if (path / mark).exists()), None)  # noqa: E731
    if marked(folder):
        raise ArticleError(folder, f"holds {marked(folder)}: it is a build's output folder, not a folder of articles")
    skipped = {Path(p).resolve() for p in skip}
    problems = problems if problems is not None else []
    found: list[Path] = []
    seen_dirs: set[Path] = set()
    for directory, subfolders, names in os.walk(folder, followlinks=follow_links):
        here = Path(directory)
        real = here.resolve()
        if real in seen_dirs or real in skipped:
            subfolders[:] = []
            if real in seen_dirs:
                problems.append(Skipped(here, "a link back to a folder already read (a loop): not read again"))
            continue
        seen_dirs.add(real)
        kept = []
        for name in sorted(subfolders):
            path = here / name
            if name.startswith("."):
                continue
            if path.resolve() in skipped:
                problems.append(Skipped(path, "the build's output folder: not read as articles"))
            elif marked(path):
                problems.append(Skipped(path, f"holds {marked(path)}, the mark of a build's output folder: "
                                              "not read as articles"))
            elif path.is_symlink() and not follow_links:
                problems.append(Skipped(path, "a link to a folder: not followed (use --follow-links)"))
            else:
                kept.append(name)
        subfolders[:] = kept
        for name in sorted(names):
            path = here / name
            if name.startswith(".") or name in (METADATA_FILE, CORRECTIONS_FILE) and here == folder:
                continue
            if not is_article_file(path):
                problems.append(Skipped(path, f"no reader for this kind of file ({', '.join(READERS)}): skipped"))
                continue
            if path.is_symlink():
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError):
                    found.append(path)  # dangling or a loop: its reader says what is wrong
                    continue
                if not follow_links and not target.is_relative_to(root):
                    problems.append(ArticleError(path, f"a link to {target}, outside the article folder: not read (use --follow-links)"))
                    continue
            found.append(path)
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())
