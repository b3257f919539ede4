"""Across sources, on a small corpus we wrote with known agreements and conflicts
(tests/corpora/agreements): A (70%) and B (72%) agree, C (90%) conflicts with both, D's 68%
'manufactured' is another measure, and D's 'more than 500,000 a year' (via Reuters) conflicts
with E's 200,000-300,000."""

from pathlib import Path

import pytest

from graph.queries import query_text, rows

CORPUS = Path(__file__).parent / "corpora" / "agreements"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from claimgraph.build import build
    from graph.store import open_built

    out = tmp_path_factory.mktemp("agreements")
    build(CORPUS, out, workers=1)
    return out, open_built(out / "graph.trig")


def by_source(store, query):
    return {r["sourceLabel"]: r for r in rows(store.query(query_text(query)))}


def pairs(store, prop):
    text = f"""PREFIX cg: <https://w3id.org/claimgraph/ns#> PREFIX prov: <http://www.w3.org/ns/prov#>
      PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
      SELECT ?a ?b WHERE {{ ?x cg:{prop} ?y . ?x prov:wasAttributedTo/rdfs:label ?a . ?y prov:wasAttributedTo/rdfs:label ?b }}"""
    return {(r["a"], r["b"]) for r in rows(store.query(text))}


def test_conflicts_and_corroborations(built):
    _, store = built
    conflicts = pairs(store, "conflictsWith")
    corroborations = pairs(store, "corroborates")
    atf = "Bureau of Alcohol, Tobacco, Firearms and Explosives"
    gao = "Government Accountability Office"
    mexico = "Government of Mexico"
    assert (atf, gao) in corroborations
    assert (mexico, atf) in conflicts and (mexico, gao) in conflicts
    assert (atf, gao) not in conflicts
    # "Mexico" (its lawsuit: more than 500,000 a year) and "Mexican officials" are one source
    assert not any("Mexico" in (a, b) for a, b in conflicts | corroborations)


def test_different_measure_has_its_reason(built):
    _, store = built
    text = """PREFIX cg: <https://w3id.org/claimgraph/ns#>
      SELECT ?reason WHERE { ?d cg:reason ?reason }"""
    reasons = {r["reason"] for r in rows(store.query(text))}
    assert any("manufactured" in r and "traced" in r for r in reasons)
    manufactured = """PREFIX cg: <https://w3id.org/claimgraph/ns#> PREFIX wikibase: <http://wikiba.se/ontology#>
      SELECT ?g WHERE { ?g cg:member ?c . ?g a cg:QuantityGroup . ?c cg:measure "manufactured" }"""
    assert rows(store.query(manufactured)) == []


def test_disagreements_query_lists_the_groups(built):
    _, store = built
    result = rows(store.query(query_text("disagreements")))
    topics = {r["topic"] for r in result}
    assert "share of firearms traced" in topics
    assert any("trafficked" in t for t in topics)


def test_echo_keeps_the_reporter_and_counts_origins(built):
    _, store = built
    text = """PREFIX cg: <https://w3id.org/claimgraph/ns#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
      PREFIX prov: <http://www.w3.org/ns/prov#>
      SELECT ?source ?reporter ?origins WHERE { ?c cg:reportedBy/rdfs:label ?reporter ; prov:wasAttributedTo/rdfs:label ?source .
        OPTIONAL { ?c cg:independentOrigins ?origins } }"""
    echo = rows(store.query(text))
    assert echo and echo[0]["source"] == "Government of Mexico" and echo[0]["reporter"] == "Reuters"
    assert echo[0]["origins"] == "2"


def test_report_and_network_exports(built, tmp_path):
    import networkx as nx

    from graph.analysis.network import export, most_cited, project
    from graph.views.report import render

    out, store = built
    page = render(store)
    assert "share of firearms traced" in page and "conflict" in page and "<svg" in page
    assert "<nav>" in page and "<details><summary>" in page  # contents, and pairs collapsed to counts
    assert "manufactured is not traced" in page or "traced is not manufactured" in page
    network = project(store)
    cited = [label for label, *_ in most_cited(network)]
    assert "Government of Mexico" in cited
    export(network, tmp_path / "n.gexf", tmp_path / "n.graphml")
    assert nx.read_graphml(tmp_path / "n.graphml").number_of_nodes() == network.number_of_nodes()
    assert nx.read_gexf(tmp_path / "n.gexf").number_of_edges() > 0


def test_the_report_from_the_builds_records_is_the_report_from_the_store(seed_build):
    from claimgraph.manifest import built_facts
    from graph.store import open_built
    from graph.views.report import render

    out, _ = seed_build
    facts = built_facts(out / "graph.trig")
    assert facts is not None and len(facts) == 34
    store = open_built(out / "graph.trig")
    assert render(store, facts) == render(store)


# A share of guns said to come from a country, in any of its realisations and in either language, is one
# quantity: "traced to", "came from", "were purchased in", "vino de", "fueron compradas en". Made there is not.
SHARE_FRAMES = [
    ("en", "The Ocampo Border Office said {n} percent of the firearms recovered in Villa Arroyo in 2021 were purchased in the United States."),
    ("en", "The Ocampo Border Office said {n} percent of the firearms recovered in Villa Arroyo in 2021 were smuggled from the United States."),
    ("en", "The Ocampo Border Office said {n} percent of the firearms recovered in Villa Arroyo in 2021 came from the United States."),
    ("es", "La Fiscalía de Ocampo informó que el {n} por ciento de las armas aseguradas en Villa Arroyo en 2021 vino de Estados Unidos."),
    ("es", "La Fiscalía de Ocampo informó que el {n} por ciento de las armas aseguradas en Villa Arroyo en 2021 fueron compradas en Estados Unidos."),
    ("es", "La Fiscalía de Ocampo informó que el {n} por ciento de las armas aseguradas en Villa Arroyo en 2021 proviene de Estados Unidos."),
]


@pytest.fixture(scope="module")
def shares_built(tmp_path_factory):
    """Every frame once, each in its own article with its own figure and a source of its own."""
    from claimgraph.build import build
    from graph.store import open_built

    folder = tmp_path_factory.mktemp("shares")
    sources = {"en": ["Quillen Gun Office", "Marlow Customs Unit", "Tarrow Firearms Board"],
               "es": ["Fiscalía de Ocampo", "Secretaría de Seguridad de Quillén", "Aduana de Tarrow"]}
    for n, (language, frame) in enumerate(SHARE_FRAMES):
        source = sources[language][n % 3]
        old = "The Ocampo Border Office" if language == "en" else "La Fiscalía de Ocampo"
        sentence = frame.format(n=40 + 10 * n).replace(old, ("The " if language == "en" else "La ") + source)
        meta = f"---\ntitle: Share {n}\noutlet: Ledger {n}\ndate: 2022-03-0{n + 1}\nlanguage: {language}\n---\n"
        (folder / f"share-{n}.md").write_text(f"{meta}Share {n}\n\n{sentence}\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("shares-out")
    build(folder, out, workers=1)
    return open_built(out / "graph.trig")


def test_a_share_from_a_country_is_one_quantity_in_every_realisation_and_language(shares_built):
    text = """PREFIX cg: <https://w3id.org/claimgraph/ns#> PREFIX prov: <http://www.w3.org/ns/prov#>
      SELECT ?g (COUNT(DISTINCT ?c) AS ?n) WHERE { ?g a cg:QuantityGroup ; cg:member ?c } GROUP BY ?g"""
    groups = rows(shares_built.query(text))
    assert [int(g["n"]) for g in groups] == [len(SHARE_FRAMES)]
    conflicts = rows(shares_built.query(query_text("conflicts")))
    assert conflicts and all(r["topic"] == "share of firearms traced, 2021" for r in conflicts)
    languages = """PREFIX cg: <https://w3id.org/claimgraph/ns#> PREFIX prov: <http://www.w3.org/ns/prov#>
      PREFIX dcterms: <http://purl.org/dc/terms/>
      SELECT DISTINCT ?la ?lb WHERE { ?a cg:conflictsWith ?b . ?a prov:wasDerivedFrom/dcterms:language ?la .
        ?b prov:wasDerivedFrom/dcterms:language ?lb . FILTER(?la != ?lb) }"""
    assert rows(shares_built.query(languages)), "no conflict crosses languages"


def facts(claim, source, value=None, low=None, high=None, qualifier=None, unit="firearms", period=None, measure="trafficked"):
    from graph.analysis.groups import ClaimFacts

    return ClaimFacts(claim, source, f"article-{source}", "firearms", unit, value, low, high, qualifier, "guns", "", period,
                      None, measure)


def test_an_exact_count_with_no_period_is_an_event_and_an_estimate_is_a_rate():
    from graph.analysis.groups import group_claims

    events = [facts("c1", "s1", value=10), facts("c2", "s2", value=9)]  # "she bought ten rifles", "he moved nine"
    assert group_claims(events) == ([], [])
    estimates = [facts("c3", "s3", value=200_000, qualifier="about"), facts("c4", "s4", low=500_000)]
    [group], _ = group_claims(estimates + events)
    assert {c.claim for c in group.claims} == {"c3", "c4"}


@pytest.mark.parametrize("small, large", [(dict(value=3_000, unit="USD"), dict(low=12e9, high=15e9, unit="USD")),
                                          (dict(low=380), dict(value=200_000, qualifier="about")),
                                          (dict(value=2, unit="percent", period="2021"), dict(value=74, unit="percent", period="2021"))])
def test_figures_far_apart_are_not_one_quantity_and_never_conflict(small, large):
    from graph.analysis.groups import group_claims

    [group], different = group_claims([facts("a", "s1", **small), facts("b", "s2", **large)])
    assert group.pairs == []
    [(_, _, reason)] = different
    assert "too far apart" in reason


def test_figures_within_the_scale_ratio_still_conflict():
    from graph.analysis.groups import group_claims

    [group], _ = group_claims([facts("a", "s1", low=200_000, high=300_000), facts("b", "s2", low=2_000_000)])
    assert [kind for _, _, kind, _ in group.pairs] == ["conflict"]


@pytest.mark.parametrize("lead", ["The Quillen Border Office said", "According to Tarrow County officials,"])
@pytest.mark.parametrize("predicate, measure", [
    ("were U.S.-sourced", "traced"), ("were of U.S. origin", "traced"), ("came from the United States", "traced"),
    ("were American-made", "manufactured"), ("were U.S.-made", "manufactured"), ("were smuggled from Arizona", "trafficked")])
def test_a_shares_measure_is_what_its_predicate_says_not_how_its_base_was_found(extract_text, lead, predicate, measure):
    """'64 percent of the firearms recovered in X were U.S.-sourced' measures origin: 'recovered' says
    which guns the share is of, the copula's complement what is said of them."""
    records = extract_text(f"Guns\n\n{lead} 64 percent of the firearms recovered in Villa Arroyo in 2021 {predicate}.\n")
    shares = [c for c in records.claims if c.figure.value == 64]
    assert len(shares) == 1 and shares[0].figure.measure == measure
