"""Property tests (hypothesis) on the text normaliser and on extraction end to end: they never
crash, and every offset slices back to its evidence."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.reader import ArticleError, article_from_text, find_furniture

WORDS = ["ATF", "said", "that", "Mexico", "guns", "rifles", "were", "seized", "according to", "CBP", "2,306",
         "$58 million", "90 percent", "between 250,000 and 1 million", "up to", "annually", "in FY2022", "\u201c", "\u201d",
         "\n", "\n\n", "You Might Like", "Share This Article", ".", ",", "<b>", "&amp;", "\r\n", "\ufeff", "\u00a0"]
texts = st.lists(st.sampled_from(WORDS) | st.text(max_size=12), min_size=1, max_size=60).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_normaliser_never_crashes_and_keeps_offsets(text):
    try:
        article = article_from_text("t.txt", text)
    except ArticleError:
        return
    assert len(article.content) == len(article.text)
    assert "\r" not in article.text and not article.text.startswith("\ufeff")
    for span in find_furniture(article.text):
        assert article.text[span.start:span.end] == span.text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(texts)
def test_extraction_never_crashes_and_evidence_slices_back(nlp, text):
    from extract.pipeline import extract

    try:
        article = article_from_text("t.txt", "Title line\n\n" + text)
    except ArticleError:
        return
    records = extract(article, nlp)
    for claim in records.claims:
        assert article.text[claim.evidence.start:claim.evidence.end] == claim.evidence.text
        assert article.text[claim.figure.span.start:claim.figure.span.end] == claim.figure.span.text
        assert claim.evidence.start <= claim.figure.span.start and claim.figure.span.end <= claim.evidence.end
    for relation in records.relations:
        assert article.text[relation.evidence.start:relation.evidence.end] == relation.evidence.text


def test_a_proper_noun_speaker_with_nothing_left_of_its_name(extract_text):
    # found by hypothesis: the cleaned name of the speaker was empty
    records = extract_text("said 01AL\x93÷1 according to 90 percent \xa0 “ \x0f")
    for claim in records.claims:
        assert claim.source.entity.label.strip()
