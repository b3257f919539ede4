"""The build's manifest (manifest.json), and what a read command may take from a build folder
without the extraction stack: the analysis's records of every claim, from the build's cache."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from claimgraph.tables import built_table
from graph.analysis.groups import ClaimFacts
from graph.analysis.snapshot import load_facts
from graph.files import Outputs, atomic_write


@dataclass
class Manifest:
    """What the last build was made of (manifest.json): the extractor version its cache entries
    belong to, each file name's content hash, each file's stamp [stamp, sha256, warnings], the
    named graphs in the store, the exports written, the remote store written to, and the claims."""
    extractor: str | None = None
    articles: dict[str, str] = field(default_factory=dict)
    files: dict[str, list] = field(default_factory=dict)
    graphs: list[str] = field(default_factory=list)
    exports: list[str] = field(default_factory=list)
    remote: str | None = None
    claims: int = 0

    FILE = "manifest.json"

    @classmethod
    def read(cls, out: Path) -> "Manifest":
        """The last build's manifest; an empty one when there is none or it cannot be read."""
        try:
            data = json.loads((out / cls.FILE).read_text(encoding="utf-8"))
            return cls(**{name: data[name] for name in cls.__dataclass_fields__ if name in data})
        except (OSError, ValueError, TypeError):
            return cls()

    def write(self, out: Path, outputs: Outputs | None = None) -> None:
        """Write manifest.json, or hand it to the build's outputs to be put in place with the rest."""
        path = out / self.FILE
        atomic_write(outputs.path(path) if outputs is not None else path, json.dumps(asdict(self), indent=1, sort_keys=True))


def built_facts(graph: Path) -> list[ClaimFacts] | None:
    """Every claim's analysis records from the build that wrote graph (its cache's snapshot), or
    None when graph is not the graph.trig that build wrote last. Nothing in the cache is changed."""
    graph = Path(graph)
    if built_table(graph) is None:  # stamped with this very graph.trig by the last build
        return None
    manifest = Manifest.read(graph.parent)
    if not manifest.extractor:
        return None
    try:
        claims, _ = load_facts(graph.parent / "cache" / manifest.extractor, sorted(set(manifest.articles.values())),
                               write=False)
    except (OSError, ValueError, KeyError):
        return None
    return claims
