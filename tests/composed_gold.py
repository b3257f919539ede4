"""Shared checks for the composed corpora under bench/corpora/ (gold in the dev-es schema)."""

from __future__ import annotations

import json
import re
from pathlib import Path

CORPORA = Path(__file__).resolve().parents[1] / "bench" / "corpora"


class ComposedCorpus:
    """One composed corpus folder: its gold, its texts and the spans its gold quotes."""

    def __init__(self, name: str):
        self.name = name
        self.root = CORPORA / name
        self.gold = json.loads((self.root / "gold.json").read_text(encoding="utf-8"))

    def text(self, article: str, folder: str = "articles") -> str:
        return (self.root / folder / article).read_text(encoding="utf-8")

    def spans(self):
        for claim in self.gold["claims"]:
            for span in [claim["evidence"], *claim.get("alt_evidence", [])]:
                yield claim["id"], claim["article"], span
        for op in self.gold["operations"]:
            yield f'{op["agency"]}->{op["operation"]}', op["article"], op["evidence"]
        for nc in self.gold["non_claims"]:
            yield "non_claim", nc["article"], nc["span"]

    def missing_spans(self) -> list:
        return [(who, art, span) for who, art, span in self.spans() if span not in self.text(art)]

    def mentions_without_alias(self) -> list:
        wrong = []
        for entity in self.gold["entities"]:
            names = [re.compile(r"(?<!\w)%s(?!\w)" % re.escape(a)) for a in entity["aliases"]]
            wrong += [(entity["id"], art) for art in entity["mentions"]
                      if not any(n.search(self.text(art)) for n in names)]
        return wrong

    def cross_language_conflicts(self) -> list:
        by_id = {c["id"]: c for c in self.gold["claims"]}
        lang = {name: a["language"] for name, a in self.gold["articles"].items()}
        return [d for d in self.gold["disagreements"] if d["kind"] == "conflict"
                and len({lang[by_id[i]["article"]] for i in d["claims"]}) == 2]

    def front_matter_split(self, article: str, folder: str) -> tuple[str, str]:
        """(header, body) of the front-matter variant of an article."""
        return re.match(r"---\n(.*?)\n---\n(.*)", self.text(article, folder), re.S).groups()
