"""SPARQL lives in .rq files: each stage keeps its queries in a queries/ folder beside its modules."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def load_query(module_file: str, name: str) -> str:
    """The text of queries/NAME.rq in the folder of the module whose __file__ is given."""
    return _read(Path(module_file).resolve().parent / "queries" / f"{name}.rq")
