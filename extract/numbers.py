"""Finds and parses figures in text: "2,306", "Ninety percent", "half a million", "$58 million",
"between 250,000 and 1 million", "up to 85%", "nearly double". Pure functions, no spaCy."""

from __future__ import annotations

import re
from decimal import Decimal
from dataclasses import dataclass, replace
from functools import cache

from .lexicon import load
from .prefilter import prefilters


@dataclass(frozen=True)
class NumberMatch:
    start: int
    end: int
    value: float | None
    low: float | None
    high: float | None
    qualifier: str | None = None
    currency: str | None = None
    percent: bool = False
    multiplier: bool = False  # "double", "triples": a ratio counted in "times"
    exclusive: bool = False  # the bound itself is excluded: "more than 500", "less than 1%"
    change: bool = False  # one end of a change ("pasó de 60 a 15 días"): the two ends measure one thing

    @property
    def numbers(self) -> tuple[float, ...]:
        return tuple(x for x in (self.value, self.low, self.high) if x is not None)


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# The English grammar's digits: "," groups thousands, "." marks decimals. A language's numbers
# lexicon may name other marks (digit_marks): Spanish groups with "," "." or "’" and marks decimals
# with "," or ".", a mark followed by exactly three digits being a group.
ENGLISH_DIGITS = r"\d{1,3}(?:,\s?\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?(?![\d,]\d)"


def _digits(lex: dict) -> str:
    marks = lex.get("digit_marks")
    if not marks:
        return ENGLISH_DIGITS
    group, decimal = (re.escape("".join(marks[kind])) for kind in ("group", "decimal"))
    return rf"\d{{1,3}}(?:[{group}]\d{{3}})+(?:[{decimal}]\d{{1,2}}(?!\d)|[{decimal}]\d{{4,}})?(?!\d)|\d+(?:[{decimal}]\d+)?(?![\d{group}]\d)"


@cache
def _grammar(language: str = "en"):
    lex = load("numbers", language)
    word_values = {**lex["units"], **lex["tens"]}
    scales = lex["scales"]
    word = _alternation(word_values)
    long_scales = _alternation(s for s in scales if len(s) > 2)
    short_scales = _alternation(s for s in scales if len(s) <= 2)
    digits = _digits(lex)
    and_word = _alternation(lex.get("and_words", ["and"]))
    a_word = _alternation(lex.get("a_words", ["a"]))
    half = _alternation(lex.get("half_words", ["half"]))
    # a scale word that is a number on its own ("más de mil armas"); never its plural ("miles de")
    lone = rf"|\b(?:{_alternation(lex['lone_scales'])})\b" if lex.get("lone_scales") else ""
    # "treinta y cinco": the words that join two number words (English joins with a hyphen or a space)
    joiner = rf"(?:[-\s]|\s+(?:{_alternation(lex['number_joiners'])})\s+)" if lex.get("number_joiners") else r"[-\s]"
    more = f"{{0,{lex.get('words_in_a_group', 2) - 1}}}"  # "fifty-five" is two words; "ochocientos cincuenta y cinco", three
    wordnum = (
        rf"(?:(?:{word})(?:{joiner}(?:{word})){more}(?:\s+(?:{and_word}\s+)?(?:{a_word}\s+)?(?:{half}\s+)?(?:{long_scales})"
        rf"(?:\s+(?:{and_word}\s+)?(?:{word})(?:{joiner}(?:{word})){more})?)*(?:\s+{and_word}\s+(?:{half})\b)?"
        rf"|(?:{a_word}\s+)?{half}\s+(?:{a_word}\s+)?(?:{long_scales})|(?:{a_word})\s+(?:{long_scales}){lone})"
    )
    # "19 mil 317", "2 mil millones": scales in a row, and a group of three digits after a scale that takes one
    grouped = lex.get("scales_taking_a_group", [])
    group_after = rf"\s(?:{_alternation(grouped)})\s\d{{3}}(?![\d.,’']\d)|" if grouped else ""
    # "1 millón 200 mil": after a scale word, a count of a smaller scale
    counted = lex.get("scales_counted_after_a_scale", [])
    counted_after = rf"(?<=[^\W\d_])\s\d{{1,3}}(?=\s(?:{_alternation(counted)})\b)|" if counted else ""
    scale = rf"(?:(?:{group_after}{counted_after}\s?(?:{long_scales})\b)+|(?:{short_scales})\b)"
    currency = _alternation(lex["currencies"])
    percent = _alternation(lex["percent_words"])
    currency_word = _alternation(lex["currency_words"])
    currency_lead = rf"(?:(?:{_alternation(lex['currency_word_leads'])})\s)?" if lex.get("currency_word_leads") else ""
    amount = (
        rf"(?:(?P<cur@>{currency})\s?)?(?P<num@>{digits}|\b{wordnum})(?P<scale@>{scale})?"
        rf"(?:\s?(?P<pct@>{percent}))?(?:\s{currency_lead}(?P<curw@>{currency_word})\b)?"
    )
    low = _alternation(lex["lower_bound"])
    high = _alternation(lex["upper_bound"])
    hedge = _alternation(lex["hedges"] + lex["lead_ins"])
    mult = _alternation(lex["multipliers"]) if lex["multipliers"] else r"(?!)"
    # "hasta un 78 %": an article between the bound and its figure
    article = rf"(?:(?:{_alternation(lex['bound_articles'])})\s+(?=\d))?" if lex.get("bound_articles") else ""
    openers = _alternation(lex.get("range_openers", ["between", "from"]))
    range_joiners = _alternation(lex.get("range_joiners", ["and", "to", "through", "-", "–", "—"]) + lex.get("alternative_joiners", []))
    pattern = (
        rf"(?:\b(?P<bound>{low}|{high}|{hedge})\s+{article})?"
        rf"(?:(?P<between>{openers})\s+{article})?"
        + amount.replace("@", "1")
        + rf"(?:\s?(?P<joiner>{range_joiners})\s?{article}(?:(?P<bound2>{low}|{high})\s+)?"
        + amount.replace("@", "2")
        + ")?"
    )
    multiplier = rf"(?:\b(?P<mbound>{hedge}|{low}|{high})\s+)?\b(?P<mult>{mult})\b"
    grammar = {
        "figure": re.compile(pattern, re.IGNORECASE),
        "share": _share_pattern(lex, word, rf"(?:{low}|{high}|{hedge})"),
        # a rank word up to three words before "N out of M" makes it a place in a ranking, not a share
        "rank": re.compile(rf"(?<!\w)(?:{_alternation(lex.get('rank_words') or [])})(?:\s+\S+){{0,3}}\s+$", re.IGNORECASE)
        if lex.get("rank_words") else None,
        "fractions": {k.lower(): v for k, v in lex.get("fractions", {}).items()},
        "multiplier": re.compile(multiplier, re.IGNORECASE),
        "word_values": word_values,
        "scales": scales,
        "and_words": set(lex.get("and_words", ["and"])) | set(lex.get("number_joiners", [])),
        "a_words": set(lex.get("a_words", ["a"])),
        "half_words": set(lex.get("half_words", ["half"])),
        "digit_marks": lex.get("digit_marks"),
        "pairing_joiners": set(lex.get("pairing_joiners", ["and"])),
        "pairing_openers": {w.lower() for w in lex.get("pairing_openers", ["between"])},
        "alternative_joiners": {w.lower() for w in lex.get("alternative_joiners", [])},
        # "pasó de 60 a 15", "rose from 40 to 55": a change word a word or two before the opener
        "change": re.compile(rf"\b(?:{_alternation(lex['change_words'])})\s+(?:[^\W\d_]+\s+)?$", re.IGNORECASE)
        if lex.get("change_words") else None,
        "change_openers": {w.lower() for w in lex.get("change_openers", [])},
        # the words between two coordinated figures: the first's counted noun and the joiner ("armas y")
        "coordination": re.compile(rf"\s+(?:[^\W\d_]+\s+){{0,3}}(?:{_alternation(lex.get('pairing_joiners', ['and']))})\s+", re.IGNORECASE),
        "currencies": {k.lower(): v for k, v in lex["currencies"].items()},
        "currency_words": lex["currency_words"],
        "currency_scales": lex.get("currency_scales", {}),
        "lower": {w.lower() for w in lex["lower_bound"]},
        "upper": {w.lower() for w in lex["upper_bound"]},
        "exclusive": {w.lower() for w in lex["exclusive_bounds"]},
        "lead_ins": {w.lower() for w in lex["lead_ins"]},
        "percent_words": {w.lower() for w in lex["percent_words"]},
        "trailing_hedge": re.compile(rf"\s*(?:\([^()\n]{{0,200}}\)\s*)?,?\s*(?P<hedge>{_alternation(lex['trailing_hedges'])})(?!\w)",
                                     re.IGNORECASE) if lex.get("trailing_hedges") else None,
        "restatement": re.compile(rf"\s*(?:{_alternation(lex['restatement_joiners'])})\s*$", re.IGNORECASE),
        "multipliers": lex["multipliers"],
    }
    # what a sentence must hold for each scan to find anything: most hold no number at all
    grammar["prefilters"] = prefilters([grammar[key] or NEVER for key in SCANS])
    return grammar


SCANS = ("figure", "share", "multiplier")  # the patterns find_numbers searches a text with
NEVER = re.compile(r"(?!)")


def _share_pattern(lex: dict, word: str, bound: str) -> re.Pattern | None:
    """A share said as parts of a whole or as a count in each so many: "dos terceras partes de",
    "two-thirds of", "la mitad de", "half of", "7 de cada 10", "seven in 10". A fraction counts only
    before what it is a part of ("of"/"de"): "two quarters" may be a year's, "the third" an ordinal."""
    if not lex.get("fractions") and not lex.get("ratio_joiners"):
        return None
    count = rf"(?:{word}|\d{{1,3}})"
    alternatives = []
    if lex.get("fractions"):
        part = _alternation(lex["fractions"])
        article = _alternation(lex.get("fraction_articles", ["a"]))
        of = _alternation(lex["fraction_of"])
        bare = _alternation(lex["bare_fractions"]) if lex.get("bare_fractions") else r"(?!)"
        alternatives.append(rf"(?:(?:(?P<parts>{count})[-\s]|(?:{article})\s+)(?P<part>{part})|(?P<bare>{bare}))(?=\s+(?:{of})\b)")
    if lex.get("ratio_joiners"):
        alternatives.append(rf"(?P<count>{count})\s+(?:{_alternation(lex['ratio_joiners'])})\s+(?P<base>{count})\b")
    return re.compile(rf"(?:\b(?P<sbound>{bound})\s+)?\b(?:{'|'.join(alternatives)})", re.IGNORECASE)


def _shares(text: str, g, language: str) -> list[NumberMatch]:
    """Every share in text, as a percent: two thirds is 66.67 percent, 7 in 10 is 70."""
    if g["share"] is None:
        return []
    found = []
    for m in g["share"].finditer(text):
        if m.group("part") or m.group("bare"):
            parts = _count(m.group("parts"), language) if m.group("parts") else 1
            whole = g["fractions"][(m.group("part") or m.group("bare")).lower()]
        else:
            if g["rank"] is not None and g["rank"].search(text[max(0, m.start() - 60):m.start()]):
                continue  # "ranked 124 out of 180": a place, not 69 percent
            parts, whole = _count(m.group("count"), language), _count(m.group("base"), language)
        if parts is None or not whole or not 0 < parts <= whole or not m.group("part") and not m.group("bare") and not _round_base(whole):
            continue  # "12 de cada 10" is no share, nor "the 3 in 2020", nor a rank "124 out of 180"
        bound = (m.group("sbound") or "").lower() or None
        found.append(_single(m.start(), m.end(), round(100 * parts / whole, 2), bound, None, True, g))
    return found


def _round_base(whole: float) -> bool:
    """A share is said in each so many of a small count or a power of ten ("one in five", "7 de cada
    10", "3 out of 100"); "124 out of 180" is a rank or a score."""
    return whole <= 12 or whole in (100, 1000)


def _count(said: str, language: str) -> float | None:
    return parse_digits(said) if said.isdigit() else parse_number_words(said, language)


@cache
def scale_words(language: str = "en") -> frozenset[str]:
    """The words that scale a number ("million", "mil", "millones"): inside a figure they are part of
    its amount, never a vague quantity."""
    return frozenset(w.lower() for w in _grammar(language)["scales"] if len(w) > 2)


def is_percent_word(word: str, language: str = "en") -> bool:
    return word.lower() in _grammar(language)["percent_words"]


def parse_number_words(text: str, language: str = "en") -> float | None:
    """'ninety' -> 90, 'half a million' -> 500000, 'two hundred fifty thousand' -> 250000;
    'dos millones y medio' -> 2500000, 'treinta y cinco mil' -> 35000."""
    g = _grammar(language)
    tokens = re.findall(r"[^\W\d_]+", text.lower())
    total, current, seen = 0.0, 0.0, False
    half = False
    article = False  # current is the 1 of "a million", not a number said
    last_scale = None
    for tok in tokens:
        if tok in g["and_words"]:
            continue
        if tok in g["a_words"] and tok not in g["word_values"]:
            if not half and not current:
                current, article = 1, True
            continue
        if tok in g["half_words"]:
            if article:  # "a half million", "a million and a half": the article counts nothing
                current, article = 0, False
            if last_scale is not None and not current:  # "dos millones y medio": half of the scale before
                total += last_scale * 0.5
            else:
                half = True
            seen = True
            continue
        if tok in g["word_values"]:
            current += g["word_values"][tok]
            seen = True
        elif tok in g["scales"] and len(tok) > 2:
            scale = g["scales"][tok]
            # "one and a half million" is 1.5 million; "half a million" 0.5
            base = current + 0.5 if half and current else (current or 1) * (0.5 if half else 1)
            half = article = False
            if scale == 100:
                current = base * 100
            elif scale > 1000 and total and not current and last_scale == 1000:  # "mil millones"
                total *= scale
            else:
                total += base * scale
                current = 0
            last_scale = scale
            seen = True
        else:
            return None
    if not seen:
        return None
    return total + current


def _written_digits(num: str, marks: dict | None = None) -> Decimal:
    """The digits as written, exactly: a decimal, so that a scale multiplies what the text says."""
    if not marks:
        return Decimal(re.sub(r"[,\s]", "", num))
    decimal = re.search(rf"[{re.escape(''.join(marks['decimal']))}](\d+)$", num)
    if decimal and len(decimal.group(1)) != 3:
        whole, fraction = num[:decimal.start()], decimal.group(1)
    else:
        whole, fraction = num, ""
    digits = re.sub(r"\D", "", whole)
    return Decimal(f"{digits}.{fraction}" if fraction else digits)


def parse_digits(num: str, marks: dict | None = None) -> float:
    """'2,306' -> 2306; with a language's digit marks, '332.689' -> 332689, '1,5' -> 1.5,
    '4’318,527' -> 4318527, '47’206,315.42' -> 47206315.42: a mark followed by exactly three
    digits groups them, a decimal mark followed by any other count starts the decimals."""
    return float(_written_digits(num, marks))


def _exact_amount(num: str, scale: str | None, language: str) -> Decimal | None:
    """The amount in decimal arithmetic: '8.2 million' is 8200000, where 8.2 * 1e6 in floats is
    8199999.999999999."""
    num = num.strip()
    g = _grammar(language)
    scale_said = (scale or "").lower().split()
    if re.match(r"\d", num):
        value = _written_digits(num, g["digit_marks"])
    else:
        # words and the scale words after them are one amount ("medio millón": half of a million)
        joint = not any(w.isdigit() for w in scale_said)
        words = parse_number_words(f"{num} {' '.join(scale_said)}" if joint else num, language)
        if words is None:
            return None
        value = Decimal(repr(words))  # sums and products of whole numbers and halves: exact
        if joint:
            return value
    # "19 mil 317", "1 millón 200 mil", "2 mil millones": a scale multiplies the count before it, or
    # everything before it when it is larger than the last ("mil millones")
    total, current, last = Decimal(0), value, None
    for word in scale_said:
        if word.isdigit():
            total, current = total + current, Decimal(int(word))
            continue
        factor = Decimal(str(g["scales"][word]))
        if last is not None and factor > last:
            total, current = (total + current) * factor, Decimal(0)
        else:
            total, current = total + current * factor, Decimal(0)
        last = factor
    return total + current


def parse_amount(num: str, scale: str | None, language: str = "en") -> float | None:
    """'8.2' 'million' -> 8200000.0; the float nearest the amount the text gives."""
    value = _exact_amount(num, scale, language)
    return None if value is None else float(value)


def _amount(match: re.Match, n: int, language: str) -> float | None:
    num = match.group(f"num{n}")
    if not num:
        return None
    value = _exact_amount(num, match.group(f"scale{n}"), language)
    word = (match.group(f"curw{n}") or "").lower()
    scales = _grammar(language)["currency_scales"]
    if value is not None and word in scales:  # "18 mdd": millions of dollars
        value *= Decimal(str(scales[word]))
    return None if value is None else float(value)


def find_numbers(text: str, language: str = "en") -> list[NumberMatch]:
    """Every figure-shaped span in text, with value or bounds. Filtering of dates, calibres and
    other non-claims happens later, where the parse is known."""
    g = _grammar(language)
    amounts_may, shares_may, multipliers_may = g["prefilters"].may_match(text)  # False: the text holds none
    found = _amounts(text, g, language) if amounts_may else []
    shares = _shares(text, g, language) if shares_may else []
    found = [n for n in found if not any(n.start < share.end and share.start < n.end for share in shares)] + shares
    if multipliers_may:
        for m in g["multiplier"].finditer(text):
            value = float(g["multipliers"][m.group("mult").lower()])
            found.append(_single(m.start(), m.end(), value, (m.group("mbound") or "").lower() or None, None, False, g, multiplier=True))
    found.sort(key=lambda n: n.start)
    found = _coordinated_bounds(text, _without_spelled_out_repeats(text, found), g)
    return _trailing_hedges(text, _restatements_qualified(text, found, g), g)


def _amounts(text: str, g, language: str) -> list[NumberMatch]:
    """Every amount, range, change or pair of figures the figure pattern finds, left to right."""
    found: list[NumberMatch] = []
    position = 0
    while True:
        m = g["figure"].search(text, position)
        if m is None:
            break
        position = max(m.end(), position + 1)
        if not m.group("num1"):
            continue
        first = _amount(m, 1, language)
        if first is None:
            continue
        second = _amount(m, 2, language) if m.group("num2") else None
        bound = (m.group("bound") or "").lower() or None
        currency = _currency(m, (1, 2), g)
        percent = bool(m.group("pct1") or m.group("pct2"))
        joiner = m.group("joiner")
        opener = (m.group("between") or "").lower()
        is_range = second is not None and ((joiner or "").lower() not in g["pairing_joiners"] or opener in g["pairing_openers"])
        if is_range and (joiner or "").lower() in g["alternative_joiners"] and not m.group("between") and (
                bool(m.group("pct1")) != bool(m.group("pct2")) or _currency(m, (1,), g) not in (None, _currency(m, (2,), g))):
            is_range = False  # "tres o cuatro rifles" is one figure, "70% o 10 mil millones" two
        if second is not None and not is_range:
            # "A and B" without "between": two figures, each in its own currency ("240 mdp y 57 mdd");
            # keep the first and scan again from B.
            end = max(m.end(key) for key in ("num1", "scale1", "pct1", "curw1") if m.group(key))
            start = m.start() if not opener or m.group("bound") else m.start("cur1") if m.group("cur1") else m.start("num1")
            found.append(_single(start, end, first, bound, _currency(m, (1,), g), bool(m.group("pct1")), g))
            position = m.start("bound2") if m.group("bound2") else (m.start("cur2") if m.group("cur2") else m.start("num2"))
            continue
        if is_range and _is_change(text, m, g):
            found.extend(_change(m, first, second, bound, g))
            continue
        if is_range:
            scale2 = m.group("scale2")
            raw_first = parse_amount(m.group("num1"), None, language)
            raw_second = parse_amount(m.group("num2"), None, language)
            if scale2 and raw_first < raw_second:
                # "between 19 and 29 billion", "entre 8 mil y 9 mil millones": the second's scales
                # past the first's distribute over both ends
                said, said2 = (m.group("scale1") or "").lower().split(), scale2.lower().split()
                if said2[:len(said)] == said and len(said2) > len(said):
                    first = parse_amount(m.group("num1"), " ".join(said2), language)
            if first > second:
                found.append(_single(m.start(), m.end("num1"), first, bound, currency, percent, g))
                position = m.start("num2")
                continue
            found.append(NumberMatch(m.start(), m.end(), None, first, second, _qualifier(bound, g), currency, percent))
            continue
        start = m.start() if not m.group("between") or m.group("bound") else m.start("cur1") if m.group("cur1") else m.start("num1")
        found.append(_single(start, m.end(), first, bound, currency, percent, g))  # "de 2020": "de" opens no range
    return found


def _coordinated_bounds(text: str, found: list[NumberMatch], g) -> list[NumberMatch]:
    """'al menos 380 armas y 2,7 millones de dólares', 'more than 300 guns and 40 grenades': a bound
    before the first of two coordinated figures bounds the second too, when it has none of its own."""
    for i in range(1, len(found)):
        before, this = found[i - 1], found[i]
        if this.value is None or this.qualifier is not None or before.qualifier is None or before.end > this.start:
            continue
        if not g["coordination"].fullmatch(text[before.end:this.start]):
            continue
        if before.low is not None and before.high is None:
            found[i] = replace(this, value=None, low=this.value, qualifier=before.qualifier, exclusive=before.exclusive)
        elif before.high is not None and before.low is None:
            found[i] = replace(this, value=None, high=this.value, qualifier=before.qualifier, exclusive=before.exclusive)
    return found


def _is_change(text: str, m: re.Match, g) -> bool:
    opener = (m.group("between") or "").lower()
    return g["change"] is not None and opener in g["change_openers"] and bool(g["change"].search(text[:m.start("between")]))


def _change(m: re.Match, first: float, second: float, bound: str | None, g) -> list[NumberMatch]:
    """'pasó de 60 a 15 días', 'rose from 40 to 55 percent': two figures, each in the unit, percent
    or currency said once for both; never a range."""
    percent = bool(m.group("pct1") or m.group("pct2"))
    currency = _currency(m, (1, 2), g)
    first_end = max(m.end(key) for key in ("num1", "scale1", "pct1", "curw1") if m.group(key))
    second_start = min(m.start(key) for key in ("bound2", "cur2", "num2") if m.group(key))
    ends = (_single(m.start("cur1") if m.group("cur1") else m.start("num1"), first_end, first, bound, currency, percent, g),
            _single(second_start, m.end(), second, (m.group("bound2") or "").lower() or None, currency, percent, g))
    return [replace(end, change=True) for end in ends]


def _currency(match: re.Match, amounts: tuple[int, ...], g) -> str | None:
    """The currency the amounts name: a currency word after an amount ("$300 mil dólares") says
    more than the sign before it."""
    currency = None
    for n in amounts:
        if match.group(f"cur{n}"):
            currency = g["currencies"][match.group(f"cur{n}").lower()]
    for n in amounts:
        if match.group(f"curw{n}"):
            currency = g["currency_words"][match.group(f"curw{n}").lower()]
    return currency


def _without_spelled_out_repeats(text: str, found: list[NumberMatch]) -> list[NumberMatch]:
    """'$47’206,315.42 (CUARENTA Y SIETE MILLONES ... PESOS 42/100 M.N.)', '$5 million (five million
    dollars)': the amount said again in brackets is the same figure, not another."""
    kept: list[NumberMatch] = []
    for this in found:
        before = kept[-1] if kept else None
        if (before is not None and before.value is not None and this.value is not None
                and re.fullmatch(r"\s*\(\s*", text[before.end:this.start]) and int(before.value) == int(this.value)):
            continue
        kept.append(this)
    return kept


def _restatements_qualified(text: str, found: list[NumberMatch], g) -> list[NumberMatch]:
    """A figure that restates the one before it ("approximately 70 percent, or $10 billion") takes
    its hedge or bound when it has none of its own."""
    for i in range(1, len(found)):
        before, this = found[i - 1], found[i]
        if before.qualifier is None or this.qualifier is not None or this.value is None:
            continue
        if before.end > this.start or not g["restatement"].fullmatch(text[before.end:this.start]):
            continue
        if before.value is not None:
            found[i] = replace(this, qualifier=before.qualifier)
        elif before.low is not None and before.high is None:
            found[i] = replace(this, value=None, low=this.value, qualifier=before.qualifier, exclusive=before.exclusive)
        elif before.high is not None and before.low is None:
            found[i] = replace(this, value=None, high=this.value, qualifier=before.qualifier, exclusive=before.exclusive)
    return found


def _trailing_hedges(text: str, found: list[NumberMatch], g) -> list[NumberMatch]:
    """A point figure hedged after it ("$47'206,315.42 (CUARENTA Y SIETE MILLONES ... M.N.) aproximadamente",
    "300 guns or so" needs its noun and is left alone): the hedge right after the figure, or after
    the figure's parenthesis, is its qualifier when it has none."""
    if g["trailing_hedge"] is None:
        return found
    for i, this in enumerate(found):
        after = g["trailing_hedge"].match(text, this.end)
        if after is not None and this.value is not None and this.qualifier is None:
            found[i] = replace(this, qualifier=after.group("hedge").lower())
    return found


def _qualifier(bound: str | None, g) -> str | None:
    """The bound or hedge words kept as said; a mere lead-in ("a total of") is not a qualifier."""
    return None if bound in g["lead_ins"] else bound


def _single(start, end, value, bound, currency, percent, g, multiplier=False) -> NumberMatch:
    """One figure; a bound word makes it a lower or upper bound and stays as its qualifier, as said."""
    exclusive, qualifier = bound in g["exclusive"], _qualifier(bound, g)
    if bound in g["lower"]:
        return NumberMatch(start, end, None, value, None, qualifier, currency, percent, multiplier, exclusive)
    if bound in g["upper"]:
        return NumberMatch(start, end, None, None, value, qualifier, currency, percent, multiplier, exclusive)
    return NumberMatch(start, end, value, None, None, qualifier, currency, percent, multiplier)


@cache
def _context_rules(language: str = "en"):
    units = load("units", language)
    designators = {w.lower().rstrip(".") for w in units["designators"]}
    calibre = [w.lower() for w in units["calibre_words"]]
    calibre_starts = tuple(calibre) + tuple(" " + w for w in calibre)  # what the text after a number may begin with
    numbers = load("numbers", language)
    joiners = _alternation(numbers.get("pairing_joiners", ["and"]) + numbers.get("alternative_joiners", []))
    # "calibre .223 y 7.62", "artículos 84 y 85", ".223 and 7.62": a number listed after a designated
    # one, or after a calibre written with its leading point, is designated too
    listed = re.compile(rf"(?:\b(?:{_alternation(designators)})\.?\s+|(?<![\w.,])(?=\.\d))\.?\d[\d.,]*(?:\s*,\s*\.?\d[\d.,]*)*\s*(?:,|\s(?:{joiners}))\s+\.?$",
                        re.IGNORECASE)
    # "billetes de 500", "$100 bills": the face value of a banknote; "limitar a 7 mil 500 dólares": a cap
    denominations = _alternation(units.get("denominations", []))
    of = _alternation(units.get("partitive_words", ["of"]))
    note_before = re.compile(rf"\b(?:{denominations})\s+(?:(?:{of})\s+)?\$?\s?$", re.IGNORECASE) if denominations else None
    note_after = re.compile(rf"\s*(?:{denominations})\b", re.IGNORECASE) if denominations else None
    caps, cap_joiners = (_alternation(units.get(key, [])) for key in ("cap_words", "cap_joiners"))
    cap_before = re.compile(rf"\b(?:{caps})\s+(?:[^\W\d_]+\s+){{0,4}}(?:{cap_joiners})\s+$", re.IGNORECASE) if caps else None
    not_amounts = (listed, note_before, note_after, cap_before)
    # "14 de marzo", "marzo de 2021": a day or a year beside a month name, where the pipeline's NER
    # finds no dates (numbers.yaml: dates_by_month_names); the months and joining words are the periods lexicon's
    if not numbers.get("dates_by_month_names"):
        return designators, calibre_starts, None, None, not_amounts
    from .periods import month_spellings  # periods reads amounts with this module

    months = _alternation(month_spellings(language))
    joiner = _alternation(load("periods", language).get("date_joiners", [""]))
    day = re.compile(rf"\s+(?:(?:{joiner})\s+)?(?:{months})\b", re.IGNORECASE)
    year = re.compile(rf"\b(?:{months})\s+(?:(?:{joiner})\s+)?(?:del?\s+)?$", re.IGNORECASE)
    return designators, calibre_starts, day, year, not_amounts


def reject_reason(text: str, match: NumberMatch, language: str = "en") -> str | None:
    """Why a number is not a figure claim by its look alone (dates, calibres, ordinals, names), or None."""
    span = text[match.start:match.end]
    before = text[max(0, match.start - 30):match.start]
    after = text[match.end:match.end + 20]
    designators, calibre_starts, day_of_month, month_before, (listed, note_before, note_after, cap_before) = _context_rules(language)
    if listed.search(before) and re.match(r"[.\d]", span) and not match.currency and not match.percent \
            and not re.search(r"\d[,’'\s]\s?\d{3}", span):
        # a designation is digits without thousands groups: "calibre 7.62 y ocho AR-15", "FY 2022 and
        # 11, 205 rounds" list a count
        return "designator listed after another"
    if note_before is not None and (note_before.search(before) or match.currency and note_after.match(after)):
        return "banknote denomination"
    if cap_before is not None and cap_before.search(text[max(0, match.start - 60):match.start]):
        return "a cap or threshold, not an amount that moved"
    if day_of_month is not None and not match.currency and not match.percent and (
            day_of_month.match(after) or month_before.search(before)):
        return "date"
    if re.match(r"/\d", after) or re.search(r"\d/$", before):
        return "date or fraction"
    if re.search(r"[.\d][\u00a0 ]?[x×]?[\u00a0 ]?$", before) and re.match(r"\d", span) and before.rstrip().endswith((".",)):
        return "calibre or decimal fragment"
    if re.match(r"(?:st|nd|rd|th)\b", after, re.IGNORECASE):
        return "ordinal"
    if re.match(r":\d", after) or re.search(r"\d:$", before) or re.match(r"\s?(?:a\.m\.|p\.m\.)", after, re.IGNORECASE):
        return "time of day"
    if re.match(r"\s?[x×]\s?\d", after) or re.search(r"\d\s?[x×]\s?$", before):
        return "calibre"
    if after.lower().startswith(calibre_starts):
        return "calibre or measure"
    if re.match(r"-[A-Za-z]", after) or re.search(r"[A-Za-z]-$", before) or re.match(r"[A-Za-z]", after):
        return "part of a name or compound"
    if re.match(r"\d", span) and re.search(r"[^\W\d_]$", before):  # "A9", "G17", a cell "=SUM(A1:A9)"
        return "part of a name or compound"
    if match.value is not None and not match.currency and not match.percent and re.fullmatch(r"(?:19|20)\d\d", span.strip()):
        return "year"
    if match.low is not None and match.high is not None and not match.currency and not match.percent:
        if all(re.fullmatch(r"(?:19|20)\d\d", str(int(x))) for x in (match.low, match.high)) and "," not in span:
            return "year range"
    word_before = re.search(r"((?:[^\W\d_]|\.)+)\s*$", before)  # "calibre", "No.", "número"
    if word_before and re.match(r"\d", span) and word_before.group(1).lower().rstrip(".") in designators:
        if not match.currency and not match.percent and match.value is not None and match.value < 10000 and "," not in span:
            return f"designator ({word_before.group(1)} N)"
    return None
