"""Counts of what a graph holds: one query a count, in queries/count_*.rq."""

from __future__ import annotations

from graph.sparql import load_query
from graph.store import ClaimStore

COUNTS = ("articles", "claims", "unattributed claims", "sources", "entities", "operations",
          "agency-operation relations", "quantity groups", "conflicting pairs")


def count_query(name: str) -> str:
    return load_query(__file__, "count_" + name.replace(" ", "_").replace("-", "_"))


def count(store: ClaimStore) -> dict[str, int]:
    return {name: store.count(count_query(name)) for name in COUNTS}
