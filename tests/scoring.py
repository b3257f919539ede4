"""A small scorer for our own seed annotations: precision and recall of claims, and the share of
found claims with the right source, bounds, unit, period and flow."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ANNOTATIONS = Path(__file__).parent / "seed_annotations.yaml"

CLAIM_FIGURES = """
PREFIX cg: <https://w3id.org/claimgraph/ns#>
PREFIX schema: <https://schema.org/>
SELECT ?claim ?figure WHERE { ?claim a cg:FigureClaim ; schema:text ?figure }"""


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").replace("\u00a0", " ")
    text = text.replace("’", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def label_norm(text: str) -> str:
    text = norm(text)
    text = re.sub(r"^(the|u\.s\.|us|a)\s+", "", text)
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text)).strip()


def same_label(predicted: str, names: list[str]) -> bool:
    p = label_norm(predicted)
    return any(p == label_norm(n) or (len(label_norm(n)) > 3 and label_norm(n) in p) for n in names)


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 0.01 * max(abs(a), abs(b), 1e-9)


def number(text: str) -> float | None:
    return float(text) if text not in (None, "") else None


@dataclass
class Score:
    predicted: int = 0
    matched: int = 0
    core: int = 0
    core_found: int = 0
    optional_found: int = 0
    right_source: int = 0
    right_bounds: int = 0
    right_unit: int = 0
    right_flow: int = 0
    periods: int = 0
    right_period: int = 0
    non_claims_hit: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.core_found / self.core if self.core else 0.0

    @property
    def precision(self) -> float:
        counted = self.predicted - self.optional_found
        return self.core_found / counted if counted else 0.0

    def share(self, n: int, of: int | None = None) -> float:
        of = self.core_found if of is None else of
        return n / of if of else 0.0


def score(rows: list[dict], figures: dict[str, str], annotations: Path = ANNOTATIONS) -> Score:
    """rows: the `claims` query as dicts; figures: claim IRI -> the figure's text."""
    gold = yaml.safe_load(annotations.read_text(encoding="utf-8"))
    result = Score(predicted=len(rows))
    used: set[int] = set()
    for claim in gold["claims"]:
        wanted = [claim.get(k) for k in ("value", "low", "high") if claim.get(k) is not None]
        optional = claim.get("optional", False)
        result.core += 0 if optional else 1
        found = None
        for i, row in enumerate(rows):
            if i in used or row["article"] != claim["article"]:
                continue
            numbers = [number(row[k]) for k in ("value", "low", "high") if row[k]]
            if not any(close(x, y) for x in numbers for y in wanted):
                continue
            if norm(claim["evidence"]) not in norm(row["evidence"]):
                continue
            found = i
            break
        if found is None:
            if not optional:
                result.misses.append(f"{claim['article'][:3]} {claim['evidence'][:50]}")
            continue
        used.add(found)
        row = rows[found]
        if optional:
            result.optional_found += 1
            continue
        result.core_found += 1
        if same_label(row["sourceLabel"], claim["sources"]):
            result.right_source += 1
        else:
            result.wrong.append(f"source {row['sourceLabel']!r} for {claim['evidence'][:40]!r}")
        bounds = all(close(number(row[k]), claim.get(g)) for k, g in (("value", "value"), ("low", "low"), ("high", "high")))
        result.right_bounds += bounds
        if not bounds:
            result.wrong.append(f"bounds {row['value']}/{row['low']}/{row['high']} for {claim['evidence'][:40]!r}")
        if claim.get("unit") is None or norm(row["unit"]) == norm(claim["unit"]):
            result.right_unit += 1
        else:
            result.wrong.append(f"unit {row['unit']!r} for {claim['evidence'][:40]!r}")
        flows = claim["flow"] if isinstance(claim["flow"], list) else [claim["flow"]]
        if row["flow"] in flows:
            result.right_flow += 1
        else:
            result.wrong.append(f"flow {row['flow']!r} for {claim['evidence'][:40]!r}")
        if claim.get("period") is not None:
            result.periods += 1
            period, got = claim["period"], norm(row["period"])
            ok = all(str(y) in got for y in period) if isinstance(period, list) else norm(period) in got or (period == "annual" and "annual" in got)
            result.right_period += ok
            if not ok:
                result.wrong.append(f"period {row['period']!r} for {claim['evidence'][:40]!r}")
    for non in gold["non_claims"]:
        for row in rows:
            figure = norm(figures.get(row["claim"], ""))
            if row["article"] == non["article"] and figure and figure in norm(non["text"]) and norm(non["text"]) in norm(row["evidence"]):
                result.non_claims_hit.append(f"{non['article'][:3]} {non['text']}")
    return result
