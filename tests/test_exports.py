"""The exports a rebuild puts together from the previous export and the facts snapshot: what
they reuse must never change what they hold."""

from __future__ import annotations

import marshal
import shutil

import pyoxigraph as ox
import pytest

from claimgraph.build import build
from claimgraph.exports import BlockIndex, trig_graph_pieces
from graph.analysis.snapshot import SNAPSHOT, _records

from .conftest import SEEDS

BOTH = ("trig", "nq")


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)
    return folder


def change_one(corpus):
    changed = sorted(corpus.glob("*.txt"))[1]
    changed.write_text(changed.read_text() + "\nOfficials said 4,000 rifles were seized in 2020.\n")


def test_rebuild_copies_unchanged_blocks_and_ends_as_a_fresh_build(corpus, tmp_path):
    out = tmp_path / "out"
    build(corpus, out, workers=1, exports=BOTH)
    cache = next((out / "cache").iterdir())
    index = BlockIndex.of(out / "graph.trig", cache.name)
    assert index is not None and len(index.blocks) == 5
    trig = (out / "graph.trig").read_bytes()
    for sha, (offset, length) in index.blocks.items():  # each block is its article's cached graph
        assert trig[offset:offset + length] == (cache / f"{sha}.trig").read_bytes()
    change_one(corpus)
    assert len(build(corpus, out, workers=1, exports=BOTH).built) == 1
    build(corpus, tmp_path / "fresh", workers=1, exports=BOTH)
    for name in ("graph.trig", "graph.nq"):
        assert (out / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes()


def test_a_rebuild_updates_the_sorted_tables_and_they_end_as_a_fresh_builds(corpus, tmp_path, monkeypatch):
    from claimgraph import tables

    out = tmp_path / "out"
    build(corpus, out, workers=1)
    updated = []
    real = tables.updated_table

    def spy(query, *args):
        done = real(query, *args)
        updated.append((query.name, done))
        return done

    monkeypatch.setattr(tables, "updated_table", spy)
    change_one(corpus)  # changed, removed and added at once
    sorted(corpus.glob("*.txt"))[0].unlink()
    (corpus / "added.txt").write_text("Rifles at the border\n\nCustoms officials said 3,250 rifles were seized "
                                      "in Sonora in 2021, and the Justice Ministry put the total at 4,100.\n")
    build(corpus, out, workers=1)
    assert ("brief", True) in updated and ("articles", True) in updated
    build(corpus, tmp_path / "fresh", workers=1)
    for query in tables.table_queries():
        assert query.file(out).read_bytes() == query.file(tmp_path / "fresh").read_bytes(), query.name


def test_an_export_changed_after_the_build_is_not_copied_from(corpus, tmp_path):
    out = tmp_path / "out"
    build(corpus, out, workers=1)
    trig = out / "graph.trig"
    index = BlockIndex.of(trig, next((out / "cache").iterdir()).name)
    offset, length = next(iter(index.blocks.values()))
    data = bytearray(trig.read_bytes())
    data[offset:offset + length] = b"#" * length  # same size, other bytes: the stamp's mtime differs
    trig.write_bytes(bytes(data))
    assert BlockIndex.of(trig, index.cache) is None
    change_one(corpus)
    build(corpus, out, workers=1)
    build(corpus, tmp_path / "fresh", workers=1)
    assert trig.read_bytes() == (tmp_path / "fresh" / "graph.trig").read_bytes()


@pytest.mark.parametrize("damage", ["cut short", "another version"])
def test_a_facts_snapshot_that_cannot_be_trusted_is_read_around(corpus, tmp_path, damage):
    out = tmp_path / "out"
    build(corpus, out, workers=1)
    snapshot = next((out / "cache").iterdir()) / SNAPSHOT
    data = snapshot.read_bytes()
    if damage == "cut short":  # as a build killed while appending leaves it
        snapshot.write_bytes(data[:-100])
    else:  # the header names the code that wrote it
        header = marshal.dumps(["claimgraph facts snapshot", [2, 7], 0, "old"])
        snapshot.write_bytes(len(header).to_bytes(8, "little") + header + data[8 + int.from_bytes(data[:8], "little"):])
    change_one(corpus)
    build(corpus, out, workers=1)
    build(corpus, tmp_path / "fresh", workers=1)
    assert (out / "graph.trig").read_bytes() == (tmp_path / "fresh" / "graph.trig").read_bytes()
    records = list(_records(snapshot.read_bytes()))  # written afresh: a header, then one record per article
    assert records[0][0] == "claimgraph facts snapshot" and len(records) == 6
    assert len({sha for sha, _, _ in records[1:]}) == 5


def test_asking_for_fewer_exports_removes_the_stale_ones(corpus, tmp_path):
    out = tmp_path / "out"
    build(corpus, out, workers=1, exports=BOTH)
    assert (out / "graph.nq").exists()
    build(corpus, out, workers=1)
    assert not (out / "graph.nq").exists() and not (out / "graph.nq.blocks.json").exists()


def test_a_graph_block_keeps_literals_that_look_like_its_graph_term():
    graph = "https://w3id.org/claimgraph/id/graph/analysis"
    tricky = f'says " <{graph}> .\\n and \\"quoted\\" <{graph}> .'
    quads = [ox.Quad(ox.NamedNode("https://example.org/a"), ox.NamedNode("https://example.org/p"), ox.Literal(value),
                     ox.NamedNode(graph)) for value in (tricky, "plain", "ünïcödé\ttab")]
    nquads = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    block = b"".join(trig_graph_pieces(nquads, graph))
    assert set(ox.parse(block, format=ox.RdfFormat.TRIG)) == set(quads)


def test_an_analysis_that_breaks_its_shapes_leaves_the_last_build_as_it_was(corpus, tmp_path, monkeypatch):
    """The exports are copied in a thread while the analysis runs: when the analysis then fails
    its SHACL check, the half-written exports are dropped and the last build's stay."""
    import claimgraph.build as build_module
    from claimgraph.extraction import BuildError
    from graph.analysis.groups import analysis_quads

    out = tmp_path / "out"
    build(corpus, out, workers=1, exports=BOTH)
    before = {name: (out / name).read_bytes() for name in ("graph.trig", "graph.nq", "explorer.html")}

    def with_a_broken_group(facts, entities=()):
        writer = analysis_quads(facts, entities)
        group = "https://w3id.org/claimgraph/id/group/broken"
        writer.link(group, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "https://w3id.org/claimgraph/ns#QuantityGroup")
        writer.link(group, "https://w3id.org/claimgraph/ns#member", facts[0].claim)  # one member: two at least
        return writer

    monkeypatch.setattr(build_module, "analysis_quads", with_a_broken_group)
    change_one(corpus)
    with pytest.raises(BuildError, match="SHACL validation of the cross-source analysis failed"):
        build(corpus, out, workers=1, exports=BOTH)
    assert {name: (out / name).read_bytes() for name in before} == before
    from claimgraph.output_folder import LOCK, MARK

    # no temporary file left behind, only the build's mark and lock
    assert not [p.name for p in out.iterdir() if p.name.startswith(".") and p.name not in (MARK, LOCK)]


@pytest.mark.parametrize("name", ["claims", "brief", "articles", "conflicts"])
def test_a_materialised_table_is_the_engines_rows_in_its_order_and_stale_tables_are_not_used(seed_build, tmp_path, name):
    import csv
    import io
    import subprocess
    import sys

    from claimgraph.tables import built_table, table_query

    out, _ = seed_build
    query = table_query(name)
    assert built_table(out / "graph.trig", name) is not None
    command = [sys.executable, "-m", "claimgraph.cli", "query", name, "-g", str(out / "graph.trig"),
               "--limit", "0", "--format", "csv"]
    from_table = subprocess.run(command, capture_output=True, check=True).stdout
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "graph.trig").write_bytes((out / "graph.trig").read_bytes())  # no table beside it: the engine answers
    from_engine = subprocess.run(command[:6] + [str(copy / "graph.trig")] + command[7:], capture_output=True, check=True).stdout

    def table(data: bytes):
        return list(csv.reader(io.StringIO(data.decode("utf-8"))))

    ours, engines = table(from_table), table(from_engine)
    assert ours[0] == engines[0] and sorted(ours[1:]) == sorted(engines[1:])
    assert len(ours) - 1 == {"claims": 34, "brief": 34, "articles": 5, "conflicts": 1}[name]
    keys = [ours[0].index(column) for column, _ in query.order]
    assert [[row[at] for at in keys] for row in ours[1:]] == [[row[at] for at in keys] for row in engines[1:]]  # ties aside

    # a page with a bound value is the same page the engine gives
    # (the conflict's own source, whichever the seeds' one pair is credited to)
    conflicting = f"sourceLabel={ours[1][ours[0].index('sourceLabel')]}" if name == "conflicts" else ""
    page = {"articles": ["--limit", "2", "--offset", "1"], "conflicts": ["--limit", "1", "--param", conflicting]}.get(
        name, ["--limit", "3", "--offset", "1", "--param", "flow=firearms"])
    ours = table(subprocess.run(command[:7] + page + ["--format", "csv"], capture_output=True, check=True).stdout)
    engines = table(subprocess.run(command[:6] + [str(copy / "graph.trig")] + page + ["--format", "csv"],
                                   capture_output=True, check=True).stdout)
    if query.order:
        assert ours == engines
    else:
        assert len(ours) == len(engines) and all(row[ours[0].index("flow")] == "firearms" for row in ours[1:])
    assert len(ours) > 1

    stamp = query.stamp_file(out)
    kept = stamp.read_text()
    try:
        stamp.write_text("0 0 stale")
        assert built_table(out / "graph.trig", name) is None  # a table made with another graph is not read
    finally:
        stamp.write_text(kept)


def test_table_records_keep_quoted_line_breaks_and_order_keys_are_plain_variables():
    from claimgraph.tables import TableError, cells, csv_records, order_keys

    data = b'a,"one\r\ntwo ""quoted""",c\r\nd,e,f\r\n'
    records = list(csv_records(data))
    assert records == [b'a,"one\r\ntwo ""quoted""",c\r\n', b"d,e,f\r\n"]
    assert cells(records[0]) == ["a", 'one\r\ntwo "quoted"', "c"]
    assert order_keys("q", "SELECT ?a ?b WHERE { ?a ?p ?b } ORDER BY ?a DESC(?b)") == (("a", False), ("b", True))
    assert order_keys("q", "SELECT ?a WHERE { ?a ?p ?b }") == ()
    with pytest.raises(TableError, match="q.rq"):
        order_keys("q", "SELECT ?a WHERE { ?a ?p ?b } ORDER BY STRLEN(?a)")


@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_a_page_is_the_first_rows_of_the_whole_result_and_says_whether_more_follow(seed_store, fmt):
    import io
    import json
    import re

    from graph.queries import cells, csv_records, query_text

    text = query_text("brief")  # sorted: one evaluation gives the page and the look past it

    def page(limit, offset=0):
        out = io.BytesIO()
        more = seed_store.write_page(text, fmt, out, None, limit, offset)
        return out.getvalue(), more

    def rows(data):
        if fmt == "csv":
            return [cells(r) for r in csv_records(data.partition(b"\r\n")[2])]
        if fmt == "json":
            return json.loads(data)["results"]["bindings"]
        return [re.split(r"\s{2,}", line.strip()) for line in data.decode().splitlines()[2:-1]]  # widths vary by page

    whole, more = page(0)
    assert not more and len(rows(whole)) == 34
    first, more = page(5)
    assert more and rows(first) == rows(whole)[:5]
    last, more = page(5, 30)
    assert not more and rows(last) == rows(whole)[30:]
    exact, more = page(34)
    assert not more and rows(exact) == rows(whole)
    if fmt == "json":  # the engine's own compact JSON, also when the row past the page was cut off
        assert first.startswith(b'{"head":{"vars":["source",') and b" " not in first.split(b'"bindings"')[0]


def test_the_conflicts_table_the_analysis_writes_is_the_engines_on_generated_articles(tmp_path):
    """Thousands of pairs among generated articles: the analysis's rows are the engine's rows."""
    import csv
    import io
    import subprocess
    import sys

    from bench.generate import generate

    articles, out, bare = tmp_path / "articles", tmp_path / "out", tmp_path / "bare"
    generate(articles, 25)
    build(articles, out, workers=1)
    bare.mkdir()
    (bare / "graph.trig").write_bytes((out / "graph.trig").read_bytes())  # no tables beside it
    command = [sys.executable, "-m", "claimgraph.cli", "query", "conflicts", "--limit", "0", "--format", "csv", "-g"]
    ours, engines = (list(csv.reader(io.StringIO(subprocess.run(command + [str(folder / "graph.trig")], capture_output=True,
                                                                  check=True, text=True).stdout)))
                     for folder in (out, bare))
    assert len(ours) > 500 and ours[0] == engines[0] and sorted(ours) == sorted(engines)
    assert [row[4] for row in ours] == [row[4] for row in engines]  # the topics in the engine's order


def test_a_mark_that_cannot_be_honoured_leaves_the_query_to_the_engine_and_is_reported(tmp_path, monkeypatch):
    import graph.queries as queries
    from claimgraph import tables

    assert tables.table_problems() == []  # the shipped queries: every mark is honoured
    (tmp_path / "guesses.rq").write_text("# materialised from the analysis\nSELECT ?a WHERE { ?a ?b ?c }\n")
    (tmp_path / "conflicts.rq").write_text("# materialised from the analysis\nSELECT ?claim ?other WHERE { ?claim ?p ?other }\n")
    (tmp_path / "lengths.rq").write_text("# materialised\nSELECT ?a WHERE { ?a ?b ?c } ORDER BY STRLEN(?a)\n")
    (tmp_path / "plain.rq").write_text("# materialised\nSELECT ?a WHERE { ?a ?b ?c } ORDER BY ?a\n")
    monkeypatch.setattr(queries, "QUERY_DIR", tmp_path)
    tables.table_queries.cache_clear()
    try:
        problems = "\n".join(tables.table_problems())
        assert "guesses.rq: the analysis makes no table" in problems
        assert "conflicts.rq: its columns are ['claim', 'other']" in problems
        assert "lengths.rq: a materialised query orders by plain variables only" in problems
        assert [query.name for query in tables.table_queries()] == ["plain"]
    finally:
        monkeypatch.undo()
        tables.table_queries.cache_clear()
