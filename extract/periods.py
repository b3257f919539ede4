"""Periods: 'between 2018 and 2022', 'FY2022', 'annually', 'in the past year' -> Period records."""

from __future__ import annotations

import re
from functools import cache

from .lexicon import load
from .numbers import parse_amount
from .records import Period

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]


@cache
def _patterns():
    return [(p["name"], p["kind"], re.compile(p["regex"], re.IGNORECASE)) for p in load("periods")["patterns"]]


@cache
def _sentence_scoped() -> frozenset[str]:
    return frozenset(p["kind"] for p in load("periods")["patterns"] if p.get("scope") == "sentence")


@cache
def _month_range_pattern() -> re.Pattern:
    return next(pattern for name, kind, pattern in _patterns() if kind == "month_range")


def _year(text: str | None) -> int | None:
    if not text:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


def _count(text: str | None) -> float | None:
    if not text:
        return None
    return parse_amount(text.strip(), None)


def normalise(kind: str, match: re.Match, reference_year: int | None = None) -> Period:
    groups = match.groupdict()
    y1, y2 = _year(groups.get("y1")), _year(groups.get("y2"))
    text = match.group(0).strip()
    if kind == "fiscal_range":
        return Period(f"FY{y1}-FY{y2}", f"{y1 - 1}-10-01", f"{y2}-09-30")
    if kind == "fiscal_year":
        return Period(f"FY{y1}", f"{y1 - 1}-10-01", f"{y1}-09-30")
    if kind == "fiscal_first_months":
        months = int(_count(groups.get("n")) or 6)
        end_month = (9 + months) % 12 or 12
        end_year = y1 - 1 if end_month >= 10 else y1
        last_day = {2: 28, 4: 30, 6: 30, 9: 30, 11: 30}.get(end_month, 31)
        return Period(f"first {months} months of FY{y1}", f"{y1 - 1}-10-01", f"{end_year}-{end_month:02d}-{last_day}")
    if kind == "year_range":
        return Period(f"{y1}-{y2}", f"{y1}-01-01", f"{y2}-12-31")
    if kind == "after_event":
        return Period(f"after {text}", f"{y1}-01-01", None)
    if kind == "after_year":
        return Period(f"after {y1}", f"{y1 + 1}-01-01", None)
    if kind == "until_year":
        return Period(text, None, f"{y1}-12-31" if not re.match(r"(?:before|prior)", text, re.I) else f"{y1 - 1}-12-31")
    if kind == "since_year":
        return Period(f"since {y1}", f"{y1}-01-01", None)
    if kind == "date":
        month = MONTHS.index(groups["month"].lower()) + 1
        day = f"{y1}-{month:02d}-{int(groups['day']):02d}"
        return Period(day, day, day)
    if kind == "month":
        month = MONTHS.index(groups["month"].lower()) + 1
        return Period(f"{y1}-{month:02d}", f"{y1}-{month:02d}-01", None)
    if kind == "year":
        return Period(str(y1), f"{y1}-01-01", f"{y1}-12-31")
    if kind == "since_fiscal_year":
        return Period(f"since FY{y1}", f"{y1 - 1}-10-01", None)
    if kind == "month_range":
        return month_range(text, groups)
    if kind == "month_day":
        month = MONTHS.index(groups["month"].lower()) + 1
        return Period(f"{groups['month'].title()} {int(groups['day'])}")
    if kind in ("relative_calendar_year", "to_date"):
        return Period(text.lower())
    if kind == "annual":
        return Period("annual", periodicity="annual")
    if kind == "past_year":
        return Period("past year", periodicity=None)
    if kind == "relative_years":
        return Period(re.sub(r"^(?:within|in|over|during)\s+", "", text, flags=re.I))
    return Period(re.sub(r"^(?:within|in|over|during)\s+", "", text, flags=re.I))


# the day a part of a month stands for, as the start of a range and as its end
START_DAY = {"early": 1, "start of": 1, "beginning of": 1, "mid": 15, "middle of": 15, "late": 21, "end of": 21}
END_DAY = {"early": 10, "start of": 10, "beginning of": 10, "mid": 15, "middle of": 15, "late": None, "end of": None}


def _last_day(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def month_range(text: str, groups: dict, published_year: int | None = None, published_month: int | None = None) -> Period:
    """'mid-March through the end of September [2019]': an interval of days. Without a year it is
    the latest such span that had ended by the publication month ('March through September'
    published in May 2020 is 2019's), and without a date of publication only the words."""
    m1 = MONTHS.index(groups["m1"].lower()) + 1
    m2 = MONTHS.index(groups["m2"].lower()) + 1
    y1, y2 = _year(groups.get("y0")), _year(groups.get("y2"))
    if y2 is None and y1 is not None:
        y2 = y1 if m2 >= m1 else y1 + 1
    if y2 is not None and y1 is None:
        y1 = y2 if m1 <= m2 else y2 - 1
    if y1 is None and published_year is not None:  # the latest such span that had ended by the publication
        y2 = published_year if m2 <= (published_month or 12) else published_year - 1
        y1 = y2 if m1 <= m2 else y2 - 1
    if y1 is None:
        return Period(text)
    q1 = (groups.get("q1") or "").lower()
    q2 = (groups.get("q2") or "").lower()
    start = f"{y1}-{m1:02d}-{START_DAY.get(q1, 1):02d}"
    end = f"{y2}-{m2:02d}-{END_DAY.get(q2) or _last_day(y2, m2):02d}"
    label = text if groups.get("y0") or groups.get("y2") else f"{text} ({start}/{end})"
    return Period(label, start, end)


def find_periods(text: str) -> list[tuple[int, int, Period, str]]:
    """Every period expression in text, as (start, end, Period, kind), overlaps resolved
    first-pattern-wins."""
    taken: list[tuple[int, int, Period, str]] = []
    for _, kind, pattern in _patterns():
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end, *_ in taken):
                continue
            taken.append((m.start(), m.end(), normalise(kind, m), kind))
    return sorted(taken, key=lambda t: t[0])


SENTENCE_OPENING = 25  # a period this close to the sentence's start scopes the whole sentence
NEAR = 80  # otherwise it must be this close to the figure


RESTATED = re.compile(r"(\d[\d.,]*(?:\s*(?:%|percent|per cent|million|billion))?)\s*,?\s*\(?or\s+"
                      r"(?:about|approximately|roughly|some|nearly|almost|around)?\s*$", re.I)


def period_near(text: str, start: int, end: int) -> Period | None:
    """The period of a figure at text[start:end]: the nearest one after it with no other number in
    between ('7,224 rounds in FY 2022'), else the nearest one before it, likewise; either way one
    that opens the sentence ('During FY2022, ...') or sits within a few words of the figure."""
    opening = len(text) - len(text.lstrip())
    restated = RESTATED.search(text[:start])
    if restated:  # "by 70 percent, or $10 billion": the restatement has the period of what it restates
        start = restated.start(1)
    after, before = [], []
    for p_start, p_end, period, kind in find_periods(text):
        if p_start < end and start < p_end:
            continue
        sentence_wide = kind in _sentence_scoped()
        if p_start >= end:
            distance, between = p_start - end, text[end:p_start]
        else:
            distance, between = start - p_end, text[p_end:start]
        if distance > NEAR and p_start - opening > SENTENCE_OPENING and not sentence_wide:
            continue
        if re.search(r"\d", between) and p_start - opening > SENTENCE_OPENING:
            continue
        (after if p_start >= end else before).append((distance, p_start, period))
    for candidates in (after, before):
        if candidates:
            return min(candidates, key=lambda c: (c[0], c[1]))[2]
    return None


RELATIVE_COUNT = re.compile(r"(?:past|last|previous) (?P<n>[\w\s-]+?) (?P<unit>years?|months?)\b", re.I)
MONTH_DAY = re.compile(r"(?P<month>[A-Za-z]+) (?P<day>\d{1,2})$")


def _shift(year: int, month: int, day: int, years: int = 0, months: int = 0) -> str:
    total = year * 12 + (month - 1) - years * 12 - months
    y, m = divmod(total, 12)
    return f"{y:04d}-{m + 1:02d}-{min(day, 28 if m + 1 == 2 else 30 if m + 1 in (4, 6, 9, 11) else 31):02d}"


def anchor(period: Period, published: str | None) -> Period:
    """A relative or partial period made absolute by the article's date of publication: 'last year',
    'this month', 'to date', 'since FY2020', 'March 6', 'the past three years'. The words are kept
    and the dates follow them: 'last year (2023)', 'to date (as of 2024-08-17)'. Without a date,
    or for a period that is already absolute, the period is as it was."""
    match = re.match(r"(\d{4})-(\d{2})(?:-(\d{2}))?$", published or "")
    if match is None or (period.start and period.end) or period.periodicity:
        return period
    year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3) or 1)
    today = f"{year:04d}-{month:02d}-{day:02d}" if match.group(3) else f"{year:04d}-{month:02d}"
    stated = len(today)  # a date published as a month gives months: no day is made up
    label = period.label
    words = label.lower()
    if words in ("last year", "previous year", "last calendar year", "previous calendar year", "past calendar year"):
        return Period(f"{label} ({year - 1})", f"{year - 1}-01-01", f"{year - 1}-12-31")
    if words in ("this year", "this calendar year"):
        return Period(f"{label} ({year})", f"{year}-01-01", today)
    if words in ("last month", "this month"):
        start = _shift(year, month, 1, months=1 if words == "last month" else 0)
        return Period(f"{label} ({start[:7]})", start, today if words == "this month" else None)
    if words in ("to date", "so far", "thus far", "as of today"):
        return Period(f"{label} (as of {today})", None, today)
    if period.start and not period.end and words.startswith("since"):  # "since FY2020", "since 2019": up to the publication
        return Period(f"{label} (to {today})", period.start, today)
    if words == "past year":
        start = _shift(year, month, day, years=1)[:stated]
        return Period(f"{label} ({start}/{today})", start, today)
    count = RELATIVE_COUNT.search(label)
    if count:
        n = _count(count.group("n"))
        if n:
            back = {"years": int(n * 12)} if count.group("unit").lower().startswith("year") else {"months": int(n)}
            start = _shift(year, month, day, months=back.get("years", 0) + back.get("months", 0))[:stated]
            return Period(f"{label} ({start}/{today})", start, today)
    ranged = _month_range_pattern().fullmatch(label)
    if ranged:
        return month_range(label, ranged.groupdict(), year, month)
    month_day = MONTH_DAY.match(label)
    if month_day and month_day.group("month").lower() in MONTHS:
        m, d = MONTHS.index(month_day.group("month").lower()) + 1, int(month_day.group("day"))
        # a day after publication is last year's; in the month of a date without a day, this year's
        y = year if (m, d) <= (month, day if match.group(3) else 31) else year - 1
        iso = f"{y:04d}-{m:02d}-{d:02d}"
        return Period(f"{label} ({iso})", iso, iso)
    return period


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}$")


def dated_by_the_lede(claims: list, lede_end: int) -> None:
    """A release or wire story that dates its event in the opening paragraph ("officers seized
    92,900 rounds August 17, 2024") reports that event: a later figure of the same flow and measure
    with no period of its own ("a total of 59,900 rounds ... were seized") has the same day."""
    dated = [c for c in claims if c.evidence.start < lede_end and c.figure.period is not None
             and c.figure.period.start and c.figure.period.start == c.figure.period.end and ISO_DAY.match(c.figure.period.start)]
    if not dated:
        return
    event = dated[0].figure
    for claim in claims:
        figure = claim.figure
        if (figure.period is None and claim.evidence.start >= lede_end and figure.flow == event.flow
                and figure.measure == event.measure and figure.measure is not None):
            figure.period = event.period
