"""Claims a reporter can quote: the figure's own hedge or bound kept, exclusive bounds marked, and
the claims table's columns a reporter filters on (issue 28). Names and figures are invented."""

from __future__ import annotations

import csv
import io
import itertools
import subprocess
import sys

import pytest

from extract.lexicon import load
from extract.numbers import find_numbers

NUMBERS = load("numbers")
NOUNS = ["rifles", "rounds of ammunition", "pistols"]
FIGURES = [("37", 37.0), ("4,120", 4120.0), ("$68 million", 68e6), ("12 percent", 12.0)]


def _kind(word: str) -> str:
    if word in NUMBERS["lower_bound"]:
        return "low"
    if word in NUMBERS["upper_bound"]:
        return "high"
    return "value"


@pytest.mark.parametrize("word", NUMBERS["hedges"] + NUMBERS["lower_bound"] + NUMBERS["upper_bound"])
def test_every_hedge_and_bound_is_kept_as_said_and_exclusive_bounds_are_marked(word):
    for (figure, number), noun in itertools.product(FIGURES, NOUNS):
        text = f"Officials in Varnholt counted {word} {figure} {noun} last spring."
        found = [n for n in find_numbers(text) if n.start >= text.index(word)]
        assert found, text
        match = found[0]
        assert match.qualifier == word.lower(), text
        assert getattr(match, _kind(word)) == pytest.approx(number), text
        assert match.exclusive == (word in NUMBERS["exclusive_bounds"]), text
        assert text[match.start:match.end].startswith(word), text  # the span quotes the words too


def test_less_than_excludes_its_bound_and_up_to_does_not():
    less, up_to = find_numbers("less than 3% of cases")[0], find_numbers("up to 3% of cases")[0]
    assert (less.high, less.qualifier, less.exclusive) == (3.0, "less than", True)
    assert (up_to.high, up_to.qualifier, up_to.exclusive) == (3.0, "up to", False)


@pytest.mark.parametrize("lead_in", NUMBERS["lead_ins"])
def test_a_lead_in_is_not_a_qualifier(lead_in):
    match = find_numbers(f"{lead_in} 4,410 rounds were found")[0]
    assert match.value == 4410 and match.qualifier is None


@pytest.mark.parametrize("word", ["approximately", "nearly", "more than", "less than"])
def test_a_restated_figure_takes_the_hedge_of_the_one_it_restates(word):
    first, second = find_numbers(f"the share fell {word} 64 percent, or $7 billion, last year")
    assert first.qualifier == second.qualifier == word
    assert second.numbers == (7e9,) and (second.value is None) == (word in NUMBERS["lower_bound"] + NUMBERS["upper_bound"])
    unrelated = find_numbers(f"{word} 64 percent of the 900 rifles")[1]
    assert unrelated.qualifier is None and unrelated.value == 900


def test_the_graph_keeps_the_qualifier_and_marks_an_exclusive_bound(extract_text):
    from graph.rdf.mapping import RunInfo, article_graph

    records = extract_text("Border seizures\n\nThe Tarvel Institute said less than 4 percent of the rifles were "
                           "traced. Agents seized nearly 610 pistols and at least 80 rifles in Quenford, the report said.\n")
    figures = {c.figure.span.text: c.figure for c in records.claims}
    assert {"less than 4 percent", "nearly 610", "at least 80"} <= set(figures)
    assert figures["nearly 610"].value == 610 and figures["nearly 610"].qualifier == "nearly"
    assert figures["less than 4 percent"].exclusive and not figures["at least 80"].exclusive
    triples = {(p.value.rsplit("#", 1)[-1], o.value) for _, p, o in article_graph(records, RunInfo("t", "t", "t"))}
    assert ("upperBoundExclusive", "true") in triples and ("lowerBoundExclusive", "true") not in triples
    assert {("qualifier", "nearly"), ("qualifier", "less than"), ("qualifier", "at least")} <= triples


def test_figures_are_shown_as_said():
    from graph.views.labels import figure_as_said

    assert figure_as_said(300, None, None, "nearly", "firearms") == "nearly 300 firearms"
    assert figure_as_said(None, None, 1, "less than", "percent") == "less than 1 percent"
    assert figure_as_said(None, 500, None, None, "USD") == "more than 500 USD"
    assert figure_as_said(None, 19e9, 29e9, None, "USD") == "19,000,000,000–29,000,000,000 USD"


ARTICLES = {
    "ledger.md": ("Harbour Ledger", "2023-04-11", "https://ledger.example/ammo", "Ammunition seized at Quenford",
                  "Agents seized nearly 7,300 rounds of ammunition at Quenford. The Tarvel Institute said that "
                  "less than 4 percent of the rifles were traced."),
    "courier.md": ("Valley Courier", "2022-09-30", "https://courier.example/cash", "Cash at the crossing",
                   "A truck stopped at the Orlin crossing carried $2.4 million in bulk cash."),
}


def _front_matter(outlet, date, url, title, body) -> str:
    return f'---\ntitle: "{title}"\noutlet: "{outlet}"\ndate: "{date}"\nurl: "{url}"\n---\n{title}\n\n{body}\n'


@pytest.fixture(scope="module")
def metadata_build(tmp_path_factory):
    from claimgraph.build import build

    folder = tmp_path_factory.mktemp("quotable-articles")
    for name, fields in ARTICLES.items():
        (folder / name).write_text(_front_matter(*fields), encoding="utf-8")
    out = tmp_path_factory.mktemp("quotable-build")
    build(folder, out, workers=1)
    return out


def _query(graph, name: str, *extra: str) -> list[dict[str, str]]:
    command = [sys.executable, "-m", "claimgraph.cli", "query", name, "-g", str(graph), "--limit", "0", "--format", "csv", *extra]
    return list(csv.DictReader(io.StringIO(subprocess.run(command, capture_output=True, check=True, text=True).stdout)))


def test_the_claims_table_carries_each_articles_metadata_and_the_qualifier(metadata_build):
    rows = _query(metadata_build / "graph.trig", "claims")
    assert rows
    assert list(rows[0])[:20] == ("claim source sourceLabel cue subject value low high unit period flow article evidence "
                                  "qualifier attributed outlet date title url language").split()
    for row in rows:
        outlet, date, url, title, _ = ARTICLES[row["article"]]
        assert (row["outlet"], row["date"], row["url"], row["title"]) == (outlet, date, url, title)
    by_figure = {(row["value"] or row["low"] or row["high"]): row for row in rows}
    assert by_figure["7300"]["qualifier"] == "nearly" and by_figure["4"]["qualifier"] == "less than"
    assert by_figure["4"]["attributed"] == "true" and "Tarvel" in by_figure["4"]["sourceLabel"]


def test_attributed_false_lists_exactly_the_default_credited_figures_from_the_table_and_the_engine(metadata_build, tmp_path):
    from graph.store import ClaimStore

    graph = metadata_build / "graph.trig"
    default = _query(graph, "claims", "--param", "attributed=false")
    (tmp_path / "graph.trig").write_bytes(graph.read_bytes())  # no table beside it: the engine answers
    assert sorted(map(str, default)) == sorted(map(str, _query(tmp_path / "graph.trig", "claims", "--param", "attributed=false")))
    store = ClaimStore.load(graph)
    unattributed = {row["claim"] for row in store.select(
        "PREFIX cg: <https://w3id.org/claimgraph/ns#> SELECT ?claim WHERE { ?claim cg:unattributed true }")}
    assert unattributed and {row["claim"] for row in default} == unattributed
    assert all(row["sourceLabel"] == row["outlet"] for row in default)  # credited to the outlet

    sources = {row["sourceLabel"]: row for row in _query(graph, "sources")}
    assert list(next(iter(sources.values())))[:6] == ["source", "sourceLabel", "claims", "articles", "attributed", "defaultCredited"]
    for row in sources.values():
        assert int(row["attributed"]) + int(row["defaultCredited"]) == int(row["claims"])
    assert sources["Valley Courier"]["defaultCredited"] == "1" and sources["Valley Courier"]["attributed"] == "0"


def test_brief_quotes_the_figure_with_its_words(metadata_build):
    figures = {row["figure"] for row in _query(metadata_build / "graph.trig", "brief")}
    assert {"nearly 7300", "less than 4"} <= figures


AGENCIES = ["Tarvel Border Office", "Quenford Customs Service"]
PLACES = ["Varnholt", "Ostrelia"]
SUBJECT_FRAMES = [  # (sentence, the noun the subject is built on); {n} the figure
    ("Agents of the {agency} seized {n} {noun} bound for {place}.", "{noun} bound for {place}"),
    ("The {agency} is relocating {n} {noun} to {place} this year.", "{noun}"),
    ("The {agency} referred {n} {noun} for prosecution involving weapons.", "{noun}"),
    ("{place} has just {n} {noun} in the entire country.", "{noun}"),
]
SUBJECT_NOUNS = ["rifles", "inspectors", "defendants"]


def test_subjects_are_clean_noun_phrases(extract_text, nlp):
    from bench.quotable import subject_problem

    seen = 0
    for (frame, expected), noun in itertools.product(SUBJECT_FRAMES, SUBJECT_NOUNS):
        for agency, place in zip(AGENCIES, PLACES):
            sentence = frame.format(agency=agency, place=place, n="412", noun=noun)
            claims = extract_text(f"Border report\n\n{sentence}\n").claims
            assert claims, sentence
            for claim in claims:
                seen += 1
                assert claim.figure.subject.startswith(expected.format(noun=noun, place=place)), (sentence, claim.figure.subject)
                assert subject_problem(nlp, claim.figure.subject, claim.evidence.text) is None, (sentence, claim.figure.subject)
    assert seen >= len(SUBJECT_FRAMES) * len(SUBJECT_NOUNS) * len(AGENCIES)


@pytest.mark.parametrize("place", PLACES)
def test_evidence_after_a_heading_keeps_its_subject(extract_text, place):
    records = extract_text(f"Border report\n\nThe Evidence\n\n{place} has just one firearm retailer in the entire "
                           f"country. It sold 1,240 rifles last year, the {AGENCIES[0]} said.\n")
    evidence = {c.figure.span.text: c.evidence.text for c in records.claims}
    assert evidence["1,240"].startswith("It sold 1,240 rifles")
    assert all(not text[0].islower() for text in evidence.values())


@pytest.mark.parametrize("cut", ["subject", "name", "end"])
def test_whole_sentence_widens_a_cut_span_to_its_sentence(cut):
    from extract.evidence import whole_sentence

    text = ("Heading line\n\nPHOENIX - The U.S. trial is over. Operation Gray Kestrel involved nearly 300 rifles, "
            "Agent H. Morrow said. Another sentence follows.\n• Relocating 40 agents to Varnholt\n")
    sentence = "Operation Gray Kestrel involved nearly 300 rifles, Agent H. Morrow said."
    at = text.index(sentence)
    start, end = {"subject": (at + len("Operation Gray Kestrel "), at + len(sentence)),
                  "name": (at, at + len("Operation")), "end": (at, at + len(sentence) - 6)}[cut]
    assert whole_sentence(text, start, end).text == sentence
    assert whole_sentence(text, text.index("The U.S."), text.index("The U.S.") + 8).text == "The U.S. trial is over."
    item = text.index("Relocating")
    assert whole_sentence(text, item, item + 10).text == "Relocating 40 agents to Varnholt"


DISPUTERS = ["The Quenford Ministry of Defence", "The Government of Ostrelia", "Tarvel Customs Authority"]
DISPUTE_FRAMES = [
    "{who} disputed the figure, calling it exaggerated.",
    "{who} disputes this figure.",
    "{who} rejected the estimate.",
    "{who} questioned the number.",
    "{who} called the figure exaggerated.",
    "{who} said the figure is too low.",
]
NOT_DISPUTES = [
    "{who} disputed the border with its neighbour.",  # no figure named
    "{who} said the figure is accurate.",  # judged, but not contested
    "{who} repeated the figure.",
]


def _disputes_listed(records) -> list[dict[str, str]]:
    import pyoxigraph as ox

    from graph.queries import query_text
    from graph.rdf.mapping import RunInfo, article_graph

    store = ox.Store()
    store.extend(article_graph(records, RunInfo("t", "t", "t")).quads())
    solutions = store.query(query_text("disputes"), use_default_graph_as_union=True)
    return [{str(v)[1:]: s[v].value for v in solutions.variables} for s in solutions]


@pytest.mark.parametrize("frame", DISPUTE_FRAMES)
def test_a_dispute_links_the_disputing_source_to_the_claim_and_the_disputes_query_lists_it(extract_text, frame):
    for who in DISPUTERS:
        sentence = frame.format(who=who)
        records = extract_text(f"Border report\n\nVarnholt officials estimate that 4,120 rifles crossed the border "
                               f"last year. {sentence}\n")
        assert records.claims and len(records.disputes) == 1, sentence
        dispute = records.disputes[0]
        assert who.removeprefix("The ").split()[0] in dispute.source.label and dispute.claim.figure.value == 4120
        assert dispute.claim.source.entity.key != dispute.source.key  # the officials' claim, contested
        assert sentence in dispute.evidence.text
        listed = _disputes_listed(records)
        assert [(row["disputantLabel"], row["figure"]) for row in listed] == [(dispute.source.label, "4,120")], sentence


@pytest.mark.parametrize("frame", NOT_DISPUTES)
def test_no_dispute_without_a_contested_figure(extract_text, frame):
    for who in DISPUTERS[:2]:
        records = extract_text(f"Border report\n\nVarnholt officials estimate that 4,120 rifles crossed the border. "
                               f"{frame.format(who=who)}\n")
        assert records.claims and not records.disputes, frame
        assert all(who.removeprefix("The ") not in c.source.entity.label for c in records.claims)


def test_a_quoted_reports_own_sentence_is_not_credited_to_a_source_it_quotes(extract_text):
    records = extract_text('Money and the border\n\n"Smugglers move cash south. According to Tarvel authorities, '
                           'gangs send between $12 and $17 billion a year to Ostrelia, though the Government of '
                           'Ostrelia disputes this figure. Since 2004, Ostrelia has seized more than $310 million in '
                           'bulk currency."\n')
    by_figure = {c.figure.span.text: c for c in records.claims}
    seized = by_figure["more than $310 million"]
    assert "Ostrelia" not in seized.source.entity.label and seized.source.unattributed
    assert [d.source.label for d in records.disputes] == ["Government of Ostrelia"]


@pytest.mark.parametrize("language,text,hedge", [
    ("es", "El monto decomisado asciende a $4’310,220.15 (CUATRO MILLONES PESOS 15/100 M.N.), aproximadamente.", "aproximadamente"),
    ("en", "The truck carried $2.4 million (about 48 million pesos) approximately, agents said.", "approximately"),
])
def test_a_hedge_after_the_figure_or_its_parenthesis_is_its_qualifier(language, text, hedge):
    first = find_numbers(text, language)[0]
    assert first.value is not None and first.qualifier == hedge


def test_a_dispute_conforms_to_its_shape_and_one_without_its_claim_does_not(extract_text):
    import pyoxigraph as ox

    from graph.rdf.mapping import ONTOLOGY_GRAPH, RunInfo, article_graph
    from graph.rdf.shapes import validate_store
    from ontology import ONTOLOGY_FILE

    records = extract_text("Border report\n\nVarnholt officials estimate that 4,120 rifles crossed the border. "
                           "The Government of Ostrelia disputes this figure.\n")
    assert records.disputes
    store = ox.Store()
    store.load(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(ONTOLOGY_GRAPH)))
    quads = article_graph(records, RunInfo("t", "t", "t")).quads()
    store.extend(quads)
    assert not [str(v) for v in validate_store(store)]
    for quad in quads:
        if quad.predicate.value.endswith("#disputedClaim"):
            store.remove(quad)
    assert any("disputedClaim" in str(v) for v in validate_store(store))


@pytest.mark.parametrize("body", ["ministry", "embassy"])
def test_an_unnamed_body_that_disputes_a_figure_is_listed(extract_text, body):
    records = extract_text(f"Border report\n\nVarnholt officials estimate that 4,120 rifles cross the border each "
                           f"year. The {body} disputed the figure, calling it exaggerated.\n")
    listed = _disputes_listed(records)
    assert [(row["disputantLabel"], row["figure"], row["cue"]) for row in listed] == [(body, "4,120", "disputed")]
