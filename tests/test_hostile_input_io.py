"""Issue 26, the input and build half: bad dates, YAML bombs, damaged archives, metadata tables,
JSONL records, renamed files, full disks. Each case gets a clear message naming the file (and
line or record), loses nothing, invents nothing, and leaves the previous build whole."""

import itertools
import json
import time
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
    started = time.monotonic()
    articles, errors = articles_and_errors(tmp_path / "bomb.txt")
    assert time.monotonic() - started < 2
    assert not articles and len(errors) == 1
    assert errors[0].startswith("bomb.txt: malformed front matter on line 3") and "aliases" in errors[0]


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
