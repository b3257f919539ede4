"""Word documents (.docx), read with python-docx: the body's paragraphs and tables in document
order, headings as paragraphs of their own, each table row as one line of its cells; headers,
footers and comments are left out (they are other parts of the package). The core properties
(title, author, created) are defaults under metadata.csv and front matter.

The file is untrusted: it is a zip, so its declared unpacked size is checked before anything is
inflated (a zip bomb is refused), and its XML is parsed without entities (python-docx's parser)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Iterator

from extract.reader import ArticleError, article_from_text, read_bytes
from extract.readers import document_properties, reader
from extract.records import Article

MAX_UNPACKED = 200_000_000  # bytes of XML and media inside the zip, all parts together
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an old .doc, or a .docx encrypted with a password
CELL_SEPARATOR = " | "


def _open(path: Path, data: bytes):
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if data.startswith(OLE_MAGIC):
        raise ArticleError(path, "encrypted with a password, or an old binary .doc: not read")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(member.file_size for member in package.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise ArticleError(path, "not a Word document (not a zip package)") from None
    if unpacked > MAX_UNPACKED:
        raise ArticleError(path, f"refused: unpacks to {unpacked:,} bytes, over the limit of {MAX_UNPACKED:,} (a zip bomb?)")
    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise ArticleError(path, f"not a readable Word document ({type(error).__name__}: {error})") from None
    except Exception as error:  # lxml's syntax errors and python-docx's own, of many types
        raise ArticleError(path, f"malformed Word document ({type(error).__name__}: {error})") from None


def _one_line(text: str) -> str:
    """A paragraph's or cell's text on one line: a soft line break inside it is a space."""
    return re.sub(r"\s+", " ", text).strip()


def _row_text(row) -> str:
    cells: list[str] = []
    for cell in row.cells:  # a merged cell comes once per grid column it spans
        text = _one_line(cell.text)
        if text and (not cells or cells[-1] != text):
            cells.append(text)
    return CELL_SEPARATOR.join(cells)


def body_paragraphs(document) -> list[str]:
    """The body's blocks in order: each paragraph (headings included) and each table row."""
    from docx.table import Table

    blocks: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            blocks += [text for text in map(_row_text, item.rows) if text]
        elif text := _one_line(item.text):
            blocks.append(text)
    return blocks


def core_metadata(document) -> dict:
    core = document.core_properties
    return {"title": (core.title or "").strip() or None, "author": (core.author or "").strip() or None,
            "date": core.created}


@reader(".docx")
def read_docx(path: Path, max_bytes: int, metadata: dict) -> Iterator[Article]:
    document = _open(path, read_bytes(path, max_bytes))
    try:
        blocks = body_paragraphs(document)
        properties = core_metadata(document)
    except Exception as error:  # a part python-docx reads lazily turned out broken
        raise ArticleError(path, f"malformed Word document ({type(error).__name__}: {error})") from None
    if not blocks:
        raise ArticleError(path, "Word document with no text in its body")
    given = [("metadata.csv", metadata)] if metadata else []
    yield article_from_text(path.name, "\n\n".join(blocks) + "\n", [], [*given, *document_properties("docx properties", properties)])
