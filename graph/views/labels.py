"""How views print things: numbers with thousands separators, and the flows in their fixed order."""

from __future__ import annotations

# The ontology's flows (cg:firearms ...), in the order views list them.
FLOWS = ("firearms", "ammunition", "cash", "narcotics", "other")


def format_number(value: float) -> str:
    """The printed form used in labels: integers without decimals, thousands separated."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.6g}" if abs(value) >= 1 else f"{value:.6g}"


def figure_as_said(value: float | None, low: float | None, high: float | None, qualifier: str | None,
                   unit: str) -> str:
    """A figure as its source said it, with its hedge or bound: 'nearly 300 firearms',
    'less than 1 percent', '19,000,000,000–29,000,000,000 USD'. A bound no word came with
    reads 'more than' / 'up to' (inclusive words would claim more than the text)."""
    if value is not None:
        number = format_number(value)
    elif low is not None and high is not None:
        number = f"{format_number(low)}–{format_number(high)}"
    elif low is not None:
        number = f"{qualifier or 'more than'} {format_number(low)}"
        qualifier = None
    else:
        number = f"{qualifier or 'up to'} {format_number(high)}"
        qualifier = None
    return " ".join(part for part in (qualifier, number, unit) if part)


def safe_link(url: str | None) -> str:
    """An article's address when it is an http(s) URL, else "": a page never links to javascript:,
    data: or file: addresses taken from an article."""
    from urllib.parse import urlsplit

    if not url:
        return ""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else ""



def source_link(url: str | None, page: str | int | None = None) -> str:
    """The link to a claim's source: its article's http(s) address, at the claim's page for a
    paged document ('report.pdf#page=12'); "" when the address is not a web one."""
    from graph.rdf.mapping import page_link

    return safe_link(page_link(url, int(page) if page else None) or url)

# What a search reads of a claim, in the page and in the served index alike: its info's fields,
# and its source's names and agencies.
SEARCHED_FIELDS = ("label", "source", "figure", "value", "low", "high", "unit", "subject", "period", "flow", "cue",
                   "articleTitle", "articleOutlet", "articleDate", "article", "evidence")
SEARCHED_SOURCE_FIELDS = ("aliases", "affiliation")


def number_text(text: str) -> str:
    """A table cell's number as views print it ('' stays '')."""
    return format_number(float(text)) if text else ""


def claim_attributes(row: dict, facts: dict, disputed_by: list[str] = ()) -> dict[str, str]:
    """A claim as the explorer holds it, offline or served: its label (the figure as said) and the
    facts its panel, views and search read. row: the claims table's; facts: explorer_claim_facts.rq's.
    The article's headline, address, outlet and date are the claims row's, shown where the claim
    has its facts (as when they were read with them)."""
    value, low, high = (float(row[name]) if row[name] else None for name in ("value", "low", "high"))
    article = {"headline": row["title"], "url": row["url"], "outlet": row["outlet"], "date": row["date"]} if facts else {}
    return {"label": figure_as_said(value, low, high, row.get("qualifier") or None, row["unit"]),
            "flow": row["flow"], "source": row["sourceLabel"], "sourceId": row["source"], "article": row["article"],
            "articleTitle": article.get("headline", ""), "articleUrl": source_link(article.get("url"), row.get("page")),
            "page": row.get("page") or "", "articleOutlet": article.get("outlet", ""), "articleDate": article.get("date", ""),
            "evidence": row["evidence"], "figure": facts.get("figure", ""), "cue": row["cue"], "subject": row["subject"],
            "period": row["period"], "unit": row["unit"], "unattributed": facts.get("unattributed", ""),
            "reporter": facts.get("reporter", ""), "disputedBy": "; ".join(disputed_by),
            "language": row.get("language", ""), "periodInferred": row.get("periodInferred") or "",
            "value": number_text(row["value"]), "low": number_text(row["low"]), "high": number_text(row["high"])}


def disputes_by_claim(rows) -> dict[str, list[str]]:
    """The disputes query's rows as who contests each claim, with the sentence that says so."""
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["claim"], []).append(f"{row['disputantLabel']} ({row['cue']}): {row['evidence']}")
    return found
