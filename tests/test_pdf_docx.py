"""PDF and Word readers on real files made here: a two-column report with a running header, a
page-numbered footer, fi/fl ligatures and words hyphenated at line ends (drawn with reportlab), a
.docx written with python-docx, a scan, an encrypted PDF and PDF bombs. The reports are generated
from sentence frames with invented people and figures (tests/report_corpus.py), and what the
readers give is checked against the same report as plain text, down to the claims and their pages."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from extract.reader import ArticleError, Skipped, article_from_text
from extract.readers import read_file
from tests.report_corpus import report
from tests.test_explorer_browser import browser, open_page  # noqa: F401  (the Chromium fixture)
from tests.typeset import Layout, typeset_docx, typeset_pdf

HEADER = "GAO-24-1057 Southwest Border Enforcement"
INFO = {"title": "Southwest Border Enforcement", "author": "U.S. Government Accountability Office", "created": "20240312"}


def plain(title: str, paragraphs: list[str]) -> str:
    """The report as the plain text the readers should give: title, then paragraphs, blank lines between."""
    return "\n\n".join([title, *paragraphs]) + "\n"


def only(found) -> object:
    found = list(found)
    assert len(found) == 1, found
    return found[0]


@pytest.fixture(scope="module")
def two_column_report(tmp_path_factory):
    """A three-page, two-column report whose producer draws the columns' lines alternately."""
    title, paragraphs = report(seed=3, sections=8)
    path = tmp_path_factory.mktemp("pdf") / "gao-24-1057.pdf"
    typeset_pdf(path, title, paragraphs, Layout(columns=2, header=HEADER, interleave=True), metadata=INFO)
    return path, title, paragraphs


# --- the PDF's text ------------------------------------------------------------------------------

@pytest.mark.parametrize("layout", [Layout(columns=2, header=HEADER), Layout(columns=3, size=9, leading=11.7, header=HEADER),
                                    Layout(columns=1, size=11, leading=14, footer="- {page} -"),
                                    Layout(columns=2, header=HEADER, justify=True),
                                    Layout(columns=3, size=10.5, leading=13.6, header=HEADER, justify=True)],
                         ids=["two columns", "three columns", "one column", "two columns justified", "three columns justified"])
@pytest.mark.parametrize("seed", [1, 2])
def test_pdf_text_is_the_report_as_written(tmp_path, layout, seed):
    """Columns one after the other, running heads and page numbers out, ligatures folded, words
    hyphenated at a line end whole again, a paragraph cut by a column or page one paragraph; in
    justified columns, a line the layout analysis cut at its wide word gaps is one line again, and
    a last page's few short lines are not taken for columns."""
    title, paragraphs = report(seed=seed, sections=4)
    path = typeset_pdf(tmp_path / "report.pdf", title, paragraphs, layout)
    article = only(read_file(path))
    assert article.text == plain(title, paragraphs)
    assert len(article.page_starts) >= 2


def test_a_paragraph_runs_on_past_the_footnotes_under_a_column(tmp_path):
    """Footnotes in small type at a column's foot are paragraphs of their own, after the paragraph
    they interrupt, which goes on whole in the next column or page."""
    title, paragraphs = report(seed=2, sections=6)
    note = "{page} Data from the agency's case management system as of the end of the fiscal year; figures are rounded."
    path = typeset_pdf(tmp_path / "noted.pdf", title, paragraphs, Layout(columns=2, header=HEADER, footnote=note))
    article = only(read_file(path))
    blocks = article.text.rstrip("\n").split("\n\n")
    notes = [p for p in blocks if "case management system" in p]
    assert len(notes) == len({page for _, page in article.page_starts}) >= 2
    assert "\n\n".join(p for p in blocks if p not in notes) + "\n" == plain(title, paragraphs)
    for number, text in enumerate(notes, start=1):
        assert text == note.format(page=number) and article.page_at(article.text.index(text)) == number


def test_pdf_drawn_line_by_line_across_columns_reads_column_by_column(two_column_report):
    path, title, paragraphs = two_column_report
    article = only(read_file(path))
    assert article.text == plain(title, paragraphs)
    assert "\ufb01" not in article.text and HEADER not in article.text and "Page 2" not in article.text


def test_a_report_printed_by_chromium_reads_as_written(browser, tmp_path):
    """Chromium's print of a page in justified CSS columns, words with soft hyphens (marked in the
    PDF by spaces the next letter is drawn over, broken with U+2010) and its own header and footer."""
    import html
    import re

    title, paragraphs = report(seed=5, sections=6)
    shy = lambda text: re.sub(r"\b([a-z]{4})([a-z]{4,})\b", r"\1&shy;\2", html.escape(text))
    body = "".join(f"<h2>{html.escape(p)}</h2>" if len(p) < 60 else f"<p>{shy(p)}</p>" for p in paragraphs)
    page = browser.new_page()
    page.set_content(f"""<!doctype html><html lang=en><head><meta charset=utf-8><style>
        body {{ font: 11pt 'DejaVu Serif', serif }} .cols {{ column-count: 3; column-gap: 1.5em; text-align: justify }}
        h2 {{ font-size: 12pt }}</style></head><body><h1>{html.escape(title)}</h1><div class=cols>{body}</div></body></html>""")
    path = tmp_path / "printed.pdf"
    page.pdf(path=str(path), format="Letter", display_header_footer=True,
             header_template=f"<div style='font-size:8px;margin-left:1cm'>{HEADER}</div>",
             footer_template="<div style='font-size:8px;margin:auto'>Page <span class=pageNumber></span></div>",
             margin={"top": "2cm", "bottom": "2cm", "left": "1.5cm", "right": "1.5cm"})
    page.close()
    article = only(read_file(path))
    assert article.text == plain(title, paragraphs)
    assert len(article.page_starts) >= 2


def test_every_character_of_a_pdf_has_its_page(two_column_report):
    """The text from each page's start to the next's holds that page's words and no other's (letters
    and digits compared: the reader joins lines and hyphenated words)."""
    import re

    from extract.readers.pdf import fold_ligatures, parse_pdf, running_heads

    path, _, _ = two_column_report
    article = only(read_file(path))
    parsed = parse_pdf(path, path.read_bytes())
    heads = running_heads(parsed.pages)
    assert [number for _, number in article.page_starts] == [page.number for page in parsed.pages] == [1, 2, 3]
    bounds = [start for start, _ in article.page_starts] + [len(article.text)]
    letters = lambda text: re.sub(r"\W|_", "", fold_ligatures(text))
    for page, start, end in zip(parsed.pages, bounds, bounds[1:]):
        words = "".join(line.text for i, block in enumerate(page.blocks) if (page.number, i) not in heads for line in block.lines)
        assert sorted(letters(article.text[start:end])) == sorted(letters(words))
        assert {article.page_at(offset) for offset in range(start, end)} == {page.number}


def test_pdf_metadata_are_defaults_under_metadata_csv(two_column_report):
    path, _, _ = two_column_report
    article = only(read_file(path))
    assert (article.title, article.author, article.date) == (INFO["title"], INFO["author"], "2024-03-12")
    assert article.provenance["title"] == "pdf info"
    given = only(read_file(path, metadata={"title": "Firearms Trafficking: Observations", "url": "https://gao.example/gao-24-1057.pdf"}))
    assert given.title == "Firearms Trafficking: Observations" and given.provenance["title"] == "metadata.csv"
    assert given.author == INFO["author"] and given.url == "https://gao.example/gao-24-1057.pdf"


def test_placeholder_properties_are_not_metadata(tmp_path):
    title, paragraphs = report(seed=4, sections=1)
    path = typeset_pdf(tmp_path / "draft.pdf", title, paragraphs, metadata={"title": "Microsoft Word - draft3.docx", "author": "(anonymous)"})
    article = only(read_file(path))
    assert article.title == title and article.author is None
    assert article.provenance["title"] == "text"


def test_xmp_is_read_without_entities():
    from extract.readers.pdf import xmp_fields

    packet = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY big "boom">]>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreateDate="2019-06-30T08:00:00Z">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Currency Smuggling &big;</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>Office of Inspector General</rdf:li></rdf:Seq></dc:creator>
</rdf:Description></rdf:RDF></x:xmpmeta>"""
    fields = xmp_fields(packet)
    assert fields["author"] == ["Office of Inspector General"] and fields["date"] == "2019-06-30T08:00:00Z"
    assert "boom" not in fields["title"]
    assert xmp_fields(b"<not xml") == {}


@pytest.mark.parametrize("head, tail, words, joined", [
    ("traf", "ficking", [], "trafficking"),
    ("cross", "border", ["cross-border"], "cross-border"),
    ("cross", "border", ["cross-border", "crossborder"], "crossborder"),
    ("multi", "agency", ["agency", "agency"], "multi-agency"),  # a hyphen-taking prefix before a word of the text
    ("multi", "agency", ["agency"], "multiagency"),  # 'agency' only here, as the broken half
    ("pre", "sent", ["sent", "sent"], "present"),  # not a prefix that takes a hyphen
    ("U.S.", "Mexico", [], "U.S.-Mexico"),
    ("2010", "2012", [], "2010-2012"),
])
def test_a_line_end_hyphen_goes_by_what_the_document_writes(head, tail, words, joined):
    from collections import Counter

    from extract.readers.pdf import joined_at_hyphen

    assert joined_at_hyphen(head, tail, Counter(words)) == joined


# --- claims and pages end to end -------------------------------------------------------------------

def _claims(records) -> list[tuple]:
    return [(c.figure.span.text, c.figure.value, c.figure.unit, c.source.entity.label, c.source.cue) for c in records.claims]


def test_claims_from_the_pdf_are_the_plain_texts_and_each_has_its_page(two_column_report, nlp):
    from extract.pipeline import extract
    from graph.queries import query_text
    from graph.rdf.mapping import RunInfo, article_graph
    from graph.store import ClaimStore

    path, title, paragraphs = two_column_report
    article = only(read_file(path, metadata={"url": "https://gao.example/reports/gao-24-1057.pdf"}))
    from_pdf = extract(article, nlp)
    from_text = extract(article_from_text("report.txt", plain(title, paragraphs)), nlp)
    assert from_pdf.claims, "the report's attributed figures are found"
    assert _claims(from_pdf) == _claims(from_text)
    assert {cue for *_, cue in _claims(from_pdf)} >= {"said", "according to", "told"}

    store = ClaimStore()
    store.add_nquads(article_graph(from_pdf, RunInfo("test", "test", "test")).nquads())
    rows = store.select(query_text("claims"))
    assert len(rows) == len(from_pdf.claims) and list(rows[0])[20] == "page"
    pages = {row["evidence"]: int(row["page"]) for row in rows}
    for claim in from_pdf.claims:
        assert pages[claim.evidence.text] == article.page_at(claim.figure.span.start)
    assert {int(row["page"]) for row in rows} == {1, 2, 3}
    links = store.select("""PREFIX cg: <https://w3id.org/claimgraph/ns#> PREFIX schema: <https://schema.org/>
        SELECT ?page ?link WHERE { ?s cg:page ?page ; schema:url ?link }""")
    assert links and all(row["link"] == f"https://gao.example/reports/gao-24-1057.pdf#page={row['page']}" for row in links)


@pytest.fixture(scope="module")
def report_store(two_column_report, nlp):
    """The report's graph in a store, read with an address that has a fragment of its own."""
    from extract.pipeline import extract
    from graph.rdf.mapping import RunInfo, article_graph
    from graph.store import ClaimStore

    path, _, _ = two_column_report
    article = only(read_file(path, metadata={"url": "https://gao.example/reports/gao-24-1057.pdf#summary"}))
    store = ClaimStore()
    store.add_nquads(article_graph(extract(article, nlp), RunInfo("test", "test", "test")).nquads())
    return store


def test_explorer_claims_carry_the_page_and_link_to_it(report_store):
    from graph.views.explorer import explorer_graph

    claims = [data for _, data in explorer_graph(report_store).nodes(data=True) if data.get("kind") == "Claim"]
    assert claims and {data["page"] for data in claims} == {"1", "2", "3"}
    for data in claims:
        assert data["articleUrl"] == f"https://gao.example/reports/gao-24-1057.pdf#page={data['page']}"


def test_the_explorer_panel_in_a_browser_says_the_page_and_opens_it(browser, report_store, tmp_path):
    """Each claim shown in Chromium: 'p. N' in the panel, and a link that opens the report there."""
    from graph.views.explorer import write_explorer

    write_explorer(report_store, tmp_path / "explorer.html")
    page, errors, requests = open_page(browser, tmp_path / "explorer.html")
    claims = page.evaluate("""() => JSON.parse(document.getElementById('graph-data').textContent).nodes
        .filter(n => n.kind === 'Claim').map(n => [n.id, n.info.page])""")
    assert claims
    for node_id, number in claims:
        page.evaluate("id => window.claimgraphShow(id)", node_id)
        panel = page.locator("#panel")
        assert f"page\np. {number}" in panel.inner_text()
        assert panel.locator("a").get_attribute("href") == f"https://gao.example/reports/gao-24-1057.pdf#page={number}"
    assert not errors and not requests


@pytest.mark.parametrize("url, page, link", [
    ("https://gao.example/r.pdf", "12", "https://gao.example/r.pdf#page=12"),
    ("https://gao.example/r.pdf#summary", "3", "https://gao.example/r.pdf#page=3"),
    ("https://gao.example/story.html", "", "https://gao.example/story.html"),
    ("file:///home/me/r.pdf", "12", ""),  # only web addresses are links
])
def test_served_explorer_links_a_claim_to_its_page(url, page, link):
    """The offline and the served explorer hold a claim as claim_attributes makes it from the claims
    table's row: the page, and the link to it."""
    from graph.views.labels import claim_attributes

    row = {name: "" for name in ("flow", "sourceLabel", "source", "article", "evidence", "cue", "subject",
                                 "period", "unit", "value", "low", "high", "qualifier", "title", "outlet", "date")}
    info = claim_attributes({**row, "value": "12", "page": page, "url": url}, {"figure": "12 rifles"})
    assert (info["articleUrl"], info["page"]) == (link, page)


def test_unpaged_input_has_no_page(nlp):
    from extract.pipeline import extract
    from graph.queries import query_text
    from graph.rdf.mapping import RunInfo, article_graph
    from graph.store import ClaimStore

    title, paragraphs = report(seed=5, sections=1)
    records = extract(article_from_text("report.txt", plain(title, paragraphs)), nlp)
    assert records.claims and records.article.page_at(0) is None
    store = ClaimStore()
    store.add_nquads(article_graph(records, RunInfo("test", "test", "test")).nquads())
    rows = store.select(query_text("claims"))
    assert rows and all(not row.get("page") for row in rows)


# --- what is refused -------------------------------------------------------------------------------

def raw_pdf(objects: dict[int, bytes], root: int = 1) -> bytes:
    """A PDF of numbered object bodies with a correct cross-reference table."""
    out, offsets = bytearray(b"%PDF-1.7\n"), {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref, size = len(out), max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
    return bytes(out + b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref))


def one_page(resources: bytes, content: bytes, filters: bytes = b"") -> dict[int, bytes]:
    return {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources %s /Contents 4 0 R >>" % resources,
            4: b"<< /Length %d %s >>\nstream\n" % (len(content), filters) + content + b"\nendstream"}


def test_a_scan_is_named_and_skipped(tmp_path):
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    path = tmp_path / "scanned-report.pdf"
    sheet = canvas.Canvas(str(path), invariant=1)
    sheet.drawImage(ImageReader(Image.new("L", (400, 500), 200)), 50, 100, 500, 600)
    sheet.showPage()
    sheet.save()
    error = only(read_file(path))
    assert isinstance(error, Skipped) and "scanned-report.pdf" in str(error) and "scan" in str(error)


def test_a_scanned_page_in_a_report_is_named(tmp_path):
    title, paragraphs = report(seed=4, sections=2)
    path = typeset_pdf(tmp_path / "annexed.pdf", title, paragraphs, Layout(columns=2, header=HEADER, scanned_annex=True))
    article = only(read_file(path))
    assert article.text == plain(title, paragraphs)
    pages = sorted({page for _, page in article.page_starts})
    assert article.warnings == [f"annexed.pdf: page(s) {pages[-1] + 1} are images with no text layer (scanned?): not read"]


def test_an_encrypted_pdf_is_named_and_skipped(tmp_path):
    title, paragraphs = report(seed=6, sections=1)
    path = typeset_pdf(tmp_path / "sealed.pdf", title, paragraphs, password="s3cret")
    error = only(read_file(path))
    assert isinstance(error, ArticleError) and "sealed.pdf" in str(error) and "password" in str(error)


def test_a_pdf_with_owner_restrictions_only_is_read_with_a_warning(tmp_path):
    """Encrypted with an empty user password (copying or printing restricted): readable, so read."""
    from reportlab.lib.pdfencrypt import StandardEncryption

    title, paragraphs = report(seed=6, sections=1)
    path = typeset_pdf(tmp_path / "restricted.pdf", title, paragraphs, password=StandardEncryption("", ownerPassword="owner", canCopy=0))
    article = only(read_file(path))
    assert article.text == plain(title, paragraphs)
    assert article.warnings == ["restricted.pdf: encrypted with an empty password (owner restrictions only): read"]


@pytest.mark.parametrize("objects, problem", [
    # 5,000 page-tree nodes, each the only kid of the one before
    ({1: b"<< /Type /Catalog /Pages 2 0 R >>",
      **{k: b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (k + 1) for k in range(2, 5002)},
      5002: b"<< /Type /Page /MediaBox [0 0 612 792] /Contents 5003 0 R >>",
      5003: b"<< /Length 0 >>\nstream\n\nendstream"}, "nested too deeply"),
    # a page whose content stream inflates to 60 MB (from 60 kB)
    (one_page(b"<< >>", zlib.compress(b"\0" * 60_000_000, 9), b"/Filter /FlateDecode"), "inflates to 60,000,000 bytes"),
], ids=["nested objects", "inflating stream"])
def test_pdf_bombs_are_refused_within_the_limits(tmp_path, objects, problem):
    path = tmp_path / "bomb.pdf"
    path.write_bytes(raw_pdf(objects))
    error = only(read_file(path))
    assert isinstance(error, ArticleError) and "bomb.pdf" in str(error) and problem in str(error)


def test_a_parse_over_its_memory_or_time_is_refused(tmp_path):
    from extract.readers.pdf import parse_pdf

    data = raw_pdf(one_page(b"<< >>", zlib.compress(b"BT ET " * 6_000_000, 9), b"/Filter /FlateDecode"))
    # over its memory, the parse fails at once, or (in a large parent whose allocator keeps retrying)
    # spins until its time is up: refused either way, never a hang
    with pytest.raises(ArticleError, match=r"refused: reading it (needed more than 16 MiB|still running after 10 s)"):
        parse_pdf(Path("heavy.pdf"), data, memory=16 * 2**20, seconds=10)
    with pytest.raises(ArticleError, match="still running after 0.5 s"):
        parse_pdf(Path("heavy.pdf"), data, seconds=0.5)


@pytest.mark.parametrize("name, data, problem", [
    ("broken.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 100, "malformed PDF"),
    ("broken.pdf", b"<html>not a pdf</html>", "not a PDF"),
    ("memo.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "encrypted with a password, or an old binary .doc"),
    ("memo.docx", b"PK\x03\x04 not really a zip", "not a Word document"),
], ids=["malformed pdf", "not a pdf", "encrypted docx or .doc", "docx not a zip"])
def test_a_broken_file_is_named(tmp_path, name, data, problem):
    path = tmp_path / name
    path.write_bytes(data)
    error = only(read_file(path))
    assert isinstance(error, ArticleError) and name in str(error) and problem in str(error)


def test_a_pdf_over_the_size_limit_is_refused(two_column_report):
    path, _, _ = two_column_report
    error = only(read_file(path, max_bytes=1000))
    assert isinstance(error, ArticleError) and "size limit" in str(error)


# --- Word ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def briefing(tmp_path_factory):
    from datetime import datetime

    title, paragraphs = report(seed=8, sections=2)
    path = tmp_path_factory.mktemp("docx") / "briefing.docx"
    typeset_docx(path, title, paragraphs, table=[["Fiscal year", "Firearms traced", "Source"], ["2021", "14,380", "ATF"]],
                 header="DRAFT - internal use only", footer="Page 1 of 3",
                 core={"title": "Briefing: Southwest Border", "author": "Office of Policy", "created": datetime(2022, 5, 4, 9, 30)})
    return path, title, paragraphs


def test_docx_body_in_order_with_headings_and_tables_without_headers_and_footers(briefing):
    path, title, paragraphs = briefing
    article = only(read_file(path))
    assert article.text == plain(title, paragraphs) + "\nFiscal year | Firearms traced | Source\n\n2021 | 14,380 | ATF\n"
    assert "DRAFT" not in article.text and "Page 1 of 3" not in article.text
    assert article.page_starts == []


def test_docx_core_properties_are_defaults_under_metadata_csv(briefing):
    path, _, _ = briefing
    article = only(read_file(path))
    assert (article.title, article.author, article.date) == ("Briefing: Southwest Border", "Office of Policy", "2022-05-04")
    assert article.provenance["author"] == "docx properties"
    given = only(read_file(path, metadata={"author": "Ruth Okafor"}))
    assert given.author == "Ruth Okafor" and given.title == "Briefing: Southwest Border"


def test_claims_from_the_docx_are_the_plain_texts(briefing, nlp):
    from extract.pipeline import extract

    path, title, paragraphs = briefing
    from_docx = extract(only(read_file(path)), nlp)
    from_text = extract(article_from_text("briefing.txt", plain(title, paragraphs)), nlp)
    assert from_text.claims
    assert _claims(from_docx)[:len(from_text.claims)] == _claims(from_text)


def test_a_docx_that_unpacks_past_the_limit_is_refused(briefing, monkeypatch):
    import extract.readers.docx as reader

    path, _, _ = briefing
    monkeypatch.setattr(reader, "MAX_UNPACKED", 10_000)
    error = only(read_file(path))
    assert isinstance(error, ArticleError) and "zip bomb" in str(error)
