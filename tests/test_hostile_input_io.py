"""Issue 26, the input and build half: bad dates, YAML bombs, damaged archives, metadata tables,
JSONL records, renamed files, full disks. Each case gets a clear message naming the file (and
line or record), loses nothing, invents nothing, and leaves the previous build whole."""

import itertools
import json
from pathlib import Path

import pytest

from extract.reader import NotADate, iso_date
from extract.readers import read_file

BODY = "Rifles head south\n\nThe Bureau of Alcohol, Tobacco, Firearms and Explosives said 1,250 rifles were seized.\n"
MONTH_WORDS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December"]


def articles_and_errors(path: Path):
    found = list(read_file(path))
    return [a for a in found if hasattr(a, "sha256")], [str(e) for e in found if not hasattr(e, "sha256")]


# --- dates: kept at their precision, never completed, invalid ones left out with a warning ---

@pytest.mark.parametrize("year,month", list(itertools.product([1987, 2014, 2031], range(1, 13))))
def test_a_date_keeps_the_precision_it_was_given(year, month):
    assert iso_date(f"{year}-{month:02d}") == f"{year}-{month:02d}"
    assert iso_date(f"{MONTH_WORDS[month - 1]} {year}") == f"{year}-{month:02d}"
    assert iso_date(f"{MONTH_WORDS[month - 1]} 9, {year}") == f"{year}-{month:02d}-09"
    assert iso_date(f"9 {MONTH_WORDS[month - 1][:3]}. {year}") == f"{year}-{month:02d}-09"
    assert iso_date(f"{year}-{month:02d}-09T23:59:00Z") == f"{year}-{month:02d}-09"
    assert iso_date(str(year)) == iso_date(year) == str(year)


@pytest.mark.parametrize("value", ["2024-13-45", "2023-02-29", "2024-00", "Smarch 3, 2024", "last spring",
                                   {"y": 2024}, [2024], True, "20241", "2024-1-5x"])
def test_what_is_not_a_date_is_refused(value):
    with pytest.raises(NotADate):
        iso_date(value)


def test_a_bad_front_matter_date_is_a_warning_and_is_left_out(tmp_path):
    (tmp_path / "bad.txt").write_text(f"---\ntitle: T\ndate: 2024-13-45\n---\n{BODY}")
    (tmp_path / "month.md").write_text(f"---\ndate: 2014-03\n---\n{BODY}")
    (tmp_path / "day.md").write_text(f"---\ndate: 2014-03-07\n---\n{BODY}")
    [bad], errors = articles_and_errors(tmp_path / "bad.txt")
    assert not errors and bad.date is None and "date" not in bad.provenance
    assert any(w.startswith("bad.txt:") and "2024-13-45" in w and "left out" in w for w in bad.warnings), bad.warnings
    assert articles_and_errors(tmp_path / "month.md")[0][0].date == "2014-03"
    assert articles_and_errors(tmp_path / "day.md")[0][0].date == "2014-03-07"


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path):
    levels = ["a: &a [" + ",".join(['"lol"'] * 9) + "]"]
    for n, (name, below) in enumerate(zip("bcdefghij", "abcdefghi")):
        levels.append(f"{name}: &{name} [" + ",".join([f"*{below}"] * 9) + "]")
    (tmp_path / "bomb.txt").write_text("---\n" + "\n".join(levels) + "\ntitle: *j\n---\n" + BODY)
    articles, errors = articles_and_errors(tmp_path / "bomb.txt")  # refused at its first alias, not expanded
    assert not articles and len(errors) == 1
    assert errors[0].startswith("bomb.txt: malformed front matter on line 3") and "aliases" in errors[0]


def test_front_matter_or_a_record_nested_past_the_parser_is_an_error_not_a_crash(tmp_path):
    deep = "[" * 3000 + "]" * 3000
    long_body = BODY + "Officials said 7 trucks were stopped. " * 300 + "\n"
    (tmp_path / "deep.md").write_text(f"---\ntitle: {deep}\n---\n{long_body}")
    (tmp_path / "deep.jsonl").write_text(f'{{"id": "x", "text": {json.dumps(long_body)}, "title": {deep}}}\n'
                                         + json.dumps({"id": "y", "text": BODY}) + "\n")
    assert articles_and_errors(tmp_path / "deep.md") == ([], ["deep.md: malformed front matter: nested too deeply"])
    articles, errors = articles_and_errors(tmp_path / "deep.jsonl")
    assert [a.file_name for a in articles] == ["y"] and errors == ["deep.jsonl line 1: not JSON that can be read "
                                                                   "(nested too deeply)"]


def page(head: str) -> str:
    return (f"<html><head><title>Rifles head south</title>{head}</head><body><p>"
            + "The ATF said 200 rifles were seized at the border in March. " * 5 + "</p></body></html>")


@pytest.mark.parametrize("stated,kept", [("2014-03", "2014-03"), ("2014", "2014"), ("March 2014", "2014-03"),
                                         ("2014-03-07T10:00:00Z", "2014-03-07"), ("2014-13-45", None)])
@pytest.mark.parametrize("tag", ['<meta property="article:published_time" content="{}">',
                                 '<script type="application/ld+json">{{"@type": "NewsArticle", "datePublished": "{}"}}</script>',
                                 '<meta name="date" content="{}">'])
def test_a_page_date_is_read_from_its_tags_at_its_precision(tmp_path, tag, stated, kept):
    (tmp_path / "p.html").write_text(page(tag.format(stated)))
    [article], errors = articles_and_errors(tmp_path / "p.html")
    assert not errors and article.date == kept
    if kept is None:
        assert any(w.startswith("p.html:") and stated in w for w in article.warnings), article.warnings


@pytest.mark.parametrize("date,kept,warned", [({"y": 2024}, None, "{'y': 2024}"), ("2024-13-45", None, "2024-13-45"),
                                              ("2019-11", "2019-11", None), (2019, "2019", None)])
def test_a_jsonl_date_is_an_iso_date_or_left_out(tmp_path, date, kept, warned):
    record = {"id": "r1", "text": BODY, "date": date}
    (tmp_path / "feed.jsonl").write_text(json.dumps(record) + "\n")
    [article], errors = articles_and_errors(tmp_path / "feed.jsonl")
    assert not errors and article.date == kept
    if warned:
        assert any(w.startswith("feed.jsonl line 1:") and warned in w for w in article.warnings), article.warnings


def test_a_partial_date_has_the_xsd_type_of_its_precision():
    from graph.rdf.mapping import date

    assert date("2014").datatype.value.endswith("#gYear")
    assert date("2014-03").datatype.value.endswith("#gYearMonth")
    assert date("2014-03-07").datatype.value.endswith("#date")
    with pytest.raises(ValueError):
        date("March 2014")


@pytest.mark.parametrize("phrase", ["in the past year", "over the past three years", "in the last 18 months",
                                    "this year", "to date", "on March 6"])
def test_a_period_anchored_to_a_month_gets_no_made_up_day(phrase):
    from extract.periods import anchor, find_periods

    ((_, _, said, _),) = find_periods(phrase)
    anchored = anchor(said, "2024-03")
    assert anchored.start or anchored.end
    for end in (anchored.start, anchored.end):
        assert end is None or len(end) in (7, 10) and (len(end) == 7 or "March 6" in phrase or end.endswith("-01-01"))
    # a year alone anchors only what a year can place, and makes up no month or day
    by_year = anchor(said, "2024")
    for end in (by_year.start, by_year.end):
        assert end is None or len(end) == 4 or "March 6" in phrase or end.endswith("-01-01")


# --- JSONL records ---

def test_a_second_record_with_the_same_id_is_named_and_the_first_kept(tmp_path):
    records = [{"id": "r1", "text": BODY}, {"id": "r1", "text": BODY.replace("1,250", "7,000")},
               {"id": "r1", "text": BODY}, {"id": "r2", "outlet": ["A", "B"], "text": BODY}, {"id": "r3", "text": BODY}]
    (tmp_path / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    found = list(read_file(tmp_path / "feed.jsonl"))
    articles = [a for a in found if hasattr(a, "sha256")]
    assert [a.file_name for a in articles] == ["r1", "r3"] and "1,250" in articles[0].text
    problems = {str(e).split(":")[0]: (type(e).__name__, str(e)) for e in found if not hasattr(e, "sha256")}
    assert problems["feed.jsonl line 2"][0] == "ArticleError" and "'r1' again" in problems["feed.jsonl line 2"][1]
    assert "first is kept" in problems["feed.jsonl line 2"][1] and "line 1" in problems["feed.jsonl line 2"][1]
    assert problems["feed.jsonl line 3"][0] == "Skipped"  # the very same record: a note
    assert problems["feed.jsonl line 4"][0] == "ArticleError" and "outlet is a list" in problems["feed.jsonl line 4"][1]


# --- metadata.csv ---

def write_metadata(folder: Path, rows: list[list[str]]) -> None:
    import csv

    with open(folder / "metadata.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "title", "outlet", "date"])
        writer.writerows(rows)


def test_metadata_rows_twice_for_a_file_missing_files_and_paths_outside(tmp_path):
    from extract.readers import MISSING_LISTED, folder_metadata

    (tmp_path / "a.txt").write_text(BODY)
    missing = [[f"gone-{n}.txt", "T", "O", "2020-01-01"] for n in range(MISSING_LISTED + 500)]
    write_metadata(tmp_path, [["a.txt", "First", "Outlet One", "2020-01"], ["a.txt", "Second", "Outlet Two", ""],
                              ["../../etc/passwd", "X", "Y", ""], ["/etc/passwd", "X", "Y", ""], *missing])
    rows, problems = folder_metadata(tmp_path)
    assert rows == {"a.txt": {"title": "First", "outlet": "Outlet One", "date": "2020-01"}}
    said = [str(p) for p in problems]
    assert any(s.startswith("metadata.csv line 3:") and "second row for 'a.txt'" in s and "line 2" in s for s in said)
    assert any(s.startswith("metadata.csv line 4:") and "outside the article folder" in s for s in said)
    assert any(s.startswith("metadata.csv line 5:") and "outside the article folder" in s for s in said)
    assert sum("which is not in" in s for s in said) == MISSING_LISTED
    assert said[-1].endswith("metadata.csv: 500 more rows name missing files: ignored")
    assert len(said) == 3 + MISSING_LISTED + 1


def test_a_metadata_table_over_the_size_limit_is_not_read(tmp_path):
    from extract.readers import folder_metadata

    (tmp_path / "a.txt").write_text(BODY)
    write_metadata(tmp_path, [["a.txt", "T" * 5000, "O", ""]])
    rows, problems = folder_metadata(tmp_path, max_bytes=1000)
    assert rows == {} and len(problems) == 1 and "over the size limit of 1000" in str(problems[0])
    assert str(problems[0]).startswith("metadata.csv:")


# --- WARC archives ---

def warc_bytes(records: list[tuple[str, str]], compress: bool = True) -> bytes:
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    for url, charset in records:
        headers = StatusAndHeaders("200 OK", [("Content-Type", f"text/html; charset={charset}")], protocol="HTTP/1.1")
        body = page("").replace("200 rifles", f"{len(url)}0 rifles").encode("utf-8")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    return buffer.getvalue()


def member_ends(data: bytes) -> list[int]:
    """Where each gzip member of a .warc.gz ends: a record's end."""
    import zlib

    ends, rest = [], data
    while rest:
        member = zlib.decompressobj(31)
        member.decompress(rest)
        ends.append(len(data) - len(member.unused_data))
        rest = member.unused_data
    return ends


URLS = [f"https://news{n}.example/story" for n in range(1, 4)]


def test_a_warc_gz_cut_inside_a_record_says_truncated_and_keeps_the_records_before(tmp_path):
    data = warc_bytes([(url, "utf-8") for url in URLS])
    ends = member_ends(data)
    assert len(ends) == 3
    for cut in (ends[1] + 30, (ends[1] + ends[2]) // 2, ends[2] - 4):  # inside the third record, its trailer last
        (tmp_path / "cut.warc.gz").write_bytes(data[:cut])
        articles, errors = articles_and_errors(tmp_path / "cut.warc.gz")
        assert [a.file_name for a in articles] == URLS[:2 + (cut == ends[2] - 4)]
        assert len(errors) == 1 and errors[0].startswith("cut.warc.gz: truncated") and "kept" in errors[0]


@pytest.mark.parametrize("compress", [True, False])
def test_a_warc_record_header_cut_off_is_an_error_and_the_records_before_stay(tmp_path, compress):
    cut_header = b"WARC/1.0\r\nWARC-Type: response\r\n"
    (tmp_path / "only.warc").write_bytes(cut_header)
    articles, errors = articles_and_errors(tmp_path / "only.warc")
    assert not articles and len(errors) == 1 and errors[0].startswith("only.warc: truncated or damaged: record 1")
    import gzip

    name = "tail.warc.gz" if compress else "tail.warc"
    tail = gzip.compress(cut_header) if compress else cut_header
    (tmp_path / name).write_bytes(warc_bytes([(url, "utf-8") for url in URLS[:2]], compress) + tail)
    articles, errors = articles_and_errors(tmp_path / name)
    assert [a.file_name for a in articles] == URLS[:2]
    assert len(errors) == 1 and errors[0].startswith(f"{name}: truncated or damaged: record 3"), errors


def test_a_record_with_an_unusable_charset_is_read_as_utf8_and_the_rest_goes_on(tmp_path):
    (tmp_path / "cs.warc.gz").write_bytes(warc_bytes([(URLS[0], "idna"), (URLS[1], "rot13"), (URLS[2], "no-such")]))
    articles, errors = articles_and_errors(tmp_path / "cs.warc.gz")
    assert not errors and [a.file_name for a in articles] == URLS
    for article, charset in zip(articles, ["idna", "rot13", "no-such"]):
        assert article.warnings == [f"cs.warc.gz record {URLS.index(article.file_name) + 1} ({article.file_name}): "
                                    f"charset {charset!r} cannot be used: read as UTF-8"]


# --- the build: renamed files, other builds' folders, the explorer's focus ---

OUTPUTS = ("graph.trig", "explorer.html", "articles.csv", "claims.csv", "brief.csv", "conflicts.csv")


def texts(n: int) -> list[str]:
    """Invented articles: a figure each, from a different agency."""
    agencies = ["The Drug Enforcement Administration", "U.S. Customs and Border Protection", "The FBI"]
    return [f"Story {n}\n\n{agencies[n % 3]} said {n + 3}00 rifles were seized at the border in 2021.\n" for n in range(n)]


def test_a_renamed_file_builds_byte_for_byte_as_a_fresh_build(tmp_path):
    from claimgraph.build import build

    folder = tmp_path / "articles"
    folder.mkdir()
    first, second = texts(2)
    for name, text in (("a.txt", first), ("b.txt", second), ("d.txt", first)):  # d.txt: a.txt's text again
        (folder / name).write_text(text)
    assert build(folder, tmp_path / "inc", workers=1).ok
    (folder / "b.txt").rename(folder / "c.txt")
    (folder / "d.txt").unlink()  # a.txt, unchanged, loses its other name
    summary = build(folder, tmp_path / "inc", workers=1)
    assert summary.added == ["c.txt"] and summary.removed == ["b.txt", "d.txt"] and summary.ok
    assert build(folder, tmp_path / "fresh", workers=1).ok
    for name in OUTPUTS:
        assert (tmp_path / "inc" / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes(), name
    graph = (tmp_path / "inc" / "graph.trig").read_text()
    assert '"c.txt"' in graph and '"b.txt"' not in graph and '"d.txt"' not in graph
    inc = json.loads((tmp_path / "inc" / "manifest.json").read_text())
    assert inc["articles"] == json.loads((tmp_path / "fresh" / "manifest.json").read_text())["articles"]


def test_no_folder_a_build_made_is_read_as_articles(tmp_path):
    from claimgraph.build import BuildError, build

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(texts(1)[0])
    assert build(folder, folder / "build", workers=1).ok  # the default --out, run inside the folder
    (folder / "old").mkdir()
    for name in ("explorer.html", "graph.trig", ".claimgraph-build"):  # an earlier build moved aside
        (folder / "old" / name).write_bytes((folder / "build" / name).read_bytes())
    summary = build(folder, folder / "build", workers=1)
    assert summary.articles == 1 and not summary.added and not summary.failed
    assert any(w.startswith("old: holds .claimgraph-build") for w in summary.warnings), summary.warnings
    with pytest.raises(BuildError, match="old: holds .claimgraph-build: it is a build's output folder"):
        build(folder / "old", tmp_path / "out", workers=1)


def test_explore_focus_on_a_name_nothing_has_fails_and_validate_reports_bad_literals(tmp_path):
    import subprocess
    import sys

    from claimgraph.build import build

    from .conftest import ROOT

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(texts(2)[1])
    assert build(folder, tmp_path / "out", workers=1).ok
    explore = [sys.executable, "-m", "claimgraph.cli", "explore", "-g", str(tmp_path / "out" / "graph.trig"),
               "--out", str(tmp_path / "focus.html")]
    missed = subprocess.run(explore + ["--focus", "CPB"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert missed.returncode == 1 and not (tmp_path / "focus.html").exists()
    assert "--focus 'CPB' matches no source, operation or flow; nearest: 'CBP'" in missed.stderr, missed.stderr
    found = subprocess.run(explore + ["--focus", "cbp"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert found.returncode == 0 and (tmp_path / "focus.html").exists(), found.stderr

    # validate: a literal its datatype cannot read is reported, never a traceback and "conforms"
    validate = [sys.executable, "-m", "claimgraph.cli", "validate", "-g"]
    good = subprocess.run(validate + [str(tmp_path / "out" / "graph.trig")], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert good.returncode == 0 and "conforms" in good.stderr, good.stdout + good.stderr
    trig = (tmp_path / "out" / "graph.trig").read_text()
    headline = trig.index("schema:headline")
    (tmp_path / "bad.trig").write_text(trig[:headline] + 'schema:datePublished "2024-13-45"^^xsd:date ; ' + trig[headline:])
    bad = subprocess.run(validate + [str(tmp_path / "bad.trig")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert bad.returncode == 1 and "Traceback" not in bad.stdout + bad.stderr and "conforms to" not in bad.stderr
    assert '1 literal(s) not valid for their datatype' in bad.stdout and '"2024-13-45"' in bad.stdout


# --- a full disk during a rebuild: nothing switched until everything is written ---

def snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.parts[len(out.parts)] not in ("cache", "store") and p.name != ".claimgraph-lock"}


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.endswith(".next") or p.name.startswith(("store.new-", "store.old"))
                  or p.name in ("store.updating", ".store.reserve")) + sorted(p.name for p in (out / "store").glob(".*.next"))


@pytest.fixture
def full_disk(monkeypatch):
    """Writes of files whose name holds a given part fail as on a full disk (at their fsync)."""
    import errno
    import os

    import graph.files

    failing = []
    real_fsync = os.fsync

    def fsync(fd):
        if any(part in os.readlink(f"/proc/self/fd/{fd}") for part in failing):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(graph.files.os, "fsync", fsync)
    return failing


@pytest.mark.parametrize("in_place", [True, False])
def test_a_full_disk_during_a_rebuild_leaves_the_previous_build_whole(tmp_path, full_disk, monkeypatch, in_place):
    from claimgraph.build import BuildError, build
    from graph.queries import query_text
    from graph.store import ClaimStore, StoreError, open_built

    folder, out = tmp_path / "articles", tmp_path / "out"
    folder.mkdir()
    for n, text in enumerate(texts(3)):
        (folder / f"{n}.txt").write_text(text)
    assert build(folder, out, workers=1, exports=("trig", "nq")).ok
    if not in_place:
        (out / "store" / "ANALYSIS.nq").unlink()  # the store is then made anew beside the old one
    # sorted: rows that tie in the query's order come in the engine's order
    before, entities = snapshot(out), sorted(map(str, open_built(out / "graph.trig").select(query_text("entities"))))
    assert entities
    (folder / "1.txt").write_text(texts(3)[1] + "Officials said 4,321 pistols were found in 2020.\n")
    for part in (".graph.trig.next", ".graph.nq.", ".explorer.html.next", ".claims.csv.next", ".manifest.json.next",
                 "ANALYSIS.nq.next", ".SOURCE."):
        full_disk[:] = [part]
        with pytest.raises(BuildError, match=f"{part.strip('.')}.*No space left on device"):
            build(folder, out, workers=1, exports=("trig", "nq"))
        assert snapshot(out) == before, part
        assert leftovers(out) == [], part
        assert sorted(map(str, open_built(out / "graph.trig").select(query_text("entities")))) == entities, part
    full_disk[:] = []
    if in_place:  # the store fails after the update has begun: it is put back as it was
        real_load = ClaimStore.load_nquads_file

        def load_then_fail(store, path):  # the update's load fails once it is written; the undo's goes through
            real_load(store, path)
            if not (out / ".store.reserve").exists():
                return
            raise StoreError(f"{path}: IO error: No space left on device")

        monkeypatch.setattr(ClaimStore, "load_nquads_file", load_then_fail)
        with pytest.raises(BuildError, match="No space left on device") as failed:
            build(folder, out, workers=1, exports=("trig", "nq"))
        monkeypatch.undo()
        assert "could not be put back" not in str(failed.value), failed.value
        assert snapshot(out) == before and leftovers(out) == []
        assert sorted(map(str, open_built(out / "graph.trig").select(query_text("entities")))) == entities
    else:  # the fresh store's article graphs fail to load (a full disk): the error is heard, nothing is lost
        from graph.rdf.mapping import ANALYSIS_GRAPH

        real_bulk_load = ClaimStore.bulk_load_nquads

        def load_fails(store, data):  # the analysis's own load goes through: the articles' load alone fails
            if f"<{ANALYSIS_GRAPH}> .".encode() in data:
                return real_bulk_load(store, data)
            raise StoreError("store.new: IO error: No space left on device")

        monkeypatch.setattr(ClaimStore, "bulk_load_nquads", load_fails)
        with pytest.raises(BuildError, match="store.new: IO error: No space left on device"):
            build(folder, out, workers=1, exports=("trig", "nq"))
        monkeypatch.undo()
        assert snapshot(out) == before and leftovers(out) == []
        assert sorted(map(str, open_built(out / "graph.trig").select(query_text("entities")))) == entities
    summary = build(folder, out, workers=1, exports=("trig", "nq"))
    assert summary.ok and summary.changed == ["1.txt"] and leftovers(out) == []
    assert snapshot(out) != before
