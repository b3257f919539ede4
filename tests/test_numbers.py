"""The figure parser: digits and words, bounds, ranges, money, percent; property tests with hypothesis."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.numbers import find_numbers, parse_number_words, reject_reason
from graph.views.labels import format_number


def only(text):
    found = [n for n in find_numbers(text) if reject_reason(text, n) is None]
    assert len(found) == 1, [text[n.start:n.end] for n in found]
    return found[0]


@pytest.mark.parametrize("text, value, low, high", [
    ("agents seized 2,306 firearms", 2306, None, None),
    ("Ninety percent of the weapons", 90, None, None),
    ("up to a million firearms", None, None, 1_000_000),
    ("over a half million rifles", None, 500_000, None),
    ("between 250,000 and 1 million weapons", None, 250_000, 1_000_000),
    ("250,000–1 million guns a year", None, 250_000, 1_000_000),
    ("from $18 billion to $39 billion a year", None, 18e9, 39e9),
    ("between $19 and $29 billion annually", None, 19e9, 29e9),
    ("at least 179 firearms", None, 179, None),
    ("less than 1% of all firearms", None, None, 1),
    ("fewer than 40 arrests", None, None, 40),
    ("$1.2 million in U.S. currency", 1_200_000, None, None),
    ("$10 billion in damages", 10e9, None, None),
    ("seven individuals", 7, None, None),
    ("twenty-three pistols", 23, None, None),
    ("11, 205 rounds", 11205, None, None),
])
def test_values_and_bounds(text, value, low, high):
    n = only(text)
    assert (n.value, n.low, n.high) == (value, low, high)


def test_hedges_are_kept_as_qualifiers():
    n = only("approximately 30\u00a0percent of their firearms")
    assert n.value == 30 and n.percent and n.qualifier == "approximately"
    assert only("nearly double the seizures").multiplier


def test_money_has_its_currency():
    assert only("$58 million in illegal currency").currency == "USD"
    assert only("500 million pesos").currency == "MXN"


@pytest.mark.parametrize("text", ["Article 89 of the Constitution", "the 1078th edition", "a .50-caliber rifle",
                                  "at 7:00 p.m.", "arrested in 2019", "security chief from 2006-2012",
                                  "27-gallon plastic storage totes", "rounds of 7.62 x 39 ammunition",
                                  # digits glued to letters are a name or a spreadsheet cell, never a count
                                  "=SUM(A1:A9) rifles", "@SUM(B2:B40) guns", "a G17 pistol", "the M4 carbines",
                                  "una pistola G19"])
def test_not_figures(text):
    assert all(reject_reason(text, n) for n in find_numbers(text)), [text[n.start:n.end] for n in find_numbers(text)]


def test_vague_words_are_not_numbers():
    assert find_numbers("dozens of networks and hundreds of officials") == []
    assert find_numbers("half a dozen officials") == []


def test_number_words():
    assert parse_number_words("half a million") == 500_000
    assert parse_number_words("two hundred fifty thousand") == 250_000
    assert parse_number_words("a million") == 1_000_000
    assert parse_number_words("cartels") is None


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_crashes_and_offsets_slice_back(text):
    for n in find_numbers(text):
        assert 0 <= n.start < n.end <= len(text)
        assert text[n.start:n.end].strip()
        reject_reason(text, n)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_printed_numbers_parse_back(value):
    text = f"seized {format_number(value)} rounds"
    found = find_numbers(text)
    assert found and found[0].value == value


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=10**9), st.integers(min_value=1, max_value=10**9))
def test_ranges_parse_back_without_midpoints(a, b):
    low, high = sorted((a, b))
    if low == high:
        return
    found = find_numbers(f"between {format_number(low)} and {format_number(high)} guns")
    assert (found[0].value, found[0].low, found[0].high) == (None, low, high)


def test_two_figures_joined_by_and_are_both_found():
    text = "7,224 rounds in FY 2022 and 11, 205 rounds in FY 2023"
    values = [n.value for n in find_numbers(text) if reject_reason(text, n) is None]
    assert values == [7224, 11205]
    text = "seized 40 rifles and 12 pistols"
    assert [n.value for n in find_numbers(text)] == [40, 12]


# --- amounts with a scale word are exact: '8.2 million' is 8200000, not 8199999.999999999 --------------------

EXACT_FORMS = [  # (language, the text, the exact amount as the text gives it)
    ("en", "$8.2 million in cash", "8200000"),
    ("en", "1.5 billion dollars", "1500000000"),
    ("es", "2.75 millones de pesos", "2750000"),
    ("en", "0.3 million rounds", "300000"),
    ("en", "12.345 thousand rounds", "12345"),
    ("es", "19 mil 317 armas", "19317"),
    ("en", "one and a half million rounds", "1500000"),
    ("es", "un millón y medio de pesos", "1500000"),
]
SCALES = {"en": [("thousand", 3), ("million", 6), ("billion", 9)], "es": [("mil", 3), ("millones", 6), ("mil millones", 9)]}
NUMERALS = ["8.2", "0.3", "1.1", "2.75", "4.35", "9.99", "0.07", "33.3", "0.29", "7.123"]


def _exact(text: str, language: str):
    from graph.rdf.mapping import decimal_literal

    found = [n for n in find_numbers(text, language) if reject_reason(text, n, language) is None]
    assert len(found) == 1, [text[n.start:n.end] for n in found]
    return found[0].value, decimal_literal(found[0].value).value


@pytest.mark.parametrize("language, text, amount", EXACT_FORMS + [
    (language, f"{numeral} {scale} rifles", format(Decimal(numeral).scaleb(power).normalize(), "f"))
    for language, scales in SCALES.items() for scale, power in scales for numeral in NUMERALS
    if not (language == "es" and len(numeral.partition(".")[2]) == 3)])  # '7.123' groups thousands in Spanish
def test_a_scaled_amount_is_stored_as_the_text_gives_it(language, text, amount):
    value, stored = _exact(text, language)
    assert value == float(Decimal(amount)) and stored == amount, (text, value, stored)


def test_a_scaled_amount_reaches_the_claims_table_exactly(extract_text):
    from graph.queries import query_text
    from graph.rdf.mapping import RunInfo, article_graph
    from graph.store import ClaimStore

    records = extract_text("The Kessel Border Agency said officers seized $8.2 million in cash and 0.3 million rounds.\n")
    store = ClaimStore()
    store.add_nquads(article_graph(records, RunInfo("test", "test", "test")).nquads())
    values = {row["value"] for row in store.select(query_text("claims"))}
    assert {"8200000", "300000"} <= values, values


@pytest.mark.parametrize("words, value", [("half a million", 500_000), ("a half million", 500_000),
                                          ("one and a half million", 1_500_000), ("two and a half billion", 2_500_000_000),
                                          ("a million and a half", 1_500_000)])
def test_a_half_counts_with_the_number_before_it(words, value):
    assert parse_number_words(words) == value
