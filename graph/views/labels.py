"""How views print things: numbers with thousands separators, and the flows in their fixed order."""

from __future__ import annotations

# The ontology's flows (cg:firearms ...), in the order views list them.
FLOWS = ("firearms", "ammunition", "cash", "narcotics", "other")


def format_number(value: float) -> str:
    """The printed form used in labels: integers without decimals, thousands separated."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.6g}" if abs(value) >= 1 else f"{value:.6g}"


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
