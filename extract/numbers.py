"""Finds and parses figures in text: "2,306", "Ninety percent", "half a million", "$58 million",
"between 250,000 and 1 million", "up to 85%", "nearly double". Pure functions, no spaCy."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from .lexicon import load


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

    @property
    def numbers(self) -> tuple[float, ...]:
        return tuple(x for x in (self.value, self.low, self.high) if x is not None)


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _grammar():
    lex = load("numbers")
    word_values = {**lex["units"], **lex["tens"]}
    scales = lex["scales"]
    word = _alternation(word_values)
    long_scales = _alternation(s for s in scales if len(s) > 2)
    short_scales = _alternation(s for s in scales if len(s) <= 2)
    digits = r"\d{1,3}(?:,\s?\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?(?![\d,]\d)"
    wordnum = (
        rf"(?:(?:{word})(?:[-\s](?:{word}))?(?:\s+(?:and\s+)?(?:a\s+)?(?:half\s+)?(?:{long_scales})"
        rf"(?:\s+(?:and\s+)?(?:{word})(?:[-\s](?:{word}))?)?)*"
        rf"|(?:a\s+)?half\s+(?:a\s+)?(?:{long_scales})|a\s+(?:{long_scales}))"
    )
    scale = rf"(?:\s?(?:{long_scales})\b|(?:{short_scales})\b)"
    currency = _alternation(lex["currencies"])
    percent = _alternation(lex["percent_words"])
    currency_word = _alternation(lex["currency_words"])
    amount = (
        rf"(?:(?P<cur@>{currency})\s?)?(?P<num@>{digits}|\b{wordnum})(?P<scale@>{scale})?"
        rf"(?:\s?(?P<pct@>{percent}))?(?:\s(?P<curw@>{currency_word})\b)?"
    )
    low = _alternation(lex["lower_bound"])
    high = _alternation(lex["upper_bound"])
    hedge = _alternation(lex["hedges"] + lex["lead_ins"])
    mult = _alternation(lex["multipliers"])
    pattern = (
        rf"(?:\b(?P<bound>{low}|{high}|{hedge})\s+)?"
        rf"(?:(?P<between>between|from)\s+)?"
        + amount.replace("@", "1")
        + rf"(?:\s?(?P<joiner>and|to|through|-|–|—)\s?(?:(?P<bound2>{low}|{high})\s+)?"
        + amount.replace("@", "2")
        + ")?"
    )
    multiplier = rf"(?:\b(?P<mbound>{hedge}|{low}|{high})\s+)?\b(?P<mult>{mult})\b"
    return {
        "figure": re.compile(pattern, re.IGNORECASE),
        "multiplier": re.compile(multiplier, re.IGNORECASE),
        "word_values": word_values,
        "scales": scales,
        "currencies": {k.lower(): v for k, v in lex["currencies"].items()},
        "currency_words": lex["currency_words"],
        "lower": {w.lower() for w in lex["lower_bound"]},
        "upper": {w.lower() for w in lex["upper_bound"]},
        "exclusive": {w.lower() for w in lex["exclusive_bounds"]},
        "lead_ins": {w.lower() for w in lex["lead_ins"]},
        "percent_words": {w.lower() for w in lex["percent_words"]},
        "restatement": re.compile(rf"\s*(?:{_alternation(lex['restatement_joiners'])})\s*$", re.IGNORECASE),
        "multipliers": lex["multipliers"],
    }


def is_percent_word(word: str) -> bool:
    return word.lower() in _grammar()["percent_words"]


def parse_number_words(text: str) -> float | None:
    """'ninety' -> 90, 'half a million' -> 500000, 'two hundred fifty thousand' -> 250000."""
    g = _grammar()
    tokens = re.findall(r"[a-z]+", text.lower())
    total, current, seen = 0.0, 0.0, False
    half = False
    for tok in tokens:
        if tok in ("and",):
            continue
        if tok == "a":
            if not half:
                current = current or 1
            continue
        if tok == "half":
            half, seen = True, True
            continue
        if tok in g["word_values"]:
            current += g["word_values"][tok]
            seen = True
        elif tok in g["scales"] and len(tok) > 2:
            scale = g["scales"][tok]
            base = (current or 1) * (0.5 if half else 1)
            half = False
            if scale == 100:
                current = base * 100
            else:
                total += base * scale
                current = 0
            seen = True
        else:
            return None
    if not seen:
        return None
    return total + current


def parse_amount(num: str, scale: str | None) -> float | None:
    num = num.strip()
    if re.match(r"\d", num):
        value = float(re.sub(r"[,\s]", "", num))
    else:
        value = parse_number_words(num)
        if value is None:
            return None
    if scale:
        value *= _grammar()["scales"][scale.strip().lower()]
    return value


def _amount(match: re.Match, n: int) -> float | None:
    num = match.group(f"num{n}")
    return parse_amount(num, match.group(f"scale{n}")) if num else None


def find_numbers(text: str) -> list[NumberMatch]:
    """Every figure-shaped span in text, with value or bounds. Filtering of dates, calibres and
    other non-claims happens later, where the parse is known."""
    g = _grammar()
    found: list[NumberMatch] = []
    position = 0
    while True:
        m = g["figure"].search(text, position)
        if m is None:
            break
        position = max(m.end(), position + 1)
        if not m.group("num1"):
            continue
        first = _amount(m, 1)
        if first is None:
            continue
        second = _amount(m, 2) if m.group("num2") else None
        bound = (m.group("bound") or "").lower() or None
        currency = None
        for key in ("cur1", "cur2"):
            if m.group(key):
                currency = g["currencies"][m.group(key).lower()]
        for key in ("curw1", "curw2"):
            if m.group(key):
                currency = g["currency_words"][m.group(key).lower()]
        percent = bool(m.group("pct1") or m.group("pct2"))
        joiner = m.group("joiner")
        is_range = second is not None and (joiner != "and" or m.group("between"))
        if second is not None and not is_range:
            # "A and B" without "between": two figures; keep the first and scan again from B.
            end = m.end("num1") if not m.group("scale1") else m.end("scale1")
            if m.group("pct1"):
                end = m.end("pct1")
            found.append(_single(m.start(), end, first, bound, currency, percent, g))
            position = m.start("bound2") if m.group("bound2") else (m.start("cur2") if m.group("cur2") else m.start("num2"))
            continue
        if is_range:
            scale2 = m.group("scale2")
            raw_first = parse_amount(m.group("num1"), None)
            raw_second = parse_amount(m.group("num2"), None)
            if m.group("scale1") is None and scale2 and raw_first < raw_second:
                # "between 19 and 29 billion": the scale distributes over both ends
                first = parse_amount(m.group("num1"), scale2)
            if first > second:
                found.append(_single(m.start(), m.end("num1"), first, bound, currency, percent, g))
                position = m.start("num2")
                continue
            found.append(NumberMatch(m.start(), m.end(), None, first, second, _qualifier(bound, g), currency, percent))
            continue
        found.append(_single(m.start(), m.end(), first, bound, currency, percent, g))
    for m in g["multiplier"].finditer(text):
        value = float(g["multipliers"][m.group("mult").lower()])
        found.append(_single(m.start(), m.end(), value, (m.group("mbound") or "").lower() or None, None, False, g, multiplier=True))
    found.sort(key=lambda n: n.start)
    return _restatements_qualified(text, found, g)


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
def _context_rules():
    units = load("units")
    designators = {w.lower().rstrip(".") for w in units["designators"]}
    calibre = [w.lower() for w in units["calibre_words"]]
    return designators, calibre


def reject_reason(text: str, match: NumberMatch) -> str | None:
    """Why a number is not a figure claim by its look alone (dates, calibres, ordinals, names), or None."""
    span = text[match.start:match.end]
    before = text[max(0, match.start - 30):match.start]
    after = text[match.end:match.end + 20]
    designators, calibre = _context_rules()
    if re.search(r"[.\d][\u00a0 ]?[x×]?[\u00a0 ]?$", before) and re.match(r"\d", span) and before.rstrip().endswith((".",)):
        return "calibre or decimal fragment"
    if re.match(r"(?:st|nd|rd|th)\b", after, re.IGNORECASE):
        return "ordinal"
    if re.match(r":\d", after) or re.search(r"\d:$", before) or re.match(r"\s?(?:a\.m\.|p\.m\.)", after, re.IGNORECASE):
        return "time of day"
    if re.match(r"\s?[x×]\s?\d", after) or re.search(r"\d\s?[x×]\s?$", before):
        return "calibre"
    lowered_after = after.lower()
    if any(lowered_after.startswith(w) or lowered_after.startswith(" " + w) for w in calibre):
        return "calibre or measure"
    if re.match(r"-[A-Za-z]", after) or re.search(r"[A-Za-z]-$", before) or re.match(r"[A-Za-z]", after):
        return "part of a name or compound"
    if match.value is not None and not match.currency and not match.percent and re.fullmatch(r"(?:19|20)\d\d", span.strip()):
        return "year"
    if match.low is not None and match.high is not None and not match.currency and not match.percent:
        if all(re.fullmatch(r"(?:19|20)\d\d", str(int(x))) for x in (match.low, match.high)) and "," not in span:
            return "year range"
    word_before = re.search(r"([A-Za-z.]+)\s*$", before)
    if word_before and re.match(r"\d", span) and word_before.group(1).lower().rstrip(".") in designators:
        if not match.currency and not match.percent and match.value is not None and match.value < 10000 and "," not in span:
            return f"designator ({word_before.group(1)} N)"
    return None
