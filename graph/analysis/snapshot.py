"""One file that holds every article's analysis records, so that a rebuild of 10,000 articles
reads them in one go instead of opening 10,000 cached JSON files and converting their rows
(seconds, where the whole rebuild should take a few).

The file sits in the cache folder beside the per-article entries it is derived from. It is a
sequence of length-prefixed marshal records: a header naming the code and Python that wrote it, then one
[sha, claims, entities] record per article, appended as articles are first assembled. marshal
is Python's own fast format for plain data; it is only ever read from this tool's own cache, and
a header that differs, or a record cut short by a killed build, makes the reader fall back to
the per-article files."""

from __future__ import annotations

import hashlib
import json
import marshal
import sys
from pathlib import Path
from typing import Iterator

from graph.analysis.groups import ClaimFacts, EntityRow, claim_facts_from_rows

SNAPSHOT = "facts.snapshot"
RECORDS_CODE = ("groups.py", "snapshot.py")  # how rows become records: this folder's modules


def _header() -> list:
    code = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for part in RECORDS_CODE:
        code.update((root / part).read_bytes())
    return ["claimgraph facts snapshot", list(sys.version_info[:2]), marshal.version, code.hexdigest()]


def _framed(record) -> bytes:
    data = marshal.dumps(record)
    return len(data).to_bytes(8, "little") + data


def _records(data: bytes) -> Iterator:
    """The framed records of a snapshot, in order (marshal.load on a file reads it piecemeal,
    three times slower than this)."""
    view, position = memoryview(data), 0
    while position < len(data):
        size = int.from_bytes(view[position:position + 8], "little")
        if position + 8 + size > len(data):
            raise EOFError("a record cut short")
        yield marshal.loads(view[position + 8:position + 8 + size])
        position += 8 + size


def load_facts(cache_dir: Path, kept: list[str], write: bool = True) -> tuple[list[ClaimFacts], list[EntityRow]]:
    """The analysis's records of the kept articles, in claim order: from the snapshot where it
    has them, else from each article's cached rows (and then added to the snapshot, unless not
    write: a read command leaves the build's cache as it found it)."""
    wanted = set(kept)
    # the records repeat a few strings (sources, articles, units, entity names) hundreds of thousands
    # of times: one copy of each took 10,000 articles' records from 280 to 110 MB
    strings: dict[str, str] = {}

    def one_copy(value):
        return strings.setdefault(value, value) if type(value) is str else value
    claims: list[ClaimFacts] = []
    entities: list[EntityRow] = []
    path = cache_dir / SNAPSHOT
    stale = 0
    usable = False
    if path.exists():
        records = _records(path.read_bytes())
        try:
            usable = next(records, None) == _header()
            for sha, claim_rows, entity_rows in records if usable else ():
                if sha not in wanted:
                    stale += 1
                    continue
                claims += [ClaimFacts(*map(one_copy, row)) for row in claim_rows]
                entities += [EntityRow(*map(one_copy, row)) for row in entity_rows]
                wanted.discard(sha)
        except (EOFError, ValueError, TypeError):  # a record cut short by a killed build
            usable = False
    if not usable or stale > len(kept):  # another version's, or mostly removed articles: start again
        if write:
            path.unlink(missing_ok=True)
        wanted, claims, entities = set(kept), [], []
    added = []
    for sha in sorted(wanted):
        facts = json.loads((cache_dir / f"{sha}.facts.json").read_bytes())
        article_claims = [ClaimFacts(*map(one_copy, f.row())) for f in claim_facts_from_rows(facts["claims"])]
        article_entities = [EntityRow(**{name: one_copy(value) for name, value in row.items()}) for row in facts["entities"]]
        added.append((sha, [f.row() for f in article_claims], [tuple(row) for row in article_entities]))
        claims += article_claims
        entities += article_entities
    if added and write:
        fresh = not path.exists()
        with path.open("ab") as handle:
            handle.write(b"".join(_framed(record) for record in ([_header()] if fresh else []) + added))
    claims.sort(key=lambda f: f.claim)
    return claims, entities
