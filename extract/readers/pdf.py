"""PDF reports, read with pdfminer.six's layout analysis: text blocks in reading order (columns one
after the other), running headers, footers and page numbers left out, ligatures folded, words
hyphenated at a line end joined again and the lines of a paragraph joined into one. Every
character of the text keeps its page (Article.page_starts).

The file is untrusted: it is parsed in a child process under a time and memory limit, so a PDF
bomb (endless nesting, streams that inflate to gigabytes) is refused, never a hang. A scan (images,
no text layer) and a PDF that needs a password are named and skipped.

pdfminer.six (MIT) was chosen over pypdf (BSD) by measuring: on a two-column page whose producer
draws the columns' lines alternately, pypdf reads across the columns line by line; pdfminer's
layout analysis reads each column in turn, and gives each block's position, which finding
running heads needs. PyMuPDF is AGPL and was not weighed."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Iterator

from extract.lexicon import load
from extract.processes import OutOfLimits, run_limited
from extract.reader import ArticleError, Skipped, article_from_text, read_bytes
from extract.readers import document_properties, reader
from extract.records import Article

PARSE_SECONDS = 60  # and PARSE_SECONDS_PER_MB more for each megabyte of the file: a long report takes
PARSE_SECONDS_PER_MB = 200  # a while (0.2-1 s a page on a busy machine); a bomb is small
PARSE_MEMORY = 768 * 2**20  # bytes the parse may use beyond the reading process's own
MAX_PAGES = 3000
MAX_CHARACTERS = 20_000_000  # of text, after inflating the streams
MAX_PAGE_CONTENT = 50_000_000  # bytes of a page's content streams, inflated (a page of text is some kilobytes)
MAX_XMP_BYTES = 1_000_000
SENTENCE_END = ".!?:;\"”’)]"


@dataclass
class Line:
    x0: float
    x1: float
    text: str
    height: float = 0  # the line box's height: the type's size, near enough
    font: str = ""  # the font most of its characters are set in
    y0: float = 0
    y1: float = 0


@dataclass
class Block:
    """A text box of the layout analysis, its lines top to bottom; y grows upwards, as in PDF."""
    x0: float
    y0: float
    x1: float
    y1: float
    lines: list[Line]

    @property
    def text(self) -> str:
        return " ".join(line.text.strip() for line in self.lines).strip()


@dataclass
class Page:
    number: int  # 1-based, the physical page (what a #page= fragment counts)
    height: float
    blocks: list[Block]  # made from the layout analysis's lines by text_blocks
    images: int = 0


@dataclass
class ParsedPdf:
    pages: list[Page]
    info: dict = field(default_factory=dict)  # the document information dictionary, decoded
    xmp: bytes | None = None
    open_with_empty_password: bool = False


class PdfRefused(Exception):
    """What the child found wrong with the file, said in words for the ArticleError."""


def _decode(value) -> str | None:
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    value = resolve1(value)
    if isinstance(value, bytes):
        return decode_text(value).strip("\x00 ").strip() or None
    if isinstance(value, str):
        return value.strip() or None
    return None


def _line_text(line) -> str:
    """A line's text, less the spaces that take no room: Chromium marks a soft hyphen inside a word
    with a space glyph the next letter is drawn over ('reco vered')."""
    from pdfminer.layout import LTChar

    items = list(line)
    letters = [i for i, item in enumerate(items) if isinstance(item, LTChar)]
    following = {a: b for a, b in zip(letters, letters[1:])}
    kept = []
    for i, item in enumerate(items):
        if isinstance(item, LTChar) and item.get_text() in (" ", "\u00ad") and i in following:
            after = items[following[i]]
            if after.x0 < item.x0 + 0.5 * (item.x1 - item.x0):
                continue
        kept.append(item.get_text())
    return "".join(kept).strip()


def _main_font(line) -> str:
    from collections import Counter

    from pdfminer.layout import LTChar

    fonts = Counter(char.fontname for char in line if isinstance(char, LTChar))
    return fonts.most_common(1)[0][0] if fonts else ""


def _parse(data: bytes, max_pages: int) -> ParsedPdf:
    """Runs in the child: the layout of every page, the info dictionary and the XMP packet."""
    import io

    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams, LTContainer, LTImage, LTTextBox
    from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1, stream_value

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)), password="")
    except PDFPasswordIncorrect:
        raise PdfRefused("encrypted: it needs a password to be read") from None
    parsed = ParsedPdf(pages=[], open_with_empty_password=document.encryption is not None)
    for info in document.info[:1]:
        parsed.info = {key: _decode(value) for key, value in info.items() if key in ("Title", "Author", "CreationDate")}
    try:
        metadata = resolve1(document.catalog.get("Metadata"))
        if metadata is not None:
            xmp = stream_value(metadata).get_data()
            parsed.xmp = xmp if len(xmp) <= MAX_XMP_BYTES else None
    except Exception:  # metadata is a default; a broken packet only loses it
        parsed.xmp = None
    resources = PDFResourceManager(caching=True)
    device = PDFPageAggregator(resources, laparams=LAParams(boxes_flow=None))  # lines only: text_blocks orders them
    interpreter = PDFPageInterpreter(resources, device)
    characters = 0

    def images_in(item) -> int:
        if isinstance(item, LTImage):
            return 1
        return sum(images_in(child) for child in item) if isinstance(item, LTContainer) else 0

    for number, page in enumerate(PDFPage.create_pages(document), start=1):
        if number > max_pages:
            raise PdfRefused(f"more than {max_pages} pages")
        content = sum(len(stream.get_data()) for stream in page.contents)
        if content > MAX_PAGE_CONTENT:
            raise PdfRefused(f"refused: page {number}'s content inflates to {content:,} bytes, over {MAX_PAGE_CONTENT:,} (a PDF bomb?)")
        interpreter.process_page(page)
        layout = device.get_result()
        pieces = [Line(line.x0, line.x1, _line_text(line), line.height, _main_font(line), line.y0, line.y1)
                  for item in layout if isinstance(item, LTTextBox) for line in item if _line_text(line)]
        characters += sum(len(piece.text) for piece in pieces)
        if characters > MAX_CHARACTERS:
            raise PdfRefused(f"more than {MAX_CHARACTERS:,} characters of text")
        parsed.pages.append(Page(number, layout.height, text_blocks(pieces, layout.height), images_in(layout)))
    return parsed


GUTTER_CROSSINGS = 2  # a stripe between columns crossed by no more lines than this (a heading, a caption)
MIN_GUTTER = 6.0  # points: a narrower stripe is a space between words
WIDEST_WORD_GAP = 0.3  # of the page's text width: pieces of one line farther apart are not one line
LINE_GAP = 0.5  # heights: lines farther apart than this start a new block (pdfminer's line_margin)
NARROWEST_COLUMN = 10.0  # heights of type: stripes that leave a narrower column are chance gaps between words


def gutters(pieces: list[Line], page_height: float) -> list[tuple[float, float]]:
    """The stripes between columns: runs of x, at least MIN_GUTTER wide, with text on both sides,
    that (almost) no line of the body crosses. Lines across the columns (a title, a one-column page)
    and those in the top and bottom margins (a page number under the gutter) are not counted; word
    spaces are crossed by the lines above and below them."""
    margin = _rules()[0] * page_height
    body = [p for p in pieces if p.y0 > margin and p.y1 < page_height - margin]
    if not body:
        return []
    left, right = int(min(p.x0 for p in body)), int(max(p.x1 for p in body)) + 1
    body = [p for p in body if p.x1 - p.x0 < SPANNING * (right - left)]
    if not body:
        return []
    cover = [0] * (right - left + 1)
    for piece in body:
        for x in range(int(piece.x0) - left, int(piece.x1) - left + 1):
            cover[x] += 1
    stripes = _low_runs(cover, GUTTER_CROSSINGS)  # a heading or caption may cross a gutter ...
    stripes += [run for run in _low_runs(cover, 0) if not any(a <= run[0] and run[1] <= b for a, b in stripes)]
    stripes = sorted((left + a, left + b) for a, b in stripes)  # ... and a column of two lines may be all there is
    heights = sorted(p.height for p in body)
    return _wide_columns(stripes, left, right, NARROWEST_COLUMN * heights[len(heights) // 2])


def _low_runs(cover: list[int], most: int) -> list[tuple[int, int]]:
    """Runs of x, at least MIN_GUTTER wide and with more cover on both sides, covered at most most times."""
    runs, start = [], None
    for x, count in enumerate(cover + [most + 1]):
        if count <= most and start is None:
            start = x
        elif count > most and start is not None:
            if start > 0 and x < len(cover) and x - start >= MIN_GUTTER:
                runs.append((start, x))
            start = None
    return runs


def _wide_columns(stripes: list[tuple[float, float]], left: float, right: float, narrowest: float) -> list[tuple[float, float]]:
    """The stripes less those beside a column narrower than narrowest (the narrowest first): a few
    short justified lines leave word gaps one under the other by chance."""
    stripes = list(stripes)
    while stripes:
        edges = [left, *(x for stripe in stripes for x in stripe), right]
        widths = [edges[2 * i + 1] - edges[2 * i] for i in range(len(stripes) + 1)]  # the columns' widths
        width, column = min((w, i) for i, w in enumerate(widths))
        if width >= narrowest:
            break
        beside = [i for i in (column - 1, column) if 0 <= i < len(stripes)]
        del stripes[min(beside, key=lambda i: stripes[i][1] - stripes[i][0])]  # the narrower stripe goes
    return stripes


def _across(gaps: list[tuple[float, float]], x0: float, x1: float) -> bool:
    return any(x0 <= (a + b) / 2 <= x1 for a, b in gaps)


def _merged(pieces: list[Line]) -> Line:
    longest = max(pieces, key=lambda p: len(p.text))
    return Line(pieces[0].x0, pieces[-1].x1, " ".join(p.text for p in pieces), max(p.height for p in pieces),
                longest.font, min(p.y0 for p in pieces), max(p.y1 for p in pieces))


def text_lines(pieces: list[Line], page_height: float) -> list[Line]:
    """Whole lines from the layout analysis's pieces: pieces on one baseline are one line unless a
    gutter lies between them (or they are implausibly far apart). Justified text spreads words so
    far apart that the analysis cuts a line into pieces ('according to agency' ... 'data reviewed')."""
    stripes = gutters(pieces, page_height)
    widest = WIDEST_WORD_GAP * (max((p.x1 for p in pieces), default=0) - min((p.x0 for p in pieces), default=0))
    rows: list[list[Line]] = []
    for piece in sorted(pieces, key=lambda p: (-p.y0, p.x0)):
        middle = (piece.y0 + piece.y1) / 2
        row = next((r for r in rows if r[0].y0 <= middle <= r[0].y1 and piece.y0 <= (r[0].y0 + r[0].y1) / 2 <= piece.y1), None)
        if row is None:
            rows.append([piece])
        else:
            row.append(piece)
    lines = []
    for row in rows:
        row.sort(key=lambda p: p.x0)
        current = [row[0]]
        for piece in row[1:]:
            gap = piece.x0 - current[-1].x1
            if gap > widest or _across(stripes, current[-1].x1, piece.x0):
                lines.append(_merged(current))
                current = []
            current.append(piece)
        lines.append(_merged(current))
    return lines


def text_blocks(pieces: list[Line], page_height: float) -> list[Block]:
    """Lines grouped into blocks, top to bottom: a line joins the block whose last line is just
    above it (no farther than LINE_GAP of its height), overlapping it across x, in type of about
    the same size; else it starts a block."""
    blocks: list[Block] = []
    for line in sorted(text_lines(pieces, page_height), key=lambda l: (-l.y1, l.x0)):
        above = [b for b in blocks if b.lines[-1].y0 >= line.y1 - 0.5 * line.height
                 and b.lines[-1].y0 - line.y1 <= LINE_GAP * max(line.height, b.lines[-1].height)
                 and b.lines[-1].x0 < line.x1 and line.x0 < b.lines[-1].x1
                 and abs(b.lines[-1].height - line.height) <= 0.2 * max(line.height, b.lines[-1].height)]
        if above:
            block = min(above, key=lambda b: b.lines[-1].y0 - line.y1)
            block.lines.append(line)
            block.x0, block.x1, block.y0 = min(block.x0, line.x0), max(block.x1, line.x1), min(block.y0, line.y0)
        else:
            blocks.append(Block(line.x0, line.y0, line.x1, line.y1, [line]))
    return blocks


def parse_pdf(path: Path, data: bytes, seconds: float | None = None, memory: int = PARSE_MEMORY,
              max_pages: int = MAX_PAGES) -> ParsedPdf:
    """The parsed pages, or ArticleError naming the file and why it cannot be read. seconds: the
    time the parse may take, by default PARSE_SECONDS and PARSE_SECONDS_PER_MB of the file."""
    if seconds is None:
        seconds = round(PARSE_SECONDS + PARSE_SECONDS_PER_MB * len(data) / 2**20)
    if not data.lstrip()[:5] == b"%PDF-":
        raise ArticleError(path, "not a PDF (no %PDF- header)")
    try:
        return run_limited(_parse, (data, max_pages), seconds, memory)
    except PdfRefused as refused:
        raise ArticleError(path, str(refused)) from None
    except OutOfLimits as limit:
        raise ArticleError(path, f"refused: reading it {limit} (a PDF bomb?)") from None
    except RecursionError:
        raise ArticleError(path, "refused: objects nested too deeply (a PDF bomb?)") from None
    except Exception as error:  # pdfminer's syntax and stream errors, of many types
        raise ArticleError(path, f"malformed PDF ({type(error).__name__}: {error})") from None


@cache
def _rules():
    rules = load("documents")
    return rules["margin"], rules["recurs_on_pages"], [re.compile(p, re.I) for p in rules["page_number"]]


def _shape(text: str) -> str:
    """A running head's text with its page number left out: the same on every page."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text.strip().lower()))


def _type_size(lines: list[Line]) -> float:
    heights = sorted(line.height for line in lines)
    return heights[len(heights) // 2] if heights else 0


def running_heads(pages: list[Page]) -> set[tuple[int, int]]:
    """(page number, block index) of every header, footer and page number: blocks in the top or
    bottom margin that are a page number alone, or whose text recurs in the margins of other pages,
    or that are set smaller than the body text (which tells a header on a single page)."""
    margin, recurs, page_number = _rules()
    body_size = _type_size([line for page in pages for block in page.blocks for line in block.lines])
    in_margin, smaller = {}, set()
    for page in pages:
        for index, block in enumerate(page.blocks):
            if block.y0 >= page.height * (1 - margin) or block.y1 <= page.height * margin:
                in_margin[page.number, index] = _shape(block.text)
                if _type_size(block.lines) < 0.9 * body_size:
                    smaller.add((page.number, index))
    pages_with = {}
    for (number, _), shape in in_margin.items():
        pages_with.setdefault(shape, set()).add(number)
    return {where for where, shape in in_margin.items()
            if where in smaller or len(pages_with[shape]) >= recurs or any(rule.match(shape.replace("#", "1")) for rule in page_number)}


LIGATURES = {chr(code): unicodedata.normalize("NFKC", chr(code)) for code in range(0xFB00, 0xFB07)}


def fold_ligatures(text: str) -> str:
    """'ﬁrearms' -> 'firearms': the Latin ligatures (U+FB00-FB06) as their letters."""
    return text.translate(str.maketrans(LIGATURES)) if any(c in text for c in LIGATURES) else text


WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W\d_]|[^\W\d_]")


def joined_at_hyphen(head: str, tail: str, words: Counter, mark: str = "-") -> str:
    """How 'head-' at a line's end and 'tail' at the next line's start go together: a word broken
    by the typesetter loses its hyphen ('traf-' 'ficking'); a compound keeps it: 'cross-' 'border'
    when the document writes 'cross-border' elsewhere, 'multi-' 'agency' (a prefix that takes a
    hyphen, before a word the document uses on its own), 'U.S.-' 'Mexico' before a capital.
    words: how often the document writes each word (the broken halves counted once each)."""
    first = WORD.search(tail)
    if not head or not first or first.start() != 0 or not tail[0].islower() or not head[-1].isalpha():
        return f"{head}{mark}{tail}"
    left = re.search(r"[\w'’-]*$", head).group(0)
    compound, whole = f"{left}-{first.group(0)}".lower(), f"{left}{first.group(0)}".lower()
    if words[whole]:
        return head + tail
    if words[compound] or left.lower() in _hyphen_prefixes() and words[first.group(0).lower()] > 1:
        return f"{head}{mark}{tail}"
    return head + tail


@cache
def _hyphen_prefixes() -> frozenset[str]:
    return frozenset(load("documents")["hyphen_prefixes"])


LINE_END_HYPHENS = "-\u2010\u00ad"  # hyphen-minus, the hyphen (Chromium's at a break) and the soft hyphen


def joined_across_break(text: str, following: str, words: Counter) -> str:
    """A line's text and the next line's, as a reader reads them: a soft hyphen at the break
    dropped, a word broken with a hyphen whole again (joined_at_hyphen), else a space between."""
    mark = text[-1:]
    if mark == "\u00ad":
        return text[:-1] + following
    if mark and mark in LINE_END_HYPHENS and len(text) > 1 and text[-2] not in " " + LINE_END_HYPHENS:
        return joined_at_hyphen(text[:-1], following, words, mark)
    return f"{text} {following}"


def _join_lines(lines: list[str], words: Counter) -> str:
    text = ""
    for line in filter(None, (line.strip() for line in lines)):
        text = joined_across_break(text, line, words) if text else line
    return text


FIT_SLACK = 0.95  # share of the width a line plus the next word must stay under to have fitted for sure


def _width(lines: list[Line]) -> float:
    return max((line.x1 for line in lines), default=0) - min((line.x0 for line in lines), default=0)


def _next_word_fitted(line: Line, following: str, width: float) -> bool:
    """Whether the next line's first word would have fitted at the end of this line (its width
    guessed from this line's mean character width): then the typesetter broke the line on purpose."""
    text = line.text.strip()
    if not text or not following:
        return False
    per_character = (line.x1 - line.x0) / len(text)
    return (line.x1 - line.x0) + per_character * (len(following.split()[0]) + 1) < FIT_SLACK * width


@dataclass
class Piece:
    """A paragraph, or the part of one, that a block holds. open_line: its last line when the
    paragraph may go on in the next block (the line ends no sentence and the block ends there),
    with the width that line had to fill."""
    text: str
    open_line: Line | None = None
    width: float = 0

    def runs_on_into(self, following: Line) -> bool:
        """Whether the next block's first line continues this paragraph: it is set in the same font
        and size, and starts with a small letter or its first word would not have fitted on this
        last line (so the typesetter moved it on)."""
        text = following.text.strip()
        if self.open_line is None or not text or following.font != self.open_line.font or not _same_size(following, self.open_line):
            return False
        return text[0].islower() or not _next_word_fitted(self.open_line, text, self.width)


def _same_size(one: Line, other: Line) -> bool:
    return abs(one.height - other.height) <= 0.15 * max(one.height, other.height)


def _paragraphs_of(block: Block, column: float, words: Counter) -> list[Piece]:
    """A block's lines as paragraphs. A line after which the next line's first word would have
    fitted ends its paragraph (a paragraph's last line, a heading the layout joined to its text)."""
    width = _width(block.lines)
    pieces, current = [], []
    for i, line in enumerate(block.lines):
        current.append(line.text)
        following = block.lines[i + 1].text.strip() if i + 1 < len(block.lines) else ""
        if not line.text.rstrip().endswith(tuple(LINE_END_HYPHENS)) and _next_word_fitted(line, following, width):
            pieces.append(Piece(_join_lines(current, words)))
            current = []
    if current:
        text = _join_lines(current, words)
        ends = text.endswith(tuple(SENTENCE_END))
        pieces.append(Piece(text, None if ends else block.lines[-1], width if len(block.lines) > 1 else column))
    return [piece for piece in pieces if piece.text]


def _below_in_column(upper: tuple[int, Block] | None, lower: tuple[int, Block]) -> bool:
    """Whether lower is under upper in the same column of the same page: the layout analysis keeps
    the lines of a paragraph in one block, so the space between them is a paragraph's end, and the
    next paragraph starts there even with a small letter ('o OCDETF ...' after '..., and')."""
    if upper is None or upper[0] != lower[0]:
        return False
    top, bottom = upper[1], lower[1]
    return top.x0 < bottom.x1 and bottom.x0 < top.x1 and bottom.y1 <= top.y0


def column_width(blocks: list[Block]) -> float:
    """The width of a page's column: the median width of its blocks of several lines."""
    widths = sorted(_width(block.lines) for block in blocks if len(block.lines) > 1)
    return widths[len(widths) // 2] if widths else max((_width(b.lines) for b in blocks), default=0)


NOTE_SIZE = 0.9  # a block in type smaller than this share of the body's is a note or caption
SPANNING = 0.6  # a block this wide a share of the page's text spans the columns (a title, a single column)


def reading_order(blocks: list[Block]) -> list[Block]:
    """Blocks as a reader takes them: blocks that span the columns cut the page into bands, top to
    bottom; in each band the columns (blocks overlapping across x) are read left to right, each top
    to bottom. The layout analysis's own order puts a line at the top of the right column beside a
    heading at the same height in the left one."""
    if not blocks:
        return []
    left, right = min(b.x0 for b in blocks), max(b.x1 for b in blocks)
    spanning = sorted((b for b in blocks if b.x1 - b.x0 >= SPANNING * (right - left)), key=lambda b: -b.y1)
    bands: list[list[Block]] = [[] for _ in range(len(spanning) + 1)]
    for block in blocks:
        if not any(block is s for s in spanning):
            bands[sum(1 for s in spanning if s.y1 > block.y1)].append(block)
    ordered: list[Block] = []
    for index, band in enumerate(bands):
        columns: list[list[Block]] = []
        for block in sorted(band, key=lambda b: b.x0):
            column = next((c for c in columns if any(b.x0 < block.x1 and block.x0 < b.x1 for b in c)), None)
            if column is None:
                columns.append([block])
            else:
                column.append(block)
        for column in columns:
            ordered += sorted(column, key=lambda b: -b.y1)
        if index < len(spanning):
            ordered.append(spanning[index])
    return ordered


@dataclass
class PagedText:
    text: str
    page_starts: list[tuple[int, int]]  # (offset, page number) where a page's text begins or resumes


def compose(pages: list[Page]) -> PagedText:
    """The body's paragraphs, a blank line between them, in reading order; a paragraph that runs on
    into the next column or page (no sentence end, and a full last line or a small letter next)
    stays one paragraph, also across footnotes set in smaller type, which follow it."""
    furniture = running_heads(pages)
    kept = []  # (page number, its column width, block) in reading order
    for page in pages:
        body = [block for index, block in enumerate(page.blocks) if (page.number, index) not in furniture]
        column = column_width(body)
        kept += [(page.number, column, block) for block in reading_order(body)]
    for _, _, block in kept:
        for line in block.lines:
            line.text = re.sub(r"[ \t\u00a0]+", " ", fold_ligatures(line.text))
    words = Counter(word.lower() for _, _, block in kept for line in block.lines for word in WORD.findall(line.text.rstrip(LINE_END_HYPHENS)))
    paragraphs: list[list[list]] = []  # each a list of [page number, text] pieces
    body_size = _type_size([line for _, _, block in kept for line in block.lines])
    previous, above, open_at = Piece(""), None, None  # the body's last piece, its block, its paragraph
    for number, column, block in kept:
        note = _type_size(block.lines) < NOTE_SIZE * body_size  # a footnote or caption: the body flows past it
        for piece in _paragraphs_of(block, column, words):
            runs_on = not note and previous.runs_on_into(block.lines[0]) and not _below_in_column(above, (number, block))
            if not note:
                previous, above = piece, (number, block)
            if not runs_on:
                paragraphs.append([[number, piece.text]])
                open_at = len(paragraphs) - 1 if not note else open_at
                continue
            last = paragraphs[open_at][-1]
            joined = joined_across_break(last[1], piece.text, words)
            last[1] = joined[:len(joined) - len(piece.text)]  # the break's hyphen or space, on the page before
            paragraphs[open_at].append([number, piece.text])
    page_starts: list[tuple[int, int]] = []
    offset = 0
    for pieces in paragraphs:
        for number, piece in pieces:
            if not page_starts or page_starts[-1][1] != number:
                page_starts.append((offset, number))
            offset += len(piece)
        offset += 2  # the blank line
    text = "\n\n".join("".join(piece for _, piece in pieces) for pieces in paragraphs)
    return PagedText(text + "\n" if text else "", page_starts)


def pdf_date(value: str | None) -> str | None:
    """A PDF date ('D:20240105120000Z', 'D:2024') as ISO 8601 at the precision it has ('2024-01-05',
    '2024'); anything else as written, for the reader's date check to judge."""
    match = re.match(r"(?:D:)?(\d{4})(\d{2})?(\d{2})?", value or "")
    return "-".join(part for part in match.groups() if part) if match else value


def xmp_fields(packet: bytes | None) -> dict:
    """Title, creators and creation date from an XMP packet (XML parsed without entities or the network)."""
    if not packet:
        return {}
    from lxml import etree

    try:
        root = etree.fromstring(packet.strip(), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except etree.XMLSyntaxError:
        return {}
    names = {"dc": "http://purl.org/dc/elements/1.1/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
             "xmp": "http://ns.adobe.com/xap/1.0/"}
    texts = lambda path: [t.strip() for t in root.xpath(path, namespaces=names) if isinstance(t, str) and t.strip()]
    title = texts("//dc:title//rdf:li/text()") or texts("//dc:title/text()")
    authors = texts("//dc:creator//rdf:li/text()") or texts("//dc:creator/text()")
    created = texts("//xmp:CreateDate/text()") or texts("//@xmp:CreateDate")
    return {"title": title[0] if title else None, "author": authors or None, "date": created[0] if created else None}


def document_metadata(parsed: ParsedPdf) -> list[tuple[str, dict]]:
    """What the file says of itself, XMP before the information dictionary (PDF 2.0 keeps only XMP)."""
    info = parsed.info
    return [*document_properties("pdf xmp", xmp_fields(parsed.xmp)),
            *document_properties("pdf info", {"title": info.get("Title"), "author": info.get("Author"),
                                              "date": pdf_date(info.get("CreationDate"))})]


@reader(".pdf")
def read_pdf(path: Path, max_bytes: int, metadata: dict) -> Iterator[Article]:
    parsed = parse_pdf(path, read_bytes(path, max_bytes))
    paged = compose(parsed.pages)
    if not paged.text.strip():
        if any(page.images for page in parsed.pages):
            raise Skipped(path, f"a scan: {len(parsed.pages)} page(s) of images with no text layer (OCR is not done): skipped")
        raise ArticleError(path, "PDF with no text")
    warnings = [f"{path.name}: encrypted with an empty password (owner restrictions only): read"] if parsed.open_with_empty_password else []
    scanned = [page.number for page in parsed.pages if page.images and not page.blocks]
    if scanned:
        warnings.append(f"{path.name}: page(s) {', '.join(map(str, scanned))} are images with no text layer (scanned?): not read")
    given = [("metadata.csv", metadata)] if metadata else []
    yield article_from_text(path.name, paged.text, warnings, [*given, *document_metadata(parsed)],
                            page_starts=paged.page_starts)
