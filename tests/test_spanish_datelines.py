"""Spanish release and news datelines as issuer and date (issue 27, construction 2): communiqués'
"Lugar, a 1 de julio de 2020.-", wires' "CIUDAD (ASN).-", "MONTERREY, N.L., 3 de mayo (apro).-", closing
credits; on grids of invented places, agencies, wires and reporters through the real es pipeline."""

from __future__ import annotations

import itertools

import pytest

from extract.reader import article_from_text, read_metadata

PLACES = ["VILLA ARROYO, Ocampo", "Puerto Tlacolula, Oc.", "SAN BENITO DEL RÍO, S.O."]
AGENCIES = [("Fiscalía General de la República", "fgr"), ("Secretaría de Marina", "semar")]
WIRES = ["ASN", "apro", "Notimex"]
# (the date written in the dateline, the article's date: only with a year, never a made-up one)
DATES = [("a 1 de julio de 2020", "2020-07-01"), ("3 de mayo de 2024", "2024-05-03"), ("3 de mayo", None),
         ("15 ene", None), ("12 may", None), ("", None)]


@pytest.mark.parametrize("place, date_and_iso, wire", list(itertools.product(PLACES, DATES, WIRES)))
def test_a_wire_dateline_names_the_outlet_and_dates_only_with_a_year(place, date_and_iso, wire):
    written, iso = date_and_iso
    dateline = f"{place}, {written} ({wire}).-" if written else f"{place} ({wire}).-"
    text = f"Decomiso en la frontera\n\n{dateline} Agentes aseguraron 300 armas.\n"
    found = read_metadata(text, text, "es")
    assert found["dateline"] and found["outlet"] == wire and found["date"] in (None, written.removeprefix("a ")), dateline
    assert article_from_text("nota.txt", text).date == iso


@pytest.fixture(scope="module")
def extract_es():
    from claimgraph.settings import SPACY_MODELS
    from extract.pipeline import extract, shared_nlp

    nlp = shared_nlp(SPACY_MODELS["es"])
    return lambda text: extract(article_from_text("nota.txt", text), nlp)


@pytest.mark.parametrize("place, agency, verb", list(itertools.product(PLACES[:2], AGENCIES, ["informa", "comunica"])))
def test_the_body_that_informs_in_a_communiques_lede_is_its_issuer(extract_es, place, agency, verb):
    name, key = agency
    records = extract_es(f"Aseguramiento de armamento\n\n{place}, a 1 de julio de 2020.- La {name} {verb} a la opinión "
                         "pública que personal naval aseguró armamento en una bodega.\n\nEn el lugar se localizaron "
                         "2 mil 410 cartuchos.\n")
    assert records.article.date == "2020-07-01"
    [claim] = [c for c in records.claims if c.figure.value == 2410]  # no source in its sentence: the issuer's
    assert claim.source.entity.key == key and claim.source.credited_by == "issuer"


@pytest.mark.parametrize("wire", WIRES)
def test_a_wire_credits_unattributed_figures_but_not_those_said_by_someone_named(extract_es, wire):
    records = extract_es(f"Armas en la frontera\n\nVILLA ARROYO, Ocampo, 3 de mayo ({wire}).- Agentes aseguraron 300 armas "
                         "en una bodega. El fiscal Ramiro Quintanar Solís informó que 45 personas fueron detenidas.\n")
    sources = {c.figure.value: c.source.entity.label for c in records.claims}
    assert sources[300] == wire and sources[45] == "Ramiro Quintanar Solís"
    assert not any(c.figure.value == 3 for c in records.claims)  # the dateline's day is no figure


@pytest.mark.parametrize("close, outlet, author", [
    ("(Con información de Reuters)", "Reuters", None),
    ("Con información de Agencia Sierra Noticias y EFE.", "Agencia Sierra Noticias", None),
    ("(ASN, redacción de Rosalba Quintero)", "ASN", "Rosalba Quintero"),
    ("(Notimex, texto de Aurelio Quintanar Solís)", "Notimex", "Aurelio Quintanar Solís"),
])
def test_a_closing_credit_names_the_outlet_where_nothing_else_does(close, outlet, author):
    text = f"Armas en la frontera\n\nAgentes aseguraron 300 armas en una bodega de Villa Arroyo.\n\n{close}\n"
    found = read_metadata(text, text, "es")
    assert (found["outlet"], found["author"]) == (outlet, author)


def test_a_datelines_wire_comes_before_a_closing_credit():
    text = "Armas\n\nVILLA ARROYO, Ocampo (ASN).- Agentes aseguraron 300 armas.\n\n(Con información de Reuters)\n"
    assert read_metadata(text, text, "es")["outlet"] == "ASN"


@pytest.mark.parametrize("line", ["Por Redacción", "POR REDACCIÓN ASN", "Redacción"])
def test_a_newsroom_signature_is_no_author(line):
    text = f"Armas\n\n{line}\n\nAgentes aseguraron 300 armas.\n"
    assert read_metadata(text, text, "es")["author"] is None


@pytest.mark.parametrize("body", ["Agencia de Rastreo Balístico de Tlacolula", "Oficina de Aduanas de Villa Arroyo",
                                  "Procuraduría de Ocampo"])
def test_a_body_the_table_does_not_know_that_informs_in_the_lede_is_the_issuer(extract_es, body):
    records = extract_es(f"Aseguramiento de armamento\n\nVILLA ARROYO, Ocampo, a 1 de julio de 2020.- La {body} informa que "
                         "sus agentes revisaron una bodega.\n\nEn el lugar se localizaron 2 mil 410 cartuchos.\n")
    [claim] = [c for c in records.claims if c.figure.value == 2410]
    assert (claim.source.entity.label, claim.source.credited_by) == (body, "issuer")


@pytest.mark.parametrize("dateline", ["Tijuana, BC.-", "NOGALES, Sonora.-", "CIUDAD DE MÉXICO.-", "Puerto Tlacolula, Oc. —"])
def test_a_dateline_without_a_wire_or_a_date_opens_the_body_and_names_no_outlet(dateline):
    text = f"Decomiso en la frontera\n\n{dateline} Agentes aseguraron 300 armas.\n"
    found = read_metadata(text, text, "es")
    assert found["dateline"] and found["outlet"] is None and found["date"] is None
