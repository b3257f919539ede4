"""Each reader on real files: front matter, metadata.csv, HTML pages, JSON Lines and WARC (written
here with warcio), their precedence, and a clear message for each kind of bad input."""

from __future__ import annotations

import csv
import gzip
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from extract.reader import ArticleError, Skipped
from extract.readers import folder_metadata, read_file

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "claimgraph.cli"]

BODY = ("Rifles head south\n\nThe Sonora Prosecutor's Office said 212 rifles were seized in 2023, "
        "and officials estimate that 9,000 guns cross each year.\n\nAnother 350 pistols were found in Nogales in 2022.\n")
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Rifles head south | Desert Ledger</title>
<meta property="og:title" content="Rifles head south">
<meta property="og:site_name" content="Desert Ledger">
<meta name="author" content="Rosa Ibarra">
<meta property="article:published_time" content="2023-05-02T09:30:00Z">
<link rel="canonical" href="https://desertledger.example/2023/rifles">
<script>document.title = "injected"</script>
</head><body>
<nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/sports">Sports</a></nav>
<article><h1>Rifles head south</h1>
<p>The Sonora Prosecutor's Office said 212 rifles were seized in 2023, and officials estimate that 9,000 guns cross each year.</p>
<p>Investigators traced most of the rifles to dealers in Arizona, according to the office, which did not name them.</p>
</article>
<footer><p>Sign up for our newsletter. Copyright Desert Ledger 2023. All rights reserved.</p></footer>
</body></html>"""


def articles_of(path: Path, metadata: dict | None = None):
    found = list(read_file(path, metadata=metadata))
    return [a for a in found if not isinstance(a, ArticleError)], [e for e in found if isinstance(e, ArticleError)]


def test_front_matter_gives_metadata_and_the_text_starts_after_it(tmp_path):
    path = tmp_path / "ledger.md"
    path.write_text("---\ntitle: Rifles head south\nurl: https://desertledger.example/2023/rifles\n"
                    "outlet: Desert Ledger\nauthor: [Rosa Ibarra, Tom Web]\ndate: 2023-05-02\n---\n" + BODY)
    (article,), errors = articles_of(path)
    assert errors == []
    assert article.text == BODY  # offsets index the text after the block
    assert (article.title, article.url, article.outlet, article.date) == (
        "Rifles head south", "https://desertledger.example/2023/rifles", "Desert Ledger", "2023-05-02")
    assert article.authors == ["Rosa Ibarra", "Tom Web"]
    assert article.provenance["outlet"] == "front matter"


@pytest.mark.parametrize("front, problem", [
    ("---\ntitle: [unclosed\n---\n", "malformed front matter on line 2"),
    ("---\ntitle: no end\n", "never closed"),
    ("---\n- a list\n---\n", "expected 'key: value' lines"),
])
def test_malformed_front_matter_names_the_file_and_line(tmp_path, front, problem):
    path = tmp_path / "bad.txt"
    path.write_text(front + BODY)
    articles, (error,) = articles_of(path)
    assert articles == [] and str(error).startswith("bad.txt: ") and problem in str(error)


def test_metadata_csv_fills_what_the_file_does_not_say(tmp_path):
    (tmp_path / "a.txt").write_text("---\noutlet: Front Matter Wins\n---\n" + BODY)
    (tmp_path / "b.txt").write_text(BODY)
    with open(tmp_path / "metadata.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "title", "url", "outlet", "author", "date"])
        writer.writerow(["a.txt", "", "https://a.example/x", "CSV Outlet", "", "2020-01-02"])
        writer.writerow(["b.txt", "B title", "", "CSV Outlet", "Ann Lee", "March 4, 2021"])
        writer.writerow(["gone.txt", "", "", "Nobody", "", ""])
    rows, problems = folder_metadata(tmp_path)
    assert [str(p) for p in problems] == [f"metadata.csv line 4: names 'gone.txt', which is not in {tmp_path}: row ignored"]
    assert isinstance(problems[0], Skipped)
    (a,), _ = articles_of(tmp_path / "a.txt", rows["a.txt"])
    (b,), _ = articles_of(tmp_path / "b.txt", rows["b.txt"])
    assert a.outlet == "Front Matter Wins" and a.url == "https://a.example/x" and a.date == "2020-01-02"
    assert a.provenance["outlet"] == "front matter" and a.provenance["url"] == "metadata.csv"
    assert (b.title, b.outlet, b.author, b.date) == ("B title", "CSV Outlet", "Ann Lee", "2021-03-04")


def test_html_page_main_text_and_tags(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE)
    (article,), errors = articles_of(path)
    assert errors == []
    assert article.outlet == "Desert Ledger" and article.url == "https://desertledger.example/2023/rifles"
    assert article.authors == ["Rosa Ibarra"] and article.date == "2023-05-02"
    assert "212 rifles were seized" in article.text
    for furniture in ("Sports", "newsletter", "injected", "All rights reserved"):
        assert furniture not in article.text
    assert article.provenance["outlet"] == "page"


def test_html_page_without_main_text_is_an_error(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title></title></head><body><script>var a = 1;</script></body></html>")
    articles, (error,) = articles_of(path)
    assert articles == [] and str(error) == "empty.html: web page with no main text"


def test_jsonl_records_their_identity_and_bad_lines(tmp_path):
    path = tmp_path / "dump.jsonl"
    lines = [json.dumps({"id": "wire-1", "text": BODY, "outlet": "Wire One", "author": "Li Wei", "date": "2022-02-02",
                         "url": "https://wire.example/1"}),
             "{not json",
             json.dumps({"id": "wire-3", "text": "   "}),
             json.dumps({"text": BODY.replace("212", "313"), "url": "https://wire.example/4"}),
             json.dumps(["a", "list"])]
    path.write_text("\n".join(lines) + "\n")
    articles, errors = articles_of(path)
    assert [a.file_name for a in articles] == ["wire-1", "https://wire.example/4"]
    assert articles[0].outlet == "Wire One" and articles[0].provenance["outlet"] == "record"
    assert [str(e).split(":")[0] for e in errors] == ["dump.jsonl line 2", "dump.jsonl line 3", "dump.jsonl line 5"]
    assert "not JSON" in str(errors[0]) and "no text" in str(errors[1]) and "not a JSON object" in str(errors[2])


def write_warc(path: Path, truncate: bool = False) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for url, body, kind in (("https://desertledger.example/2023/rifles", PAGE.encode(), "text/html; charset=utf-8"),
                            ("https://desertledger.example/logo.png", b"\x89PNG....", "image/png"),
                            ("https://desertledger.example/2023/cash", PAGE.replace("212 rifles", "$4 million in cash")
                             .replace("9,000 guns", "$2 billion").encode(), "text/html")):
        headers = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    writer.write_record(writer.create_warc_record("https://desertledger.example/", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
    data = buffer.getvalue()
    path.write_bytes(data[: len(data) * 2 // 3] if truncate else data)


def test_warc_responses_are_articles_named_by_url(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    write_warc(path)
    found = list(read_file(path))
    articles = [a for a in found if not isinstance(a, ArticleError)]
    notes = [a for a in found if isinstance(a, Skipped)]
    assert [a.file_name for a in articles] == ["https://desertledger.example/2023/rifles", "https://desertledger.example/2023/cash"]
    assert all(a.outlet == "Desert Ledger" for a in articles)
    assert [str(n) for n in notes] == ["crawl.warc.gz: skipped 2 records that are not HTML responses"]


def test_truncated_warc_keeps_what_came_before(tmp_path):
    path = tmp_path / "cut.warc.gz"
    write_warc(path, truncate=True)
    found = list(read_file(path))
    errors = [e for e in found if isinstance(e, ArticleError) and not isinstance(e, Skipped)]
    assert any(not isinstance(a, ArticleError) for a in found)
    assert len(errors) == 1 and str(errors[0]).startswith("cut.warc.gz: truncated")


def test_build_of_every_format_and_the_articles_query(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "fm.md").write_text("---\noutlet: Desert Ledger\nurl: https://desertledger.example/a\ndate: 2023-05-02\n---\n" + BODY)
    (folder / "page.html").write_text(PAGE.replace("/2023/rifles", "/2023/page"))
    (folder / "dump.jsonl").write_text(json.dumps({"id": "wire-1", "text": BODY.replace("212", "515"), "outlet": "Wire One",
                                                   "url": "https://wire.example/1"}) + "\n{broken\n")
    write_warc(folder / "crawl.warc.gz")
    out = tmp_path / "out"
    run = subprocess.run(CLI + ["build", str(folder), "--out", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 2, run.stderr  # one bad JSONL line: reported, the rest built
    assert "dump.jsonl line 2: not JSON" in run.stderr and "skipped 2 records" in run.stderr
    rows = subprocess.run(CLI + ["query", "articles", "--graph", str(out / "graph.trig"), "--format", "csv"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout
    table = list(csv.DictReader(io.StringIO(rows)))
    assert list(table[0]) == ["article", "title", "url", "outlet", "author", "date", "language"]
    by_article = {row["article"]: row for row in table}
    assert set(by_article) == {"fm.md", "page.html", "wire-1", "https://desertledger.example/2023/rifles",
                               "https://desertledger.example/2023/cash"}
    assert by_article["fm.md"]["url"] == "https://desertledger.example/a" and by_article["fm.md"]["outlet"] == "Desert Ledger"
    assert by_article["fm.md"]["date"] == "2023-05-02"
    assert by_article["wire-1"]["outlet"] == "Wire One"
    assert {row["language"] for row in table} == {"en"}  # none says: the detector reads English in each
    claims = subprocess.run(CLI + ["query", "claims", "--graph", str(out / "graph.trig"), "--format", "csv", "--limit", "0"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout
    claim_rows = list(csv.DictReader(io.StringIO(claims)))
    assert {row["article"] for row in claim_rows} >= {"wire-1", "https://desertledger.example/2023/cash"}
    # nothing in these texts names the estimate's source: the outlet asserts it, by its own name
    estimate = [row for row in claim_rows if row["article"] == "fm.md" and row["value"] == "350"]
    assert estimate and estimate[0]["sourceLabel"] == "Desert Ledger"


def test_a_text_without_metadata_names_an_unknown_outlet_never_a_file(tmp_path, extract_text):
    records = extract_text("Guns south\n\nSome 4,000 rifles cross each year.\n", "mystery-file-name.txt")
    assert records.publisher.label == "unknown outlet"
    assert all("mystery" not in claim.source.entity.label for claim in records.claims)


@pytest.mark.parametrize("sentence, label, start, end", [
    ("Agents seized 40 rifles last year.", "last year (2023)", "2023-01-01", "2023-12-31"),
    ("The task force has seized 12 tons to date.", "to date (as of 2024-02-10)", None, "2024-02-10"),
    ("Since its inception in FY2020, the unit seized 300 guns.", "since FY2020 (to 2024-02-10)", "2019-10-01", "2024-02-10"),
    ("On March 6, officers seized $2 million.", "March 6 (2023-03-06)", "2023-03-06", "2023-03-06"),
    ("Over the past three years 900 guns were traced.", "the past three years (2021-02-10/2024-02-10)", "2021-02-10", "2024-02-10"),
    # a span of months that had not ended by the publication is last year's
    ("From mid-April through the end of August, inspectors seized 75 pistols.",
     "From mid-April through the end of August (2023-04-15/2023-08-31)", "2023-04-15", "2023-08-31"),
    ("Between November and January, agents seized 18 rifles.",
     "Between November and January (2023-11-01/2024-01-31)", "2023-11-01", "2024-01-31"),
    ("From June 2021 to March 2022, the unit traced 510 guns.", "From June 2021 to March 2022", "2021-06-01", "2022-03-31"),
])
def test_the_article_date_anchors_relative_periods(nlp, tmp_path, sentence, label, start, end):
    from extract.pipeline import extract

    path = tmp_path / "courier.txt"
    path.write_text(f"---\noutlet: Valley Courier\ndate: 2024-02-10\n---\nGuns south\n\n{sentence}\n")
    (article,), _ = articles_of(path)
    (claim,) = [c for c in extract(article, nlp).claims if c.figure.period]
    assert (claim.figure.period.label, claim.figure.period.start, claim.figure.period.end) == (label, start, end)


@pytest.mark.parametrize("text, outlet, author", [
    ("Guns go south\n\nBy Ana Ruiz, Border Courier\n\nOfficials seized 40 rifles.\n", "Border Courier", "Ana Ruiz"),
    ("Guns go south\n\nBy Ana Ruiz, Staff Writer\n\nOfficials seized 40 rifles.\n", None, "Ana Ruiz"),
    ("Guns go south\n\nBY PABLO ORTEGA\n\nOfficials seized 40 rifles.\n", None, "Pablo Ortega"),
    ("Guns go south\nFrontera Watch Analysis\n\nOfficials seized 40 rifles.\n", "Frontera Watch", None),
    ("Guns go south\n\nTelemundo News obtained records showing 40 rifles were seized.\n", "Telemundo News", None),
    ("Guns go south\n\nOfficials seized 40 rifles.\n\nThis article was originally published by Border Report.\n",
     "Border Report", None),
    ("U.S. Drug Enforcement Administration\nNEWS RELEASE\n\nDEA seizes rifles\nOfficials seized 40 rifles.\n",
     "U.S. Drug Enforcement Administration", None),
])
def test_what_a_text_says_of_its_own_outlet_and_author(text, outlet, author):
    from extract.reader import article_from_text

    article = article_from_text("composed.txt", text)
    assert (article.outlet, article.author) == (outlet, author)
