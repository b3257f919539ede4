"""Periods said relative to the text's own time, anchored to its date of publication. Grids of
expressions x publication dates (a day, a month, a year, none), then invented sentences end to end."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from extract.periods import anchor, find_periods, period_near, weekday_names

DAYS = ["2024-02-10", "2011-11-15", "2019-01-03", "2020-03-01"]  # a leap year, January, the first of a month
PRECISIONS = {"day": lambda d: d, "month": lambda d: d[:7], "year": lambda d: d[:4]}
COUNTS = {"two": 2, "three": 3, "five": 5, "seven": 7, "10": 10}


def only_period(phrase: str):
    (found,) = find_periods(phrase)
    return found[2]


@pytest.mark.parametrize("published, precision", list(itertools.product(DAYS, PRECISIONS)))
def test_calendar_years_and_months(published, precision):
    given = PRECISIONS[precision](published)
    year = int(published[:4])
    last_year = anchor(only_period("agents seized it last year"), given)
    assert (last_year.start, last_year.end) == (f"{year - 1}-01-01", f"{year - 1}-12-31")
    assert str(year - 1) in last_year.label
    this_year = anchor(only_period("so it was this year"), given)
    assert this_year.start == f"{year}-01-01" and this_year.end == given
    last_month = anchor(only_period("it was last month"), given)
    if precision == "year":
        assert last_month.start is None and last_month.relative is not None  # a year cannot place a month
    else:
        first = date(year, int(published[5:7]), 1)
        before = first - timedelta(days=1)
        assert (last_month.start, last_month.end) == (before.replace(day=1).isoformat(), before.isoformat())


@pytest.mark.parametrize("published, count, opener, word", list(itertools.product(
    DAYS, COUNTS, ["in the past", "over the previous", "during the last"], ["years", "months"])))
def test_the_previous_n_units_run_back_from_the_publication(published, count, opener, word):
    period = anchor(only_period(f"{opener} {count} {word}"), published)
    n = COUNTS[count]
    end = date.fromisoformat(published)
    months_back = n * 12 if word == "years" else n
    y, m = divmod(end.year * 12 + end.month - 1 - months_back, 12)
    assert period.end == published
    assert period.start[:7] == f"{y:04d}-{m + 1:02d}"
    assert f"{count} {word}" in period.label and published in period.label


@pytest.mark.parametrize("count", COUNTS)
def test_previous_years_at_the_precision_known(count):
    n = COUNTS[count]
    assert anchor(only_period(f"the previous {count} years"), "2011-11").label.endswith(f"({2011 - n}-11/2011-11)")
    period = anchor(only_period(f"the previous {count} years"), "2011-11")
    assert (period.start, period.end) == (f"{2011 - n}-11", "2011-11")  # no day made up
    period = anchor(only_period(f"the previous {count} years"), "2011")
    assert period.label.endswith(f"({2011 - n}/2011)") and (period.start, period.end) == (f"{2011 - n}", "2011")
    assert anchor(only_period("the previous 18 months"), "2011") == only_period("the previous 18 months")


@pytest.mark.parametrize("published, phrase", list(itertools.product(DAYS, ["to date", "so far", "thus far"])))
def test_to_date_runs_to_the_publication(published, phrase):
    for given in (published, published[:7], published[:4]):
        period = anchor(only_period(f"seized {phrase}"), given)
        assert period.label == f"{phrase} (as of {given})"
        assert period.start is None and period.end == given


@pytest.mark.parametrize("published, fiscal", list(itertools.product(DAYS, [2015, 2020, 2022])))
def test_since_an_inception_runs_from_its_fiscal_year_to_the_publication(published, fiscal):
    period = anchor(only_period(f"Since its inception in FY{fiscal}, the unit"), published)
    assert (period.start, period.end) == (f"{fiscal - 1}-10-01", published)
    assert period.label.startswith(f"since FY{fiscal}")  # a fiscal year stays a fiscal year


@pytest.mark.parametrize("published, weekday", list(itertools.product(DAYS, weekday_names())))
def test_a_weekday_is_the_latest_such_day_on_or_before_the_publication(published, weekday):
    period = anchor(only_period(f"On {weekday.title()}, agents"), published)
    day, published_day = date.fromisoformat(period.start), date.fromisoformat(published)
    assert period.start == period.end
    assert day.weekday() == weekday_names().index(weekday)
    assert published_day - timedelta(days=6) <= day <= published_day
    # a weekday needs the day of publication: a month or a year leaves it as said
    assert anchor(only_period(f"On {weekday.title()}, agents"), published[:7]).start is None


@pytest.mark.parametrize("published, month, day", list(itertools.product(DAYS, ["January", "March", "August", "November"], [1, 9, 23])))
def test_a_day_of_a_month_takes_the_year_of_the_publication_or_the_one_before(published, month, day):
    period = anchor(only_period(f"on {month} {day}, officers"), published)
    placed, published_day = date.fromisoformat(period.start), date.fromisoformat(published)
    assert published_day - timedelta(days=366) < placed <= published_day
    assert (placed.strftime("%B"), placed.day) == (month, day)
    assert anchor(only_period(f"on {month} {day}, officers"), published[:4]).start[:4] == published[:4]


@pytest.mark.parametrize("phrase", ["last year", "this month", "to date", "on Sunday", "on August 23",
                                    "the past three years", "the next 45 days", "since FY2020", "last week"])
def test_without_a_publication_date_a_relative_period_stays_as_said(phrase):
    period = only_period(phrase)
    for published in (None, "", "sometime in spring"):
        kept = anchor(period, published)
        assert kept == period and not (kept.end and not kept.start)  # never anchored to today


@pytest.mark.parametrize("average, span, label, start, end", [
    ("an average of {n} {thing} a year", "from FY{a} to FY{b}", "annual, FY{a}-FY{b}", "{a0}-10-01", "{b}-09-30"),
    ("an annual average of {n} {thing}", "between {a} and {b}", "annual, {a}-{b}", "{a}-01-01", "{b}-12-31"),
    ("{n} {thing} per year", "from {a} through {b}", "annual, {a}-{b}", "{a}-01-01", "{b}-12-31"),
])
@pytest.mark.parametrize("agency, thing, n, years", [
    ("the Frontier Bureau", "rifles", "4,300", (2014, 2019)),
    ("Agency Q", "pistols", "912", (2008, 2012)),
    ("the Korvan Customs Service", "rounds", "61,000", (2016, 2021)),
])
def test_an_average_keeps_its_span(average, span, label, start, end, agency, thing, n, years):
    a, b = years
    fill = {"n": n, "thing": thing, "a": a, "b": b, "a0": a - 1}
    for sentence in (f"{agency} seized {average.format(**fill)} {span.format(**fill)}.",
                     f"{span.format(**fill).capitalize()}, {agency} seized {average.format(**fill)}."):
        i = sentence.index(n)
        period = period_near(sentence, i, i + len(n))
        assert (period.label, period.start, period.end, period.periodicity) == (
            label.format(**fill), start.format(**fill), end.format(**fill), "annual"), sentence


@pytest.mark.parametrize("agency, place, when, published, iso", [
    ("Valdora Border Police", "Ostrava Bridge", "On August 23", "2024-09-02", "2024-08-23"),
    ("the Tenmile Customs Office", "Kessel crossing", "On Sunday", "2024-09-04", "2024-09-01"),
    ("Agency Nuevo", "Port Lira", "On January 30", "2020-01-31", "2020-01-30"),
])
def test_figures_of_a_dated_event_take_its_day(nlp, agency, place, when, published, iso):
    from extract.pipeline import extract
    from extract.reader import article_from_text

    text = (f"Rifles seized at {place}\n\n{when}, officers of {agency} seized 2,450 rounds of ammunition and 37 rifles "
            f"at the {place}. The seizure also included 19 pistols.\n\nIn fiscal year 2019, officers seized 800 rifles.\n")
    article = article_from_text("event.txt", text, given=[("front matter", {"date": published, "outlet": "Valley Post"})])
    records = extract(article, nlp)
    periods = {c.figure.value: (c.figure.period.start if c.figure.period else None) for c in records.claims}
    assert periods.get(2450) == iso and periods.get(37) == iso and periods.get(19) == iso, periods
    assert periods.get(800) == "2018-10-01"
    inferred = {c.figure.value: c.figure.period.inferred_from for c in records.claims if c.figure.period}
    # the text dates 2,450 and 37; the 19 pistols take the seizure's day, and say so
    assert inferred.get(2450) is None and inferred.get(37) is None and inferred.get(800) is None, inferred
    assert inferred.get(19) == "an earlier sentence's seizure", inferred


def _claims_table(records) -> list[dict]:
    from graph.queries import query_text
    from graph.rdf.mapping import RunInfo, article_graph
    from graph.store import ClaimStore

    store = ClaimStore()
    store.add_nquads(article_graph(records, RunInfo("test", "test", "test")).nquads())
    return store.select(query_text("claims"))


@pytest.mark.parametrize("city, agency, day, iso", [
    ("OSTRAVA, Texas", "Valdora Border Agency", "August 17, 2024", "2024-08-17"),
    ("PORT LIRA, Ariz.", "Tenmile Customs Office", "March 3, 2023", "2023-03-03"),
])
def test_a_period_taken_from_the_lede_is_marked_inferred(nlp, city, agency, day, iso):
    """A release's later figure with no period of its own gets the lede's day, marked as inferred
    in the records, the graph and the claims table; the lede's own figure stays as stated."""
    from extract.pipeline import extract
    from extract.reader import article_from_text

    text = (f"{agency} officers seize ammunition\n\n{city} – {agency} officers seized 92,900 rounds of ammunition "
            f"{day}, at the Kessel crossing.\n\nA total of 59,900 rounds of ammunition were seized in the trailer.\n")
    records = extract(article_from_text("release.txt", text), nlp)
    periods = {c.figure.value: c.figure.period for c in records.claims}
    assert periods.get(92900) and periods[92900].start == iso and periods[92900].inferred_from is None, periods
    assert periods.get(59900) and periods[59900].start == iso, periods
    assert periods[59900].inferred_from == "the release's first paragraph"
    rows = {float(row["value"]): row for row in _claims_table(records)}
    assert list(next(iter(rows.values())))[-1] == "periodInferred"
    assert rows[92900]["periodInferred"] == "false" and rows[59900]["periodInferred"] == "true", rows
    assert rows[59900]["period"] == rows[92900]["period"]  # the label stays the lede's, as said there


def test_no_period_leaves_period_inferred_empty(extract_text):
    records = extract_text("The Kessel Border Agency said officers seized 2,450 rounds of ammunition.\n")
    rows = _claims_table(records)
    assert rows and all(not row.get("periodInferred") for row in rows), rows



@pytest.mark.parametrize("published, which", list(itertools.product(DAYS + ["2023-10-01", "2023-09-30"],
                                                                  ["this", "last", "current"])))
def test_this_and_last_fiscal_year_are_fiscal_years(published, which):
    day = date.fromisoformat(published)
    fiscal = day.year + (day.month >= 10) - (which == "last")
    period = anchor(only_period(f"seized {which} fiscal year"), published)
    assert period.label.endswith(f"(FY{fiscal})") and period.start == f"{fiscal - 1}-10-01"
    assert period.end == (f"{fiscal}-09-30" if which == "last" else published)
    assert anchor(only_period(f"seized {which} fiscal year"), published[:4]).relative is not None  # a year cannot tell


@pytest.mark.parametrize("phrase, years", [("over the past decade", 10), ("in the last two decades", 20), ("the previous decade", 10)])
def test_decades_run_back_from_the_publication(phrase, years):
    period = anchor(only_period(phrase), "2024-03-14")
    assert (period.start, period.end) == (f"{2024 - years}-03-14", "2024-03-14")


@pytest.mark.parametrize("phrase, label", [("in fiscal 2022", "FY2022"), ("during fiscal 2019", "FY2019")])
def test_fiscal_with_four_digits_is_a_fiscal_year(phrase, label):
    assert only_period(phrase).label == label
    assert find_periods("the fiscal 12 months") == []


@pytest.mark.parametrize("weekday", weekday_names())
def test_a_weekday_after_its_verb_is_a_day(weekday):
    sentence = f"Officers seized 2,450 rounds {weekday.title()} at the Kessel crossing."
    i = sentence.index("2,450")
    period = anchor(period_near(sentence, i, i + 5), "2024-09-04")
    assert date.fromisoformat(period.start).strftime("%A").lower() == weekday


@pytest.mark.parametrize("verb", ["said", "announced", "reported"])
@pytest.mark.parametrize("weekday", ["Monday", "Thursday"])
def test_the_day_something_was_said_is_not_the_figures(verb, weekday):
    sentence = f"The Kessel Border Agency {verb} {weekday} that officers seized 2,450 rounds."
    i = sentence.index("2,450")
    assert period_near(sentence, i, i + 5) is None


@pytest.mark.parametrize("language, sentence, said, iso", [
    ("es", "Agentes decomisaron 340 armas el {day} de {month}.", "{day} de {month}", "2024-{m:02d}-{day:02d}"),
    ("es", "El {day} de {month}, agentes aseguraron 340 armas.", "{day} de {month}", "2024-{m:02d}-{day:02d}"),
    ("en", "Officers seized 340 rifles on {Month} {day}.", "{Month} {day}", "2024-{m:02d}-{day:02d}"),
])
@pytest.mark.parametrize("m, day", [(2, 3), (6, 26), (8, 11)])
def test_a_day_without_a_year_is_labelled_in_the_texts_words(language, sentence, said, iso, m, day):
    """'el 26 de junio' stays '26 de junio' (not 'June 26'); the anchor adds the day it resolves to."""
    from extract.periods import month_names

    fill = {"day": day, "m": m, "month": month_names(language)[m - 1], "Month": month_names(language)[m - 1].title()}
    text = sentence.format(**fill)
    at = text.index("340")
    period = period_near(text, at, at + 3, language)
    assert period.label == said.format(**fill)
    anchored = anchor(period, "2024-09-02")
    assert anchored.label == f"{said.format(**fill)} ({iso.format(**fill)})" and anchored.start == iso.format(**fill)


def test_the_explorer_shows_an_inferred_period_as_inferred(nlp):
    from extract.pipeline import extract
    from extract.reader import article_from_text
    from graph.rdf.mapping import RunInfo, article_graph
    from graph.store import ClaimStore
    from graph.views.explorer import explorer_graph

    text = ("Valdora Border Agency officers seize ammunition\n\nOSTRAVA, Texas – Valdora Border Agency officers seized "
            "92,900 rounds of ammunition August 17, 2024, at the Kessel crossing.\n\n"
            "A total of 59,900 rounds of ammunition were seized in the trailer.\n")
    store = ClaimStore()
    store.add_nquads(article_graph(extract(article_from_text("release.txt", text), nlp), RunInfo("t", "t", "t")).nquads())
    claims = {data["value"]: data for _, data in explorer_graph(store).nodes(data=True) if data.get("kind") == "Claim"}
    assert claims["59,900"]["periodInferred"] == "true" and claims["92,900"]["periodInferred"] == "false", claims
