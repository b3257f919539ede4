"""Periods: 'between 2018 and 2022', 'FY2022', 'annually', 'in the past year' -> Period records.

A period said relative to the text's own time ('last year', 'to date', 'on Sunday') carries a
TimeAnchor; anchor() places it once the date of publication is known, at the precision known
(a year, a month or a day), and leaves it as said when there is none: never today's date."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache

from .lexicon import load
from .numbers import parse_amount
from .prefilter import Prefilters, prefilters
from .records import Period, TimeAnchor


@cache
def _lexicon(language: str = "en") -> dict:
    return load("periods", language)


@cache
def month_spellings(language: str = "en") -> dict[str, int]:
    """Every spelling of a language's month names, lower case -> the month's number. An entry of the
    lexicon's months may list variants, the usual name first: [septiembre, setiembre]."""
    return {spelling.lower(): number for number, entry in enumerate(_lexicon(language)["months"], 1)
            for spelling in ([entry] if isinstance(entry, str) else entry)}


@cache
def month_names(language: str = "en") -> tuple[str, ...]:
    """The usual name of each month, lower case, January first."""
    names: dict[int, str] = {}
    for spelling, number in month_spellings(language).items():
        names.setdefault(number, spelling)
    return tuple(names[n] for n in sorted(names))


MONTHS = month_names()  # lower case, January first: what readers of dates need


@cache
def dated_languages() -> tuple[str, ...]:
    """English and every language with a periods lexicon of its own (extract/data/es/periods.yaml)."""
    from .lexicon import DATA_DIR

    return ("en", *sorted(d.name for d in DATA_DIR.iterdir() if (d / "periods.yaml").is_file()))


def month_number(word: str) -> int | None:
    """'March', 'Mar', 'marzo' -> 3: a month's name (or its first three letters and more) in any
    language claimgraph reads; None for no month."""
    word = word.lower().rstrip(".")
    for language in dated_languages():
        found = next((n for m, n in month_spellings(language).items() if len(word) >= 3 and m.startswith(word)), None)
        if found:
            return found
    return None


@cache
def date_joiners() -> re.Pattern:
    """The words between a date's day, month and year in some language ('3 de marzo de 2021')."""
    words = sorted({w for language in dated_languages() for w in _lexicon(language).get("date_joiners", [])}, key=len)
    return re.compile(r"\s+(?:%s)\s+" % "|".join(map(re.escape, reversed(words))) if words else r"(?!)", re.IGNORECASE)


@cache
def weekday_names(language: str = "en") -> tuple[str, ...]:
    return tuple(name.lower() for name in _lexicon(language)["weekdays"])


def _expand(regex: str, language: str = "en") -> str:
    """A pattern's regex with {months}, {weekdays} and {not_after_speech} spelled out from the lexicon's lists."""
    lexicon = _lexicon(language)
    for placeholder, names in (("{months}", month_spellings(language)), ("{weekdays}", lexicon["weekdays"])):
        regex = regex.replace(placeholder, "(?:" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + ")")
    # one fixed-width look-behind per word: Python's look-behinds cannot alternate lengths
    speech = "".join(f"(?<!\\b{re.escape(word)} )" for word in lexicon["speech_before_weekday"])
    return regex.replace("{not_after_speech}", speech)


@cache
def _patterns(language: str = "en"):
    return [(p["name"], p["kind"], re.compile(_expand(p["regex"], language), re.IGNORECASE), p)
            for p in _lexicon(language)["patterns"]]


@cache
def _prefilters(language: str = "en") -> Prefilters:
    """The patterns' prefilters, in the order of _patterns."""
    return prefilters([pattern for _, _, pattern, _ in _patterns(language)])


@cache
def _sentence_scoped(language: str = "en") -> frozenset[str]:
    return frozenset(p["kind"] for p in _lexicon(language)["patterns"] if p.get("scope") == "sentence")


@cache
def _month_range_pattern() -> re.Pattern:
    return next(pattern for name, kind, pattern, _ in _patterns() if kind == "month_range")


@cache
def _event_words(language: str = "en") -> re.Pattern:
    return re.compile(r"\b(?:%s)\b" % "|".join(map(re.escape, _lexicon(language)["event_words"])), re.IGNORECASE)


def _year(text: str | None) -> int | None:
    if not text:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


def _count(text: str | None, language: str = "en") -> float | None:
    """'three' -> 3, '12' -> 12, 'three and a half' -> 3.5, 'tres y medio' -> 3.5."""
    if not text:
        return None
    whole, half, _ = text.strip().partition(_lexicon(language).get("and_a_half", " and a half"))
    amount = parse_amount(whole.strip(), None, language)
    return amount + 0.5 if amount is not None and half else amount


def _month(name: str, language: str = "en") -> int:
    return month_spellings(language)[name.lower()]


@cache
def _introducing(language: str = "en") -> re.Pattern:
    words = sorted(_lexicon(language)["introducing_prepositions"], key=len, reverse=True)
    return re.compile(r"^(?:(?:%s)\s+)+" % "|".join(map(re.escape, words)), re.IGNORECASE)


def _said(text: str, language: str = "en") -> str:
    """The words of a relative period without the preposition that introduced it."""
    return _introducing(language).sub("", text)


def _unit(word: str | None, language: str = "en") -> str | None:
    """'years' -> 'year'; a language's own words by its lexicon's unit_words ('años' -> 'year')."""
    if not word:
        return None
    return _lexicon(language).get("unit_words", {}).get(word.lower()) or word.lower().rstrip("s")


def normalise(kind: str, match: re.Match, rule: dict | None = None, language: str = "en") -> Period:
    rule = rule or {}
    groups = match.groupdict()
    y1, y2 = _year(groups.get("y1")), _year(groups.get("y2"))
    text = match.group(0).strip()
    if kind == "fiscal_range":
        return Period(f"FY{y1}-FY{y2}", f"{y1 - 1}-10-01", f"{y2}-09-30")
    if kind == "fiscal_year":
        return Period(f"FY{y1}", f"{y1 - 1}-10-01", f"{y1}-09-30")
    if kind == "fiscal_first_months":
        months = int(_count(groups.get("n"), language) or 6)
        end_month = (9 + months) % 12 or 12
        end_year = y1 - 1 if end_month >= 10 else y1
        return Period(f"first {months} months of FY{y1}", f"{y1 - 1}-10-01",
                      f"{end_year}-{end_month:02d}-{_last_day(end_year, end_month):02d}")
    if kind == "year_range":
        return Period(f"{y1}-{y2}", f"{y1}-01-01", f"{y2}-12-31")
    if kind == "after_event":
        return Period(f"after {text}", f"{y1}-01-01", None)
    if kind == "after_year":
        return Period(f"after {y1}", f"{y1 + 1}-01-01", None)
    if kind == "until_year":
        return Period(text, None, f"{y1}-12-31")
    if kind == "before_year":
        return Period(text, None, f"{y1 - 1}-12-31")
    if kind == "since_year":
        return Period(f"since {y1}", f"{y1}-01-01", None, relative=TimeAnchor("since"))
    if kind == "since_fiscal_year":
        return Period(f"since FY{y1}", f"{y1 - 1}-10-01", None, relative=TimeAnchor("since"))
    if kind == "since_month":
        month = _month(groups["month"], language)
        return Period(f"since {y1}-{month:02d}", f"{y1}-{month:02d}-01", None, relative=TimeAnchor("since"))
    if kind == "fixed":  # a named span whose dates are known: "el sexenio de AMLO"
        return Period(rule["label"], rule["start"], rule["end"])
    if kind == "date":
        day = f"{y1}-{_month(groups['month'], language):02d}-{int(groups['day']):02d}"
        return Period(day, day, day)
    if kind == "month":
        month = _month(groups["month"], language)
        return Period(f"{y1}-{month:02d}", f"{y1}-{month:02d}-01", f"{y1}-{month:02d}-{_last_day(y1, month):02d}")
    if kind == "year":
        return Period(str(y1), f"{y1}-01-01", f"{y1}-12-31")
    if kind == "month_range":
        period = month_range(text, groups, language=language)
        return period if period.start else replace(period, relative=TimeAnchor("month_range"))
    if kind == "month_day":
        month, day = _month(groups["month"], language), int(groups["day"])
        # labelled in the text's own words ("26 de junio", not "June 26"); the anchor adds the ISO day
        return Period(_said(text, language), relative=TimeAnchor("month_day", month=month, day=day))
    if kind == "weekday":
        weekday = weekday_names(language).index(groups["weekday"].lower())
        before = 1 if groups.get("before") or groups.get("after") else 0  # "el lunes pasado": a Monday before the publication's day
        return Period(_said(text, language), relative=TimeAnchor("weekday", before, day=weekday))
    if kind == "day_range":
        return _day_range(text, groups, language)
    if kind == "day_offset":  # "ayer", "el día de hoy": days from the publication's
        return Period(_said(text, language), relative=TimeAnchor("day_offset", rule["n"]))
    if kind == "month_part":
        return _month_part(text, groups, language)
    if kind == "year_part":
        return _year_part(text, groups, language)
    if kind == "annual":
        return Period("annual", periodicity="annual")
    if kind == "same_period":
        return Period(_said(text, language), relative=TimeAnchor("same_period"))
    if kind == "year_before":  # period_near moves it before the sentence's own year where there is one
        return Period(text.lower(), relative=TimeAnchor("calendar", -1, "year"))
    if kind == "first_months":
        months = _count(groups.get("n"), language)
        if not months or months != int(months) or not 1 <= months <= 12:
            return Period(_said(text, language))
        if y1 is None:
            return Period(_said(text, language), relative=TimeAnchor("first_months", months))
        return _first_months(_said(text, language), y1, int(months), with_label=False)
    if kind == "duration":  # placed only where the text says it runs to the present (period_near)
        amount, unit = _count(groups.get("n"), language), _unit(groups.get("unit"), language)
        return Period(_said(text, language), relative=TimeAnchor("duration", amount, unit) if amount else None)
    if kind in ("back", "ahead"):
        amount = rule.get("n") or _count(groups.get("n"), language)
        unit = rule.get("unit") or _unit(groups.get("unit"), language)
        label = rule.get("label") or _said(text, language)
        return Period(label, relative=TimeAnchor(kind, amount, unit) if amount else None)
    if kind in ("calendar", "fiscal_calendar"):
        which = (groups.get("which") or groups.get("which2") or "").lower()
        unit = _unit(groups.get("unit") or groups.get("unit2"), language) or "fiscal year"
        offset = _lexicon(language)["calendar_offsets"].get(which, 0)
        return Period(text.lower(), relative=TimeAnchor("calendar", offset, unit))
    if kind == "to_date":
        return Period(text.lower(), relative=TimeAnchor("to_date"))
    return Period(_said(text, language))


def _day_range(text: str, groups: dict, language: str) -> Period:
    """'los días 26 y 27 de junio de 2020', 'del 30 de junio al 2 de julio', 'entre el 3 y el 9 de
    diciembre': the days from the first to the last; without a year, placed by the publication."""
    end_month = _month(groups["month"], language)
    month = _month(groups["m1"], language) if groups.get("m1") else end_month
    first, last = int(groups["d1"]), int(groups["d2"])
    y1 = _year(groups.get("y1"))
    said = _said(text, language)
    if y1 is None:
        return Period(said, relative=TimeAnchor("day_range", month=month, day=first, end_month=end_month, end_day=last))
    return _days(said, y1 - (month > end_month), month, first, y1, end_month, last, with_label=False) or Period(said)


def _days(said: str, y1: int, m1: int, d1: int, y2: int, m2: int, d2: int, with_label: bool = True) -> Period | None:
    """A run of days; None where a day does not exist (a 31 de junio) or the run goes backwards."""
    if d1 > _last_day(y1, m1) or d2 > _last_day(y2, m2) or (y1, m1, d1) > (y2, m2, d2):
        return None
    start, end = f"{y1:04d}-{m1:02d}-{d1:02d}", f"{y2:04d}-{m2:02d}-{d2:02d}"
    return Period(f"{said} ({start}/{end})" if with_label else f"{start}/{end}", start, end)


def _month_part(text: str, groups: dict, language: str) -> Period:
    """'a principios de marzo de 2023' (the days month_parts gives the part: early March is its 1st-10th);
    'a finales de 2023' is known to the year only, and keeps that precision."""
    y1, said = _year(groups.get("y1") or groups.get("y2")), _said(text, language)
    if not groups.get("month"):
        return Period(said, str(y1), str(y1))
    month = _month(groups["month"], language)
    # a part said alone spans its days ("mediados de mayo" is the 11th to the 20th), not a range's bound
    first, last = _lexicon(language).get("month_part_spans", {}).get(groups["part"].lower()) or \
        _month_part_days(groups["part"].lower(), language)
    if y1 is None:
        return Period(said, relative=TimeAnchor("month_part", month=month, day=first or 1, end_day=last))
    return _part_of_month(said, y1, month, first or 1, last, with_label=False)


def _part_of_month(said: str, year: int, month: int, first: int, last: int | None, with_label: bool = True) -> Period:
    """Days first to last (None: the month's last) of a month."""
    start, end = f"{year:04d}-{month:02d}-{first:02d}", f"{year:04d}-{month:02d}-{last or _last_day(year, month):02d}"
    return Period(f"{said} ({start}/{end})" if with_label else said, start, end)


def _year_part(text: str, groups: dict, language: str) -> Period:
    """'el primer semestre de 2024', 'el tercer trimestre': a numbered part of a calendar year."""
    lexicon = _lexicon(language)
    which = lexicon["ordinals"][groups["which"].lower()]
    months = lexicon["year_parts"][groups["unit"].lower()]
    y1, said = _year(groups.get("y1")), _said(text, language)
    if which * months > 12:
        return Period(said)
    if y1 is None:
        return Period(said, relative=TimeAnchor("year_part", unit=str(months), day=which))
    return _part_of_year(said, which, months, y1, with_label=False)


def _part_of_year(said: str, which: int, months: int, year: int, with_label: bool = True) -> Period:
    first, last = (which - 1) * months + 1, which * months
    start, end = f"{year:04d}-{first:02d}-01", f"{year:04d}-{last:02d}-{_last_day(year, last):02d}"
    return Period(f"{said} ({start}/{end})" if with_label else said, start, end)


def _first_months(said: str, year: int, months: int, with_label: bool = True) -> Period:
    """'los primeros nueve meses de 2026': January to the end of the Nth month."""
    start, end = f"{year:04d}-01-01", f"{year:04d}-{months:02d}-{_last_day(year, months):02d}"
    return Period(f"{said} ({start}/{end})" if with_label else said, start, end)


def _last_day(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _month_part_days(part: str, language: str = "en") -> tuple[int | None, int | None]:
    start, end = _lexicon(language)["month_parts"].get(part, [None, None])
    return start, end


def month_range(text: str, groups: dict, published_year: int | None = None, published_month: int | None = None,
                language: str = "en") -> Period:
    """'mid-March through the end of September [2019]': an interval of days. Without a year it is
    the latest such span that had ended by the publication month ('March through September'
    published in May 2020 is 2019's), and without a date of publication only the words."""
    m1, m2 = _month(groups["m1"], language), _month(groups["m2"], language)
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
    first_day, _ = _month_part_days((groups.get("q1") or "").lower(), language)
    _, last_day = _month_part_days((groups.get("q2") or "").lower(), language)
    start = f"{y1}-{m1:02d}-{first_day or 1:02d}"
    end = f"{y2}-{m2:02d}-{last_day or _last_day(y2, m2):02d}"
    label = text if groups.get("y0") or groups.get("y2") else f"{text} ({start}/{end})"
    return Period(label, start, end)


def find_periods(text: str, language: str = "en") -> list[tuple[int, int, Period, str]]:
    """Every period expression in text, as (start, end, Period, kind), overlaps resolved
    first-pattern-wins."""
    taken: list[tuple[int, int, Period, str]] = []
    for (_, kind, pattern, rule), may_match in zip(_patterns(language), _prefilters(language).may_match(text)):
        if not may_match:
            continue  # the text lacks a word the pattern cannot do without
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end, *_ in taken):
                continue
            taken.append((m.start(), m.end(), normalise(kind, m, rule, language), kind))
    return sorted(taken, key=lambda t: t[0])


SENTENCE_OPENING = 25  # a period this close to the sentence's start scopes the whole sentence
# a phrase fronted before the clause, up to its comma, with no number in it ("Según la Agencia X (AX), ",
# "According to the X, "): a period right after it opens the clause
FRONTED_PHRASE = re.compile(r"\s*[^\d,;.:]{3,120}?,\s+(?=\S)")
NEAR = 80  # otherwise it must be this close to the figure
# a day (or a run of days) on which an event can happen
DAY_KINDS = frozenset({"date", "month_day", "weekday", "day_range", "day_offset"})


@cache
def _clause_break(language: str = "en") -> re.Pattern:
    """The words that open a new clause after a figure (periods.yaml clause_breaks); none: never."""
    words = _lexicon(language).get("clause_breaks", [])
    return re.compile("|".join(map(re.escape, words)) if words else r"(?!)", re.IGNORECASE)


@cache
def _restated(language: str = "en") -> re.Pattern:
    """'70 percent, or about': what a restated figure follows (its hedges are the numbers lexicon's)."""
    hedges = "|".join(map(re.escape, load("numbers", language)["hedges"]))
    return re.compile(_lexicon(language)["restated"].replace("{hedges}", hedges), re.IGNORECASE)


def period_near(text: str, start: int, end: int, language: str = "en") -> Period | None:
    """The period of a figure at text[start:end]: the nearest one after it with no other number in
    between ('7,224 rounds in FY 2022'), else the nearest one before it, likewise; either way one
    that opens the sentence ('During FY2022, ...') or sits within a few words of the figure. The
    day of an event the sentence reports (a seizure, arrests) dates every figure of the sentence.
    An average keeps its span: 'an average of 900 a year from FY2014 to FY2019'."""
    opening = len(text) - len(text.lstrip())
    fronted = FRONTED_PHRASE.match(text)
    if fronted and fronted.end() < start:  # "Según datos de la X (AX), en 2025 ...": the clause opens after it
        opening = fronted.end()
    restated = _restated(language).search(text[:start])
    if restated:  # "by 70 percent, or $10 billion": the restatement has the period of what it restates
        start = restated.start(1)
    event_sentence = _event_words(language).search(text) is not None
    after, before = [], []
    for p_start, p_end, period, kind in find_periods(text, language):
        if p_start < end and start < p_end:
            continue
        sentence_wide = kind in _sentence_scoped(language) or (kind in DAY_KINDS and event_sentence)
        if p_start >= end:
            distance, between = p_start - end, text[end:p_start]
        else:
            distance, between = start - p_end, text[p_end:start]
            coordinated = _coordinated_before(language).search(between)
            if coordinated:  # "en 2025 aseguraron 2 mil armas y 1,9 millones de cartuchos": as far as the first
                distance, between = coordinated.start(), between[:coordinated.start()]
        if distance > NEAR and p_start - opening > SENTENCE_OPENING and not sentence_wide:
            continue
        if re.search(r"\d", between) and p_start - opening > SENTENCE_OPENING and not sentence_wide \
                and not (p_start >= end and _coordinated(between, language)):
            continue
        if _clause_break(language).search(between):
            continue  # "fueron 300 armas, con lo que haremos hoy ...": another clause's day is not the figure's
        if p_start >= end and _comparison_base(language).search(between):
            continue  # "un 35 % más que el año anterior": the base's period, not the figure's
        (after if p_start >= end else before).append((distance, p_start, period, kind, p_end))
    for candidates in (after, before):
        if candidates:
            _, _, best, kind, p_end = min(candidates, key=lambda c: (c[0], c[1]))
            if kind == "year_before":
                best = _year_before(best, [c[2] for c in after + before if c[3] != "year_before"])
            if kind == "duration" and best.relative is not None and _ongoing(text, p_end, language):
                best = replace(best, relative=replace(best.relative, rule="back"))
            return _average_over_span(best, [c[2] for c in after + before])
    return None


@cache
def _ongoing_patterns(language: str = "en") -> tuple[re.Pattern, re.Pattern]:
    ongoing = _lexicon(language).get("ongoing", {})
    return tuple(re.compile(ongoing.get(key, r"(?!)"), re.IGNORECASE) for key in ("verb", "after"))


def _ongoing(text: str, period_end: int, language: str) -> bool:
    """'ha llevado a 63 arrestos en cuatro meses', 'en siete meses de la Operación X': the duration
    reaches the present (periods.yaml ongoing)."""
    verb, after = _ongoing_patterns(language)
    return verb.search(text) is not None or after.match(text[period_end:]) is not None


@cache
def _comparison_base(language: str = "en") -> re.Pattern:
    """What a comparison's base period follows ('más que', 'up 12% from'): periods.yaml comparison_bases."""
    words = sorted(_lexicon(language).get("comparison_bases", []), key=len, reverse=True)
    # the base's own words may come between ("a la del mismo periodo del año pasado")
    return re.compile(r"\b(?:%s)\s+[^\W\d][^\d,;]{0,40}$|\b(?:%s)\s+$" % (("|".join(map(re.escape, words)),) * 2)
                      if words else r"(?!)", re.IGNORECASE)


# a figure ('2 mil 730', '1,9 millones') and a few words of what it counts
FIGURE_WORDS = r"[^\W\d]*\s*\d[\d.,’]*(?:\s+[^\W\d]+\s+\d[\d.,’]*)*(?:\s+[^\W\d]+){0,6}"


@cache
def _coordination(language: str = "en") -> re.Pattern:
    """'80 armas y 9 mil cartuchos en ...': up to the last of coordinated figures, a few words each."""
    joiners = "|".join(map(re.escape, _lexicon(language).get("figure_coordinators", [])))
    return re.compile(r"^(?:\s+[^\W\d]+){0,6}(?:\s*,\s*%s)*\s*,?\s+(?:%s)\s+%s\s*$" % (FIGURE_WORDS, joiners, FIGURE_WORDS)
                      if joiners else r"(?!)", re.IGNORECASE)


@cache
def _coordinated_before(language: str = "en") -> re.Pattern:
    """'... 2 mil armas y |1,9 millones': the figures coordinated right before a figure, with their joiner."""
    joiners = "|".join(map(re.escape, _lexicon(language).get("figure_coordinators", [])))
    return re.compile(r"(?<![\w\d])%s(?:\s*,\s*%s)*\s*,?\s+(?:%s)\s+(?:(?:más de|al menos|more than|at least|over)\s+)?$"
                      % (FIGURE_WORDS, FIGURE_WORDS, joiners) if joiners else r"(?!)", re.IGNORECASE)


def _coordinated(between: str, language: str) -> bool:
    return _coordination(language).match(between) is not None


def _year_before(said: Period, others: list[Period]) -> Period:
    """'the year before', 'el año anterior' in a sentence with a year of its own: the one before it
    (a fiscal year's is the fiscal year before). With none, the calendar year before the publication."""
    own = next((whole for whole in map(_whole_year, others) if whole is not None), None)
    if own is None:
        return said
    year, fiscal = own[0] - 1, own[1]
    if fiscal:
        return Period(f"{said.label} (FY{year})", f"{year - 1}-10-01", f"{year}-09-30")
    return Period(f"{said.label} ({year})", f"{year}-01-01", f"{year}-12-31")


def _whole_year(period: Period) -> tuple[int, bool] | None:
    """(year, fiscal) of a stated calendar year or U.S. fiscal year; None for any other period."""
    if not (period.start and period.end) or period.periodicity or period.relative is not None:
        return None
    year = int(period.end[:4])
    if (period.start, period.end) == (f"{year}-01-01", f"{year}-12-31"):
        return year, False
    if (period.start, period.end) == (f"{year - 1}-10-01", f"{year}-09-30"):
        return year, True
    return None


def _average_over_span(best: Period, near: list[Period]) -> Period:
    """'900 a year from FY2014 to FY2019': a yearly figure over a span of several years is the
    span's yearly average, and keeps both."""
    annual = next((p for p in near if p.periodicity == "annual"), None)
    spans = [p for p in near if p.start and p.end and p.start[:4] != p.end[:4] and not p.periodicity]
    if annual is None or not spans or (best is not annual and best not in spans):
        return best
    span = best if best in spans else spans[0]
    return Period(f"annual, {span.label}", span.start, span.end, "annual")


@dataclass(frozen=True)
class Publication:
    """The date a text was published, to the precision known: a year, a month or a day."""
    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def of(cls, published: str | None) -> Publication | None:
        match = re.match(r"((?:19|20)\d\d)(?:-(\d\d)(?:-(\d\d))?)?$", published or "")
        if match is None:
            return None
        year, month, day = (int(g) if g else None for g in match.groups())
        return cls(year, month, day)

    @property
    def text(self) -> str:
        """As precise as known: '2024', '2024-08', '2024-08-17'."""
        return "-".join([f"{self.year:04d}"] + [f"{n:02d}" for n in (self.month, self.day) if n])

    @property
    def today(self) -> date | None:
        return date(self.year, self.month, self.day) if self.month and self.day else None


def _months_back(year: int, month: int, months: int) -> tuple[int, int]:
    y, m = divmod(year * 12 + (month - 1) - months, 12)
    return y, m + 1


def _shift(day: date, amount: float, unit: str) -> date:
    """day moved amount units (negative: back); months and years keep the day of the month where they can."""
    if unit in _lexicon()["unit_days"]:
        return day + timedelta(days=round(amount * _lexicon()["unit_days"][unit]))
    months = round(amount * _lexicon()["unit_months"][unit])
    y, m = _months_back(day.year, day.month, -months)
    return date(y, m, min(day.day, _last_day(y, m)))


def _shift_at_precision(published: Publication, amount: float, unit: str) -> str | None:
    """The same shift when the day is not known: by whole years from a year, by months from a month."""
    per_unit = _lexicon()["unit_months"].get(unit)
    months = amount * per_unit if per_unit else None
    if months is None or months != int(months):
        return None
    if published.month:
        y, m = _months_back(published.year, published.month, -int(months))
        return f"{y:04d}-{m:02d}"
    return f"{published.year + int(months) // 12:04d}" if months % 12 == 0 else None


def anchor(period: Period, published: str | None) -> Period:
    """A relative period made absolute by the article's date of publication: 'last year',
    'this month', 'to date', 'since FY2020', 'March 6', 'on Sunday', 'the past three years'. The
    words are kept and the dates follow them: 'last year (2023)', 'to date (as of 2024-08-17)'.
    A date known to the year or the month anchors what it can at that precision. Without a date,
    or for a period that is already absolute, the period is as it was."""
    relative = period.relative
    publication = Publication.of(published)
    if relative is None or publication is None:
        return period
    placed = _place(period, relative, publication)
    return placed if placed is not None else period


def _place(period: Period, relative: TimeAnchor, published: Publication) -> Period | None:
    """The period placed by the publication; its bounds at the publication's precision ('2024-03'
    for a date known to the month: no day is made up), or None where that precision cannot place it."""
    label, rule, today = period.label, relative.rule, published.today
    if rule == "to_date":
        return Period(f"{label} (as of {published.text})", None, published.text)
    if rule == "since":
        return Period(f"{label} (to {published.text})", period.start, published.text)
    if rule == "calendar":
        return _calendar(label, relative, published)
    if rule in ("back", "ahead"):
        amount = relative.amount if rule == "ahead" else -relative.amount
        if today is not None:
            first, last = sorted((_shift(today, amount, relative.unit).isoformat(), today.isoformat()))
        else:
            other = _shift_at_precision(published, amount, relative.unit)
            if other is None:
                return None
            first, last = sorted((other, published.text))
        return Period(f"{label} ({first}/{last})", first, last)
    if rule == "month_day":
        month, day = relative.month, relative.day
        year = published.year
        if published.month and (month, day) > (published.month, published.day or 31):
            year -= 1  # a day after the publication is last year's
        if day > _last_day(year, month):
            return None
        iso = f"{year:04d}-{month:02d}-{day:02d}"
        return Period(f"{label} ({iso})", iso, iso)
    if rule == "weekday":
        if today is None:
            return None
        back = (today.weekday() - relative.day) % 7 or (7 if relative.amount else 0)
        day = today - timedelta(days=back)
        return Period(f"{label} ({day.isoformat()})", day.isoformat(), day.isoformat())
    if rule == "day_offset":
        if today is None:
            return None
        day = (today + timedelta(days=relative.amount)).isoformat()
        return Period(f"{label} ({day})", day, day)
    if rule == "day_range":  # the latest such run of days that had begun by the publication
        year = published.year
        if published.month and (relative.month, relative.day) > (published.month, published.day or 31):
            year -= 1
        end_year = year + (relative.end_month < relative.month)
        return _days(label, year, relative.month, relative.day, end_year, relative.end_month, relative.end_day)
    if rule == "month_part":
        year = published.year - bool(published.month and relative.month > published.month)
        return _part_of_month(label, year, relative.month, relative.day, relative.end_day)
    if rule == "year_part":  # the latest such part that had begun by the publication
        months, which = int(relative.unit), relative.day
        if not published.month:
            return None
        year = published.year - ((which - 1) * months + 1 > published.month)
        return _part_of_year(label, which, months, year)
    if rule == "first_months":  # of the publication's year
        return _first_months(label, published.year, int(relative.amount))
    if rule == "month_range":
        ranged = _month_range_pattern().fullmatch(label)
        return month_range(label, ranged.groupdict(), published.year, published.month) if ranged else None
    return None


def _calendar(label: str, relative: TimeAnchor, published: Publication) -> Period | None:
    """'last year', 'this month', 'last week': a whole calendar unit; the current one runs to the publication."""
    offset, unit, today = int(relative.amount), relative.unit, published.today
    if unit == "year":
        year = published.year + offset
        return Period(f"{label} ({year})", f"{year}-01-01", published.text if offset == 0 else f"{year}-12-31")
    if unit == "month" and published.month:
        y, m = _months_back(published.year, published.month, -offset)
        end = published.text if offset == 0 else f"{y:04d}-{m:02d}-{_last_day(y, m):02d}"
        return Period(f"{label} ({y:04d}-{m:02d})", f"{y:04d}-{m:02d}-01", end)
    if unit == "fiscal year" and published.month:  # a fiscal year starts in October
        fiscal = published.year + (published.month >= 10) + offset
        end = published.text if offset == 0 else f"{fiscal}-09-30"
        return Period(f"{label} (FY{fiscal})", f"{fiscal - 1}-10-01", end)
    if unit == "week" and today is not None:
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=offset)
        end = today if offset == 0 else monday + timedelta(days=6)
        return Period(f"{label} ({monday.isoformat()}/{end.isoformat()})", monday.isoformat(), end.isoformat())
    return None


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}$")
EVENT_DAYS = 14  # a run of days an event can span ("los días 26 y 27 de junio"); longer is a period, not an event


def _event_days(period: Period | None) -> bool:
    """A day, or a short run of days, on which an event happened."""
    if period is None or not (period.start and period.end and ISO_DAY.match(period.start) and ISO_DAY.match(period.end)):
        return False
    return 0 <= (date.fromisoformat(period.end) - date.fromisoformat(period.start)).days <= EVENT_DAYS


def dated_by_the_lede(claims: list, lede_end: int) -> None:
    """A release or wire story that dates its event in the opening paragraph ("officers seized
    92,900 rounds August 17, 2024") reports that event: a later figure of the same flow and measure
    with no period of its own ("a total of 59,900 rounds ... were seized") has the same day."""
    dated = [c for c in claims if c.evidence.start < lede_end and _event_days(c.figure.period)]
    if not dated:
        return
    event = dated[0].figure
    for claim in claims:
        figure = claim.figure
        if (figure.period is None and claim.evidence.start >= lede_end and figure.flow == event.flow
                and figure.measure == event.measure and figure.measure is not None):
            figure.period = replace(event.period, inferred_from="the release's first paragraph")


def _paragraph_start(text: str, at: int) -> int:
    return text.rfind("\n", 0, at) + 1


def _line_above(text: str, paragraph_start: int) -> str:
    """The last line with words before a paragraph, blank lines skipped."""
    above = text[:paragraph_start].rstrip()
    return above[above.rfind("\n") + 1:].strip()


OPENING_WORDS = re.compile(r"\s*(?:[^\W\d]+\s+){0,3}$")  # 'El ', 'Early on ': a few words, no comma, before the day
HEADING_LENGTH = 80  # a heading line is short and ends with a colon: "Evento 1 (26 de junio de 2020):"


def dated_by_a_heading(claims: list, text: str, published: str | None, language: str = "en") -> None:
    """'Evento 1 (26 de junio de 2020):' above a paragraph: a figure of that paragraph with no period
    of its own has the heading's day (or days). Only the paragraph right under the heading."""
    for claim in claims:
        if claim.figure.period is not None:
            continue
        heading = _line_above(text, _paragraph_start(text, claim.evidence.start))
        if not heading.endswith(":") or len(heading) > HEADING_LENGTH:
            continue
        periods = [anchor(period, published) for *_, period, _ in find_periods(heading, language)]
        if len(periods) == 1 and _event_days(periods[0]):
            claim.figure.period = replace(periods[0], inferred_from="the heading above its paragraph")


def dated_by_the_paragraph_opening(claims: list, text: str, published: str | None, language: str = "en") -> None:
    """'El 4 de noviembre de 2020, X intentó cruzar ... Los agentes encontraron 10 rifles.' / 'On August
    23, X tried to cross ... Officers found 10 rifles.': a paragraph that opens with a day tells what
    happened that day, so a later sentence's seizure or arrest with no period of its own has that day,
    unless another period is said in between."""
    for claim in claims:
        if claim.figure.period is not None or not _event_words(language).search(claim.evidence.text):
            continue
        if claim.source.cue:  # a figure someone reports ('the report found ...') is not that day's event
            continue
        start = _paragraph_start(text, claim.evidence.start)
        before = text[start:claim.evidence.start]
        periods = find_periods(before, language)
        if len(periods) != 1 or not OPENING_WORDS.match(before[:periods[0][0]]):
            continue  # not the paragraph's first words: a dateline's date ('MONTERREY, N.L., 3 de mayo de 2024.-') is the publication's
        day = anchor(periods[0][2], published)
        if _event_days(day):
            claim.figure.period = replace(day, inferred_from="the day its paragraph opens with")


@cache
def _event_reference(language: str = "en") -> re.Pattern:
    """'the seizure', 'these arrests': a definite reference to an event named before."""
    lexicon = _lexicon(language)
    determiners = "|".join(map(re.escape, lexicon["event_references"]))
    return re.compile(r"\b(?:%s) (?P<event>%s)\b" % (determiners, "|".join(map(re.escape, lexicon["event_words"]))),
                      re.IGNORECASE)


def dated_by_an_earlier_event(claims: list, language: str = "en") -> None:
    """'Officers seized 500 rounds on August 23. The seizure also included 12 rifles.': a figure
    with no period of its own, in a sentence that refers back to a day-dated event ('the seizure'),
    has that event's day. The event is the latest dated one of the same word stem before it."""
    events: list[tuple[str, Period]] = []
    for claim in sorted(claims, key=lambda c: c.evidence.start):
        sentence = claim.evidence.text
        if _event_days(claim.figure.period):
            events += [(_stem(m.group(0)), claim.figure.period) for m in _event_words(language).finditer(sentence)]
            continue
        if claim.figure.period is not None:
            continue
        reference = _event_reference(language).search(sentence)
        if reference is None:
            continue
        stem = _stem(reference.group("event"))
        earlier = [period for event, period in events if event == stem]
        if earlier:
            claim.figure.period = replace(earlier[-1], inferred_from=f"an earlier sentence's {reference.group('event').lower()}")


def carried_from_before(claims: list) -> None:
    """'En ese lapso, ...', 'in the same period': the period of the latest figure before it that has
    one of its own, of the same unit where there is one ('se aseguraron 1 mil armas en el mismo periodo'
    is the period of the guns counted before, not of a share in between), marked inferred. With none
    before, the words stay as said."""
    stated: list = []  # (unit, period) of the figures before, in order
    for claim in sorted(claims, key=lambda c: c.figure.span.start):
        period = claim.figure.period
        if period is not None and period.relative is not None and period.relative.rule == "same_period":
            alike = [p for unit, p in stated if unit == claim.figure.unit] or [p for _, p in stated]
            if alike:
                claim.figure.period = replace(alike[-1], inferred_from=f"the period said before ('{period.label}')")
        elif period is not None and period.inferred_from is None:  # a duration too ("en siete meses")
            stated.append((claim.figure.unit, period))


def _stem(word: str) -> str:
    """'seizure', 'seized', 'seizes' -> 'seiz': one event named by its verb or its noun."""
    return word.lower()[:4]
