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
    if kind == "annual":
        return Period("annual", periodicity="annual")
    if kind == "past_year":
        return Period("past year", periodicity=None)
    if kind == "relative_years":
        return Period(re.sub(r"^(?:within|in|over|during)\s+", "", text))
    return Period(re.sub(r"^(?:within|in|over|during)\s+", "", text))


def find_periods(text: str) -> list[tuple[int, int, Period]]:
    """Every period expression in text, as (start, end, Period), overlaps resolved first-pattern-wins."""
    taken: list[tuple[int, int, Period]] = []
    for _, kind, pattern in _patterns():
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end, _ in taken):
                continue
            taken.append((m.start(), m.end(), normalise(kind, m)))
    return sorted(taken, key=lambda t: t[0])


SENTENCE_OPENING = 25  # a period this close to the sentence's start scopes the whole sentence
NEAR = 80  # otherwise it must be this close to the figure


def period_near(text: str, start: int, end: int) -> Period | None:
    """The period of a figure at text[start:end]: the nearest one after it with no other number in
    between ('7,224 rounds in FY 2022'), else the nearest one before it, likewise; either way one
    that opens the sentence ('During FY2022, ...') or sits within a few words of the figure."""
    opening = len(text) - len(text.lstrip())
    after, before = [], []
    for p_start, p_end, period in find_periods(text):
        if p_start < end and start < p_end:
            continue
        if p_start >= end:
            distance, between = p_start - end, text[end:p_start]
        else:
            distance, between = start - p_end, text[p_end:start]
        if distance > NEAR and p_start - opening > SENTENCE_OPENING:
            continue
        if re.search(r"\d", between) and p_start - opening > SENTENCE_OPENING:
            continue
        (after if p_start >= end else before).append((distance, p_start, period))
    for candidates in (after, before):
        if candidates:
            return min(candidates, key=lambda c: (c[0], c[1]))[2]
    return None
