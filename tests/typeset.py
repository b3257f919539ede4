"""A small typesetter for test documents: report-style PDFs drawn with reportlab (one or two
columns, a running header, a page-numbered footer, fi/fl ligatures, words hyphenated at line
ends) and .docx files written with python-docx. The tests build their corpora with it, so the
files are real and nothing binary is kept in the repository."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PAGE_WIDTH, PAGE_HEIGHT = 612, 792  # US letter, in points
MARGIN = 60
GUTTER = 24
LIGATURES = {"fi": "\ufb01", "fl": "\ufb02"}  # the two the bundled Vera font has


@dataclass
class Layout:
    columns: int = 2
    size: float = 10
    leading: float = 13
    header: str | None = None  # drawn at the top of every page
    footer: str | None = "Page {page}"  # drawn at the bottom; {page} is the page number
    ligatures: bool = True
    hyphenate: bool = True
    interleave: bool = False  # draw the columns' lines alternately, as some producers do
    justify: bool = False  # spread the words of each line but a paragraph's last to the column's width
    footnote: str | None = None  # set small at the foot of each page's first column; {page} is its number
    scanned_annex: bool = False  # end with a page that is an image and no text


def _font() -> str:
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "Vera" not in pdfmetrics.getRegisteredFontNames():
        fonts = Path(reportlab.__file__).parent / "fonts"
        pdfmetrics.registerFont(TTFont("Vera", str(fonts / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont("VeraBd", str(fonts / "VeraBd.ttf")))
    return "Vera"


def with_ligatures(text: str) -> str:
    for letters, ligature in LIGATURES.items():
        text = text.replace(letters, ligature)
    return text


def _lines(words: list[str], width: float, font: str, size: float, hyphenate: bool) -> list[str]:
    """Greedy line breaking; a long word that does not fit is split with a hyphen, and a
    compound breaks after its own hyphen."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    fits = lambda text: stringWidth(text, font, size) <= width
    lines, line = [], ""
    queue = list(words)
    while queue:
        word = queue.pop(0)
        candidate = f"{line} {word}" if line else word
        if fits(candidate):
            line = candidate
            continue
        if hyphenate and "-" in word[:-1] and fits(f"{line} {word.split('-', 1)[0]}-".strip()):
            head, tail = word.split("-", 1)
            lines.append(f"{line} {head}-".strip())
            line = ""
            queue.insert(0, tail)
            continue
        if hyphenate and len(word) >= 8 and word.isalpha():
            for cut in range(len(word) - 3, 2, -1):
                if fits(f"{line} {word[:cut]}-".strip()):
                    lines.append(f"{line} {word[:cut]}-".strip())
                    line = ""
                    queue.insert(0, word[cut:])
                    break
            else:
                lines.append(line)
                line = word
            continue
        lines.append(line)
        line = word
    if line:
        lines.append(line)
    return [line for line in lines if line]


def _draw_justified(sheet, left: float, y: float, line: str, width: float, face: str, size: float) -> None:
    """The line's words placed one by one so that the line fills the width, as a justifying
    typesetter positions them (the gaps carry no space character)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    words = line.split(" ")
    gap = (width - sum(stringWidth(word, face, size) for word in words)) / (len(words) - 1)
    x = left
    for word in words:
        sheet.drawString(x, y, word)
        x += stringWidth(word, face, size) + gap


def is_heading(paragraph: str) -> bool:
    """A short line with no full stop: a section heading, set in bold."""
    return len(paragraph) < 60 and not paragraph.rstrip().endswith((".", ":", "?", "!"))


def typeset_pdf(path: Path, title: str, paragraphs: list[str], layout: Layout = Layout(),
                metadata: dict | None = None, password: str | None = None) -> Path:
    """A report: the title across the page, then the paragraphs in columns, page after page.
    metadata: the information dictionary's title, author, subject, and created as 'YYYYMMDD'."""
    from reportlab.pdfgen import canvas

    font = _font()
    sheet = canvas.Canvas(str(path), pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1, encrypt=password)
    for key, value in (metadata or {}).items():
        if key == "created":
            sheet._doc.info._dateFormatter = lambda *_, day=value: f"D:{day}120000Z"
        else:
            getattr(sheet, f"set{key.capitalize()}")(value)
    column_width = (PAGE_WIDTH - 2 * MARGIN - GUTTER * (layout.columns - 1)) / layout.columns
    body: list[tuple[str, bool, str]] = []  # (line, ends a paragraph, font): headings in bold
    for paragraph in paragraphs:
        face = "VeraBd" if is_heading(paragraph) else font
        lines = _lines(paragraph.split(), column_width, face, layout.size, layout.hyphenate)
        body += [(line, i == len(lines) - 1, face) for i, line in enumerate(lines)]
    top, bottom = PAGE_HEIGHT - MARGIN - 20, MARGIN + 20
    page = 1
    show = with_ligatures if layout.ligatures else (lambda text: text)

    def furniture():
        if layout.footnote:  # under the first column, in small type, the column shortened above it
            sheet.setFont(font, 7)
            note = _lines(layout.footnote.format(page=page).split(), column_width, font, 7, False)
            for i, line in enumerate(note):
                sheet.drawString(MARGIN, MARGIN + 10 + 9 * (len(note) - 1 - i), show(line))
        sheet.setFont(font, 8)
        if layout.header:
            sheet.drawString(MARGIN, PAGE_HEIGHT - MARGIN + 10, show(layout.header))
        if layout.footer:
            sheet.drawCentredString(PAGE_WIDTH / 2, MARGIN - 20, layout.footer.format(page=page))

    furniture()
    sheet.setFont("VeraBd", 15)
    start = top
    for line in _lines(title.split(), PAGE_WIDTH - 2 * MARGIN, "VeraBd", 15, False):
        sheet.drawString(MARGIN, start, show(line))
        start -= 19
    start -= 12
    while body:
        columns: list[list[tuple[float, str]]] = []
        for column in range(layout.columns):
            placed, y = [], start
            while body and y >= bottom + (40 if layout.footnote and column == 0 else 0):
                line, ends, face = body.pop(0)
                placed.append((y, line, face, ends))
                y -= layout.leading * (1.6 if ends else 1)
            columns.append(placed)
        order = [(c, *item) for c, placed in enumerate(columns) for item in placed]
        if layout.interleave:
            order.sort(key=lambda item: (-item[1], item[0]))
        for column, y, line, face, ends in order:
            sheet.setFont(face, layout.size)
            left = MARGIN + column * (column_width + GUTTER)
            if layout.justify and not ends and " " in line:
                _draw_justified(sheet, left, y, show(line), column_width, face, layout.size)
            else:
                sheet.drawString(left, y, show(line))
        if body:
            sheet.showPage()
            page += 1
            furniture()
            start = top
    sheet.showPage()
    if layout.scanned_annex:  # a last page that is only a picture of a page
        from PIL import Image
        from reportlab.lib.utils import ImageReader

        sheet.drawImage(ImageReader(Image.new("L", (425, 550), 235)), MARGIN, MARGIN, PAGE_WIDTH - 2 * MARGIN, PAGE_HEIGHT - 2 * MARGIN)
        sheet.showPage()
    sheet.save()
    return path


def typeset_docx(path: Path, title: str, paragraphs: list[str], headings: dict[int, str] | None = None,
                 table: list[list[str]] | None = None, header: str | None = None, footer: str | None = None,
                 core: dict | None = None) -> Path:
    """A Word document: the title as Title, headings before the paragraphs they are keyed by,
    a table after the paragraphs, a header and a footer, and core properties."""
    import docx

    document = docx.Document()
    document.add_heading(title, level=0)
    for i, paragraph in enumerate(paragraphs):
        if headings and i in headings:
            document.add_heading(headings[i], level=1)
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                grid.cell(r, c).text = cell
    section = document.sections[0]
    if header:
        section.header.paragraphs[0].text = header
    if footer:
        section.footer.paragraphs[0].text = footer
    for key, value in (core or {}).items():
        setattr(document.core_properties, key, value)
    document.save(str(path))
    return path
