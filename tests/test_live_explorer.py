"""The explorer served live by `claimgraph serve`: the same page, its data from the whole build
through the read-only API and its search index; checked in Debian's Chromium and against
`claimgraph query claims` with the same filter."""

import csv
import io
import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from .conftest import ROOT
from .test_explorer_browser import browser  # noqa: F401  (the shared Chromium fixture)
from .test_hostile_serve import serving

CLI = [sys.executable, "-m", "claimgraph.cli"]
# invented bodies, each with its own claims, so that most of them are left out of the page's sample
NAMES = ["Varnel", "Quisto", "Harrowgate", "Ostrane", "Belmiro", "Candelo", "Tirzah", "Wendmoor", "Galvert", "Ressa",
         "Pomander", "Ilvara", "Sorrento", "Dunmere", "Halvik", "Marrowby", "Estrella", "Kestwick"]
ARTICLE = """---
title: "{name} counts seizures"
outlet: "Frontier Ledger"
date: "{year}-0{month}-1{day}"
---
{name} counts seizures

The {name} Border Office said {rifles} rifles were seized at the Nogales crossing in {year}.
The {name} Border Office said {share} percent of firearms recovered in Mexico came from the United States.
"""


@pytest.fixture(scope="module")
def live_build(tmp_path_factory):
    """A small corpus whose page carries the claims of a few sources only (as a big one would)."""
    from claimgraph.build import build
    from graph.store import open_built
    from graph.views.explorer import explorer_graph, render_graph

    root = tmp_path_factory.mktemp("live")
    articles = root / "articles"
    articles.mkdir()
    for n, name in enumerate(NAMES):
        for k in range(1 + n % 3):  # some sources cited more than others
            (articles / f"{name.lower()}-{k}.md").write_text(ARTICLE.format(
                name=name, year=2019 + k, month=1 + n % 8, day=k, rifles=100 + 37 * n + k, share=60 + n % 30), encoding="utf-8")
    out = root / "out"
    build(articles, out, workers=1)
    graph = explorer_graph(open_built(out / "graph.trig"), limit=6)
    (out / "explorer.html").write_text(render_graph(graph, graph.graph.get("note", "")), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def live_server(live_build):
    with serving(live_build) as (url, _):
        yield url.rsplit("/query", 1)[0]


def query_rows(out: Path, *params: str) -> list[list[str]]:
    args = [x for p in params for x in ("--param", p)]
    done = subprocess.run(CLI + ["query", "claims", "--graph", str(out / "graph.trig"), "--format", "csv", "--limit", "0", *args],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    return list(csv.reader(io.StringIO(done.stdout)))


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def test_the_api_pages_filters_and_searches_every_claim(live_server, live_build):
    everything = query_rows(live_build)[1:]
    assert len(everything) > 40
    status, media, body = get(live_server + "/api/claims?limit=5")
    page = json.loads(body)
    assert status == 200 and media.startswith("application/json")
    assert page["total"] == page["count"] == len(everything) and len(page["nodes"]) == 5
    name = "Kestwick Border Office"
    page = json.loads(get(live_server + "/api/claims?limit=1000&source=" + urllib.parse.quote(name))[2])
    assert page["count"] == len(query_rows(live_build, f"sourceLabel={name}")) - 1 > 0
    assert {n["info"]["source"] for n in page["nodes"]} == {name}
    searched = json.loads(get(live_server + "/api/claims?q=kestwick")[2])
    assert searched["count"] == page["count"]  # a word at a word's start, any case
    rifles = next(n for n in page["nodes"] if n["info"]["unit"] == "firearms")
    whole = json.loads(get(live_server + "/api/claims?q=" + rifles["info"]["value"])[2])
    assert rifles["id"] in [n["id"] for n in whole["nodes"]]
    shorter = json.loads(get(live_server + "/api/claims?limit=1000&q=" + rifles["info"]["value"][:-1])[2])
    assert rifles["id"] not in [n["id"] for n in shorter["nodes"]]  # a number matches whole, never as a prefix
    hostile = json.loads(get(live_server + "/api/claims?q=" + urllib.parse.quote('" OR * NEAR( )'))[2])
    assert hostile["count"] == 0  # FTS5's own syntax in a search is text
    status, _, body = get(live_server + "/api/claims?limit=ten")
    assert status == 400 and b"limit must be a whole number" in body
    entity = json.loads(get(live_server + "/api/entity?iri=" + urllib.parse.quote(page["nodes"][0]["info"]["sourceId"]))[2])
    assert entity["claimCount"] == page["count"] and entity["type"]
    claim = json.loads(get(live_server + "/api/claim?iri=" + urllib.parse.quote(rifles["id"]))[2])
    assert claim["info"]["evidence"] == rifles["info"]["evidence"] and claim["info"]["figure"] in claim["info"]["evidence"]
    assert get(live_server + "/api/nothing")[0] == 404


def test_the_csv_export_is_the_query_with_the_same_filter(live_server, live_build):
    for params in (["sourceLabel=Ostrane Border Office"], ["flow=firearms"], []):
        wanted = {"sourceLabel": "source", "flow": "flow"}
        query = "&".join(f"{wanted[p.split('=')[0]]}={urllib.parse.quote(p.split('=', 1)[1])}" for p in params)
        status, media, body = get(live_server + "/api/claims.csv?" + query)
        assert status == 200 and media.startswith("text/csv")
        assert list(csv.reader(io.StringIO(body.decode("utf-8")))) == query_rows(live_build, *params)


def test_the_page_served_live_finds_every_source_and_draws_its_timeline(browser, live_server, live_build):  # noqa: F811
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live_server + "/")
    page.wait_for_selector("body[data-sources-listed]", state="attached")
    carried = set(page.evaluate("""() => JSON.parse(document.getElementById('graph-data').textContent).nodes
        .filter(n => n.kind === 'Source').map(n => n.label)"""))
    rows = query_rows(live_build)
    labels = sorted({row[2] for row in rows[1:]})
    assert int(page.evaluate("document.body.dataset.sourcesListed")) == len(labels)  # every source, not the sample's
    outside = next(label for label in labels if label not in carried)
    expected = len(query_rows(live_build, f"sourceLabel={outside}")) - 1
    page.locator("#source-filter").select_option(outside)
    page.wait_for_selector(f"body[data-matching-claims='{expected}']", state="attached")
    assert page.locator("#count").inner_text().startswith(f"{expected} of {len(rows) - 1} claims")
    page.locator("#tab-table").click()
    assert set(page.eval_on_selector_all("#claims-table tbody tr td:first-child", "cs => cs.map(c => c.textContent)")) == {outside}
    # the export link is the same filter, and its rows the query's
    href = page.get_attribute("#export", "href")
    assert list(csv.reader(io.StringIO(get(live_server + "/" + href)[2].decode("utf-8")))) == query_rows(live_build, f"sourceLabel={outside}")
    page.locator("#source-filter").select_option("")
    page.locator("#search").fill(outside.split()[0])
    page.wait_for_selector(f"body[data-matching-claims='{expected}']", state="attached")
    page.get_by_role("tab", name="Timeline").click()
    page.wait_for_selector("#timeline .mark circle")
    page.locator("#timeline .mark circle").first.click()
    mark = page.locator("#panel mark")
    mark.wait_for()
    assert outside in page.locator("#panel").inner_text()
    assert mark.inner_text() in page.locator("#panel .evidence").inner_text()
    assert not errors


def test_the_offline_file_asks_nothing(live_build):
    page = (live_build / "explorer.html").read_text(encoding="utf-8")
    assert 'id="live"' not in page and "connect-src" not in page and "default-src 'none'" in page
