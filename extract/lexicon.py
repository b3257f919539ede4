"""Loads the lexicons under extract/data/. Rules live there as data, not in code."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).parent / "data"
# libyaml's parser where PyYAML has it: the same objects as the pure-Python one (a test compares
# every lexicon), in a ninth of the time; each extraction worker loads them all as it starts
LEXICON_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def load(name: str, language: str = "en") -> dict:
    """A YAML lexicon by file stem under extract/data/, e.g. load("cues"), or a .yaml file of the
    same shape given by its path (a component's config may name either). For another language,
    its own file extract/data/<language>/<stem>.yaml where there is one (load("cues", "es")),
    else the shared one: a language needs its own file only where its words differ."""
    path = Path(name) if name.endswith((".yaml", ".yml")) else lexicon_path(name, language)
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=LEXICON_LOADER)


def lexicon_path(stem: str, language: str = "en", suffix: str = ".yaml") -> Path:
    own = DATA_DIR / language / f"{stem}{suffix}"
    return own if language != "en" and own.is_file() else DATA_DIR / f"{stem}{suffix}"


def has_own_lexicon(stem: str, language: str) -> bool:
    return (DATA_DIR / language / f"{stem}.yaml").is_file()


@cache
def load_jsonl(name: str) -> tuple[dict, ...]:
    lines = (DATA_DIR / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    return tuple(json.loads(line) for line in lines if line.strip())


def lexicon_version() -> str:
    """A digest of every data file, so that a changed rule invalidates cached extractions."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(p for p in DATA_DIR.rglob("*") if p.is_file()):  # extract/data/es/... too
        digest.update(path.relative_to(DATA_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
