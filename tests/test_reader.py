"""Reading articles: decoding, furniture, metadata and clear errors that name the file."""

from pathlib import Path

import pytest

from extract.reader import (CONTROL_SHARE, DIGIT_SHARE, LETTER_SHARE, ArticleError, article_files, find_furniture,
                            read_article, refuse_non_text)


def test_furniture_is_blanked_but_offsets_stay(tmp_path):
    text = ("Guns go south\n\nOfficials said 40 rifles were seized.\n\nShare This Article\n\n"
            "Tags: guns\nYou Might Like\nAnother story says 99 pistols.\n")
    path = tmp_path / "a.txt"
    path.write_text(text, encoding="utf-8")
    article = read_article(path)
    assert len(article.content) == len(article.text)
    assert "99 pistols" not in article.content and "40 rifles" in article.content
    assert article.title == "Guns go south"


def test_metadata_from_the_text(tmp_path):
    path = tmp_path / "b.txt"
    path.write_text("Border audit\n\nBy Ana Ruiz\n\nMarch 3, 2021\n\nText of the story.\n\nSource: Border Wire\n", encoding="utf-8")
    article = read_article(path)
    assert article.author == "Ana Ruiz"
    assert article.outlet == "Border Wire"
    assert article.date == "2021-03-03"  # the text's date, as ISO 8601


def test_bom_crlf_and_cp1252(tmp_path):
    bom = tmp_path / "bom.txt"
    bom.write_bytes("\ufeffTitle\r\nThe ATF said 12 rifles.\r\n".encode("utf-8"))
    article = read_article(bom)
    assert article.text == "Title\nThe ATF said 12 rifles.\n"
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes("Title\nMexico’s army lost 30 rifles.\n".encode("cp1252"))
    article = read_article(legacy)
    assert "Mexico’s" in article.text and article.warnings and "cp1252" in article.warnings[0]


@pytest.mark.parametrize("content, problem", [(b"", "empty"), (b"  \n\t ", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00", "binary")])
def test_bad_files_name_the_file_and_problem(tmp_path, content, problem):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ArticleError) as error:
        read_article(path)
    assert "bad.txt" in str(error.value) and problem in str(error.value)


def test_html_is_stripped(tmp_path):
    path = tmp_path / "page.html"
    path.write_text("<html><head><script>alert(1)</script></head><body><h1>Guns</h1><p>ICE said 5 rifles.</p></body></html>")
    article = read_article(path)
    assert "alert" not in article.text and "ICE said 5 rifles." in article.text


def test_size_limit(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("x" * 2000)
    with pytest.raises(ArticleError, match="size limit"):
        read_article(path, max_bytes=1000)


def test_article_files_skips_hidden_and_other_kinds(tmp_path):
    (tmp_path / "a.txt").write_text("A")
    (tmp_path / ".hidden.txt").write_text("B")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    assert [p.name for p in article_files(tmp_path)] == ["a.txt"]


def test_furniture_rules_cut_aggregator_blocks():
    text = "Story line.\nDenial of responsibility! Foo Times is an automatic aggregator.\nMore.\n"
    spans = find_furniture(text)
    assert spans and text[spans[0].start:].startswith("Denial")


def _refused_one_character_at_a_time(text: str) -> str | None:
    """The check as it was written before (one loop in Python over every character)."""
    sample = text[:65536]
    if not sample.strip():
        return None
    control = sum(1 for c in sample if ord(c) < 32 and c not in "\t\n\r\f" or 0x7f <= ord(c) < 0xa0)
    if control > CONTROL_SHARE * len(sample):
        return f"binary data, not text ({control / len(sample):.0%} control characters)"
    visible = [c for c in sample if not c.isspace()]
    letters = sum(1 for c in visible if c.isalpha())
    if visible and letters < LETTER_SHARE * len(visible):
        digits = sum(1 for c in visible if c.isdigit())
        what = "mostly digits" if digits > DIGIT_SHARE * len(visible) else "mostly symbols"
        return f"not prose: {what} ({letters / len(visible):.0%} letters)"
    return None


# every kind of character the counts tell apart: controls kept and counted, C1 controls, Unicode
# spaces, letters of other scripts, digits that are not decimal (superscripts) and numerals
EDGES = "\x00\x08\t\n\x0b\x0c\r\x0e\x1f \x7f\x80\x85\x9f\xa0\u2007\u2028\u3000aZé字ß9\u0660\u00b2\u00bd\u2167%-.€"


@pytest.mark.parametrize("text", [
    "", "   \n\t", "Guns crossed the border.", "12 34 56 78 90 12 34", "%%%% $$$$ ####", "a1" * 40,
    *[EDGES[i:] + EDGES[:i] for i in range(0, len(EDGES), 3)],
    *[character * 10 + "ab" for character in EDGES],
    *["ab " + character * n for character in EDGES for n in (1, 4, 9)],
])
def test_the_prose_check_counts_as_before(text):
    try:
        refuse_non_text(text, Path("article.txt"))
        found = None
    except ArticleError as error:
        found = error.problem
    assert found == _refused_one_character_at_a_time(text)
