"""Loads the lexicons under extract/data/. Rules live there as data, not in code."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).parent / "data"


@cache
def load(name: str) -> dict:
    """A YAML lexicon by file stem under extract/data/, e.g. load("cues"), or a .yaml file of the
    same shape given by its path (a component's config may name either)."""
    path = Path(name) if name.endswith((".yaml", ".yml")) else DATA_DIR / f"{name}.yaml"
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@cache
def load_jsonl(name: str) -> tuple[dict, ...]:
    lines = (DATA_DIR / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    return tuple(json.loads(line) for line in lines if line.strip())


def lexicon_version() -> str:
    """A digest of every data file, so that a changed rule invalidates cached extractions."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(DATA_DIR.iterdir()):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
