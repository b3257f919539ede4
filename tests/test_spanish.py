"""Articles in Spanish (issue 27): each article's language, from its metadata or its text; an
article in a language without a pipeline named and skipped; Spanish read by the Spanish pipeline.
Sentences are composed, with invented names and figures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from extract.language import detect_language, language_tag
from extract.reader import article_from_text
from extract.readers import read_file

ROOT = Path(__file__).resolve().parents[1]

SPANISH = ("Decomisan armas en la frontera\n\nLa Fiscalía de Ocampo informó que agentes aseguraron 340 fusiles "
           "en un almacén de Villa Arroyo. Según la dependencia, las armas fueron compradas en tiendas de Texas.\n")
ENGLISH = ("Rifles seized at the border\n\nThe Ocampo Prosecutor's Office said agents seized 340 rifles at a "
           "warehouse in Villa Arroyo. The guns were bought at stores in Texas, the office said.\n")
PORTUGUESE = ("Polícia apreende armas na fronteira\n\nA Polícia de Ocampo apreendeu 340 fuzis num armazém de Vila "
              "Arroio, segundo o ministério. As armas foram compradas em lojas do Texas.\n")
FRENCH = ("Des fusils saisis à la frontière\n\nLa police d'Ocampo a saisi 340 fusils dans un entrepôt de Villa "
          "Arroyo, selon le ministère. Les armes avaient été achetées dans des magasins du Texas.\n")


@pytest.mark.parametrize("given, code", [("es", "es"), ("es-MX", "es"), ("ES_mx", "es"), ("Spanish", "es"),
                                         ("español", "es"), ("spa", "es"), ("en-US", "en"), ("pt-BR", "pt"),
                                         ("", None), ("not a language", None), (None, None)])
def test_a_metadata_language_becomes_a_two_letter_code(given, code):
    assert language_tag(given) == code


@pytest.mark.parametrize("text, code", [(SPANISH, "es"), (ENGLISH, "en"), (PORTUGUESE, "pt"), (FRENCH, "fr")])
def test_the_detector_reads_the_language_of_a_short_article(text, code):
    found, probability = detect_language(text)
    assert found == code and probability >= 0.8


def test_no_words_no_language():
    assert detect_language("340 — 2023 / 12,5 %") == (None, 0.0)


def test_metadata_wins_over_the_detector_and_the_provenance_says_which():
    told = article_from_text("a.txt", ENGLISH, given=[("front matter", {"language": "es-MX"})])
    read = article_from_text("b.txt", SPANISH)
    assert (told.language, told.provenance["language"]) == ("es", "front matter")
    assert (read.language, read.provenance["language"]) == ("es", "detected")


def test_a_value_that_is_no_language_tag_is_said_and_the_text_decides():
    article = article_from_text("a.txt", SPANISH, given=[("metadata.csv", {"language": "yes"})])
    assert article.language == "es" and article.provenance["language"] == "detected"
    assert any("a.txt: language 'yes' in its metadata.csv is not a language tag" in w for w in article.warnings)


@pytest.mark.parametrize("head, code", [
    ('<html lang="es-MX">', "es"),
    ('<html lang="en"><script type="application/ld+json">{"@type": "NewsArticle", "inLanguage": "es"}</script>', "es"),
    ('<html><script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", "inLanguage": {"@type": "Language", "alternateName": "pt"}}]}</script>', "pt"),
])
def test_a_page_declares_its_language(tmp_path, head, code):
    page = tmp_path / "page.html"
    body = "".join(f"<p>{line}</p>" for line in ENGLISH.splitlines() if line)
    page.write_text(f"<!doctype html>{head}<head><title>x</title></head><body><article>{body}</article></body></html>")
    [article] = read_file(page)
    assert article.language == code and article.provenance["language"] == "page"


def test_a_portuguese_article_is_named_and_skipped_the_others_read(tmp_path):
    from claimgraph.build import BuildSummary, read_articles

    (tmp_path / "rifles-es.txt").write_text(SPANISH)
    (tmp_path / "rifles-en.txt").write_text(ENGLISH)
    (tmp_path / "fuzis-pt.txt").write_text(PORTUGUESE)
    (tmp_path / "record.jsonl").write_text(json.dumps({"id": "fr-1", "text": SPANISH, "language": "fr"}) + "\n")
    summary = BuildSummary()
    articles = read_articles(tmp_path, summary)
    assert sorted((a.file_name, a.language) for a in articles) == [("rifles-en.txt", "en"), ("rifles-es.txt", "es")]
    assert ("fuzis-pt.txt: written in Portuguese (pt), a language claimgraph has no pipeline for (it reads en, es): "
            "skipped") in summary.warnings
    assert any(w.startswith("fr-1: written in French (fr)") for w in summary.warnings)  # the record's word wins
    assert not summary.failed


def test_an_english_only_extraction_never_loads_the_spanish_pipeline():
    code = ("from claimgraph.extraction import extract_articles, pipelines_version; import extract.pipeline as p; "
            "from extract.reader import article_from_text; pipelines_version(); "
            f"[r] = extract_articles([article_from_text('a.txt', {ENGLISH!r})]); "
            "print(p.shared_nlp.cache_info().currsize, r.error)")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["1", "None"]


def test_a_language_whose_pipeline_is_not_installed_is_named_and_skipped(tmp_path):
    """A Spanish pipeline setting that names nothing installed: the cache key says 'es:absent', the
    Spanish article is skipped with its file and the missing pipeline named, the English one is built."""
    import os

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "rifles-es.txt").write_text(SPANISH)
    (folder / "rifles-en.txt").write_text(ENGLISH)
    env = {**os.environ, "CLAIMGRAPH_SPACY_MODEL_ES": "xx_no_such_pipeline"}
    version = subprocess.run([sys.executable, "-c", "from claimgraph.extraction import pipelines_version; print(pipelines_version())"],
                             cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert version.stdout.split()[-1] == "es:absent"
    run = subprocess.run([sys.executable, "-m", "claimgraph.cli", "build", str(folder), "--out", str(tmp_path / "out")],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert ("rifles-es.txt: written in Spanish (es), whose spaCy pipeline xx_no_such_pipeline is not installed: "
            "skipped") in run.stderr + run.stdout
    assert "added: rifles-en.txt\n" in run.stdout + run.stderr


@pytest.fixture(scope="module")
def spanish_nlp():
    from claimgraph.settings import SPACY_MODELS
    from extract.pipeline import shared_nlp

    return shared_nlp(SPACY_MODELS["es"])


def test_spanish_names_are_typed_with_the_components_labels(spanish_nlp):
    doc = spanish_nlp("La Fiscalía de Ocampo detuvo a Ramiro Quintanar Solís en Villa Arroyo, Sonora.")
    labels = {e.text: e.label_ for e in doc.ents}
    assert labels.get("Ramiro Quintanar Solís") == "PERSON"
    assert not set(labels.values()) & {"PER", "LOC", "MISC"}


# --- Spanish numbers: the forms Mexican and Spanish texts write, in a grid of frames ------------------

from extract.numbers import find_numbers, reject_reason  # noqa: E402

SPANISH_AMOUNTS = [  # (as written, value, low, high, currency, percent)
    ("18 mil", 18000, None, None, None, False),
    ("67 mil 050", 67050, None, None, None, False),
    ("1 mil 730", 1730, None, None, None, False),
    ("2 millones", 2_000_000, None, None, None, False),
    ("2 mil millones de dólares", 2_000_000_000, None, None, "USD", False),
    ("cuatro mil", 4000, None, None, None, False),
    ("treinta y cinco mil", 35000, None, None, None, False),
    ("332.689", 332689, None, None, None, False),
    ("1,5 millones de pesos", 1_500_000, None, None, "MXN", False),
    ("55,996", 55996, None, None, None, False),
    ("4’318,527 dólares", 4318527, None, None, "USD", False),
    ("$47’206,315.42", 47206315.42, None, None, "MXN", False),
    ("78 %", 78, None, None, None, True),
    ("70 por ciento", 70, None, None, None, True),
    ("12.5 por ciento", 12.5, None, None, None, True),
    ("18 mdd", 18_000_000, None, None, "USD", False),
    ("340 mdp", 340_000_000, None, None, "MXN", False),
    ("más de cuatro millones y medio de dólares", None, 4_500_000, None, "USD", False),
    ("hasta un 78 %", None, None, 78, None, True),
    ("al menos 500,000", None, 500000, None, None, False),
    ("menos de 40", None, None, 40, None, False),
    ("entre el 70% y el 90%", None, 70, 90, None, True),
    ("de 10 a 20", None, 10, 20, None, False),
]
FRAMES = ["La Fiscalía de Ocampo aseguró {} en Villa Arroyo.", "Según la dependencia, {} cruzaron la frontera.",
          "{} fueron decomisados en 2023."]


@pytest.mark.parametrize("frame", FRAMES)
@pytest.mark.parametrize("written, value, low, high, currency, percent", SPANISH_AMOUNTS)
def test_spanish_amounts_in_any_frame(frame, written, value, low, high, currency, percent):
    text = frame.format(written)
    found = [m for m in find_numbers(text, "es") if reject_reason(text, m, "es") is None]
    assert len(found) == 1, [text[m.start:m.end] for m in found]
    [match] = found
    assert (match.value, match.low, match.high, match.currency, match.percent) == (value, low, high, currency, percent)


@pytest.mark.parametrize("qualifier", ["casi", "aproximadamente", "cerca de", "alrededor de"])
def test_a_spanish_hedge_keeps_the_figure_and_is_the_qualifier(qualifier):
    [match] = find_numbers(f"Se calcula que {qualifier} 4 mil armas cruzan cada año.", "es")
    assert (match.value, match.qualifier) == (4000, qualifier)


@pytest.mark.parametrize("text", ["armas calibre .50 y calibre 40", "conforme al artículo 84 de la ley",
                                  "el 14 de marzo de 2021", "en marzo de 2021", "42/100 M.N.", "Evento 2"])
def test_calibres_dates_and_article_numbers_are_not_figures(text):
    assert all(reject_reason(text, m, "es") for m in find_numbers(text, "es"))


def test_an_amount_spelled_out_in_brackets_is_the_same_figure():
    text = "asciende a $1’250,000.00 (UN MILLÓN DOSCIENTOS CINCUENTA MIL PESOS 00/100 M.N.)"
    kept = [m for m in find_numbers(text, "es") if reject_reason(text, m, "es") is None]
    assert [(m.value, m.currency) for m in kept] == [(1250000, "MXN")]


def test_english_digits_keep_their_reading():
    [match] = find_numbers("officials seized 2.125 million dollars")
    assert (match.value, match.currency) == (2_125_000, "USD")


# --- Spanish attribution -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def extract_es(spanish_nlp):
    from extract.pipeline import extract

    def run(text: str, name: str = "compuesto.txt", **given):
        return extract(article_from_text(name, text, given=[("front matter", given)] if given else []), spanish_nlp)
    return run


@pytest.mark.parametrize("person, agency", [("Ramiro Quintanar Solís", "Fiscalía de Ocampo"),
                                            ("Elena Barragán Cuevas", "Secretaría de Seguridad de Tlacolula")])
@pytest.mark.parametrize("verb", ["informó", "afirmó", "precisó", "detalló", "señaló", "explicó", "aseguró"])
def test_the_speaker_of_a_spanish_reporting_verb_gives_the_figure(extract_es, person, agency, verb):
    text = f"Armas en la frontera\n\nEl titular de la {agency}, {person}, {verb} que 340 fusiles cruzaron la frontera.\n"
    records = extract_es(text)
    claims = [c for c in records.claims if c.figure.value == 340]
    assert claims, [c.figure for c in records.claims]
    assert claims[0].source.entity.label == person and not claims[0].source.unattributed
    assert claims[0].figure.unit == "firearms"


@pytest.mark.parametrize("cue", ["Según", "De acuerdo con"])
def test_segun_names_the_source(extract_es, cue):
    records = extract_es(f"Armas en la frontera\n\n{cue} la Fiscalía de Ocampo, 18 mil armas cruzaron la frontera en 2023.\n")
    [claim] = [c for c in records.claims if c.figure.value == 18000]
    assert "Fiscalía de Ocampo" in claim.source.entity.label and claim.source.cue == cue.lower()


def test_a_seizure_with_asegurar_is_no_speech_and_goes_to_the_outlet(extract_es):
    records = extract_es("Decomiso en Villa Arroyo\n\nSe aseguraron 12 mil cartuchos en Villa Arroyo.\n",
                         outlet="Diario de Ocampo")
    [claim] = [c for c in records.claims if c.figure.value == 12000]
    assert claim.source.unattributed and claim.source.entity.label == "Diario de Ocampo"
    assert claim.figure.unit == "rounds"


# --- one identity and one quantity across languages --------------------------------------------------

@pytest.mark.parametrize("name, key", [("Secretaría de la Defensa Nacional", "sedena"), ("Sedena", "sedena"),
                                       ("Secretaría de Marina", "semar"), ("Guardia Nacional", "guardia_nacional"),
                                       ("Departamento de Justicia", "doj"), ("Estados Unidos", "united_states"),
                                       ("EU", "united_states"), ("EE. UU.", "united_states"), ("EUA", "united_states")])
def test_spanish_names_of_known_bodies_are_one_entity(spanish_nlp, name, key):
    doc = spanish_nlp(f"Armas en la frontera\n\nLa reunión con {name} terminó ayer en Villa Arroyo.\n")
    assert key in {m.entity.key for m in doc._.cg_mentions}


def test_eu_is_the_united_states_only_in_spanish(nlp):
    doc = nlp("Rifles seized\n\nThe EU said 340 rifles were seized in Villa Arroyo.\n")
    assert "united_states" not in {m.entity.key for m in doc._.cg_mentions}


def test_a_spanish_and_an_english_share_measure_one_quantity(extract_es, extract_text):
    spanish = extract_es("Armas\n\nLa Fiscalía de Ocampo informó que el 70 por ciento de las armas aseguradas "
                         "proviene de Estados Unidos.\n")
    english = extract_text("Guns\n\nThe Ocampo Prosecutor's Office said 70 percent of the guns seized came from "
                           "the United States.\n")
    [es_claim] = [c for c in spanish.claims if c.figure.value == 70]
    [en_claim] = [c for c in english.claims if c.figure.value == 70]
    assert (es_claim.figure.unit, es_claim.figure.flow) == (en_claim.figure.unit, en_claim.figure.flow) == ("percent", "firearms")
    assert es_claim.figure.measure == en_claim.figure.measure == "traced"


@pytest.mark.parametrize("verb", ["provino", "proviene", "procede"])
def test_a_reported_share_takes_its_own_clauses_verb_as_its_measure(extract_es, verb):
    records = extract_es(f"Armas\n\nLa Fiscalía de Ocampo informó que el 78 por ciento de las armas aseguradas en "
                         f"Villa Arroyo en 2022 {verb} de Estados Unidos.\n")
    [claim] = [c for c in records.claims if c.figure.value == 78]
    assert claim.figure.measure == "traced" and claim.figure.subject.startswith("armas aseguradas")


# --- Spanish periods, anchored to the publication ----------------------------------------------------

from extract.periods import anchor, period_near  # noqa: E402

SPANISH_PERIODS = [  # (the sentence, the figure in it, published, label, start, end)
    ("se aseguraron 340 armas en 2023", "340", None, "2023", "2023-01-01", "2023-12-31"),
    ("entre 2018 y 2022 cruzaron 5 mil armas", "5 mil", None, "2018-2022", "2018-01-01", "2022-12-31"),
    ("de enero de 2020 a la fecha se aseguraron 55,996 armas", "55,996", "2024-05-10", None, "2020-01-01", "2024-05-10"),
    ("en lo que va del año se aseguraron 300 armas", "300", "2024-05-10", None, "2024-01-01", "2024-05-10"),
    ("el año pasado se aseguraron 300 armas", "300", "2024-05-10", None, "2023-01-01", "2023-12-31"),
    ("desde 2012 cruzan 200 mil armas", "200 mil", "2024-05-10", None, "2012-01-01", "2024-05-10"),
    ("durante el sexenio de AMLO se aseguraron 300 armas", "300", None, None, "2018-12-01", "2024-09-30"),
    ("El 17 de mayo de 2022, agentes encontraron 10 rifles", "10", None, "2022-05-17", "2022-05-17", "2022-05-17"),
    ("de enero a junio de 2023 se aseguraron 300 armas", "300", None, None, "2023-01-01", "2023-06-30"),
]


@pytest.mark.parametrize("text, figure, published, label, start, end", SPANISH_PERIODS)
def test_spanish_periods(text, figure, published, label, start, end):
    at = text.index(figure)
    period = anchor(period_near(text, at, at + len(figure), "es"), published)
    assert (period.start, period.end) == (start, end)
    assert label is None or period.label == label


@pytest.mark.parametrize("text", ["cruzan 200 mil armas al año", "cruzan anualmente 200 mil armas"])
def test_spanish_yearly_figures(text):
    at = text.index("200 mil")
    assert period_near(text, at, at + 7, "es").periodicity == "annual"


def test_a_relative_spanish_period_without_a_date_keeps_its_words():
    text = "el año pasado se aseguraron 300 armas"
    period = anchor(period_near(text, text.index("300"), text.index("300") + 3, "es"), None)
    assert period.start is None and period.label == "el año pasado"


# --- a Spanish release: its dateline, and its issuer by the same chain as English ----------------------

@pytest.mark.parametrize("dateline", ["Villa Arroyo, Ocampo, a 3 de marzo de 2021.-", "VILLA ARROYO, Ocampo —",
                                      "Ciudad de Ocampo, 3 de marzo, 2021 -"])
def test_a_spanish_dateline_makes_a_release_whose_title_names_the_issuer(extract_es, dateline):
    text = (f"La Fiscalía General de la República asegura armas en Villa Arroyo\n\n{dateline} Se aseguraron "
            "12 mil cartuchos en un almacén.\n")
    records = extract_es(text)
    assert records.article.dateline
    [claim] = [c for c in records.claims if c.figure.value == 12000]
    assert claim.source.entity.key == "fgr"


def test_prose_with_a_dash_is_no_dateline(extract_es):
    records = extract_es("Armas\n\nEl director de la agencia realizó una visita - y luego se aseguraron 5 armas.\n")
    assert not records.article.dateline


def test_after_a_dateline_segun_still_names_the_source(extract_es):
    records = extract_es("Decomiso\n\nVILLA ARROYO, Ocampo, a 3 de marzo de 2021.- Según la Secretaría de Marina, "
                         "hasta un 78 % de las armas aseguradas proviene de EU.\n")
    [claim] = [c for c in records.claims if c.figure.high == 78]
    assert claim.source.entity.key == "semar" and claim.figure.qualifier == "hasta" and claim.figure.unit == "percent"


def test_dollars_beside_guns_are_cash_not_guns(extract_es):
    records = extract_es("Decomiso\n\nLa Fiscalía de Ocampo informó que se aseguraron 18 mil armas y 4’318,527 dólares.\n")
    flows = {c.figure.value: (c.figure.unit, c.figure.flow) for c in records.claims}
    assert flows[18000] == ("firearms", "firearms") and flows[4318527] == ("USD", "cash")


def test_a_known_body_carries_its_spanish_name_tagged_es():
    from extract.names import known_entities
    from graph.rdf.mapping import vocabulary_graph

    quads = list(vocabulary_graph(known_entities({"sedena", "united_states"})).quads())
    tagged = {(str(q.subject.value).rsplit("/", 1)[-1], q.object.value) for q in quads
              if q.predicate.value.endswith("core#prefLabel") and getattr(q.object, "language", None) == "es"}
    assert tagged == {("sedena", "Secretaría de la Defensa Nacional"), ("united_states", "Estados Unidos")}


@pytest.mark.parametrize("stated, iso", [("3 de marzo de 2021", "2021-03-03"), ("12 de agosto, 2016", "2016-08-12"),
                                         ("marzo de 2021", "2021-03"), ("March 9, 2011", "2011-03-09")])
def test_a_date_stated_in_spanish_is_read_at_its_precision(stated, iso):
    from extract.reader import iso_date

    assert iso_date(stated) == iso


def test_a_spanish_datelines_date_anchors_a_la_fecha(extract_es):
    records = extract_es("Decomiso\n\nVilla Arroyo, Ocampo, a 3 de marzo de 2021.- La Fiscalía de Ocampo informó que "
                         "de enero de 2020 a la fecha se aseguraron 18 mil armas.\n")
    assert records.article.date == "2021-03-03"
    [claim] = [c for c in records.claims if c.figure.value == 18000]
    assert (claim.figure.period.start, claim.figure.period.end) == ("2020-01-01", "2021-03-03")


@pytest.mark.parametrize("lede", ["PUERTO ARROYO, Ocampo – The Ocampo Harbor Police announced that officers seized 340 rifles.",
                                  "PUERTO ARROYO, Ocampo – The Ocampo Harbor Police and the FBI announced that agents seized 340 rifles."])
def test_a_release_lede_naming_an_agency_the_table_does_not_know(extract_text, lede):
    records = extract_text(f"Rifles seized at the harbor\n\n{lede}\n")
    [claim] = [c for c in records.claims if c.figure.value == 340]
    assert claim.source.entity.key != "fbi"


INVENTED_ACRONYMS = [("QRZ", "Q.R.Z."), ("Q.R.Z.", "Q.R.Z"), ("B.V.L", "BVL"), ("XUM", "X.U.M")]
ACRONYM_FRAMES = ["Personal del {} aseguró 40 armas.", "Agentes del {}, con apoyo militar, revisaron 3 camiones.",
                  "Lo informó el {} en Puerto Verde.", "The {} said agents seized 40 rifles."]


@pytest.mark.parametrize("known, written", INVENTED_ACRONYMS)
@pytest.mark.parametrize("frame", ACRONYM_FRAMES)
def test_an_acronym_is_one_name_with_or_without_its_periods(known, written, frame):
    """The table holds one spelling of an acronym; a text's other spelling (its final period dropped,
    or no periods at all) is the same body, to the ruler and to the name key."""
    import spacy

    from extract.names import acronym_spellings, name_key

    assert name_key(known) == name_key(written)
    nlp = spacy.blank("es")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "ORG", "pattern": s, "id": "invented"} for s in acronym_spellings(known)])
    doc = nlp(frame.format(written))
    assert [(e.text, e.ent_id_) for e in doc.ents] == [(written, "invented")]


def test_a_word_that_is_no_acronym_has_one_spelling():
    from extract.names import acronym_spellings

    assert acronym_spellings("Fiscalía de Ocampo") == {"Fiscalía de Ocampo"}
    assert acronym_spellings("Ocampo") == {"Ocampo"}


@pytest.mark.parametrize("month, number", [("septiembre", 9), ("setiembre", 9), ("marzo", 3)])
def test_a_months_spellings_are_one_list_read_by_numbers_and_periods(month, number):
    """The periods lexicon lists a month's spellings once; the figures' date rule reads the same list."""
    from extract.numbers import find_numbers, reject_reason
    from extract.periods import find_periods, month_number

    assert month_number(month) == number
    for text in (f"el 14 de {month}", f"en {month} de 2021", f"desde el 3 de {month} de 2019"):
        assert all(reject_reason(text, m, "es") for m in find_numbers(text, "es")), text
    [(_, _, period, _)] = find_periods(f"Agentes aseguraron 40 armas en {month} de 2021.", "es")
    assert (period.start, period.end) == (f"2021-{number:02d}-01", f"2021-{number:02d}-30" if number == 9 else f"2021-{number:02d}-31")


def test_a_languages_own_aliases_are_known_to_its_lookups_only():
    from extract.names import alias_index, name_key

    spanish, english = alias_index("es"), alias_index()
    assert spanish[name_key("Marina")] == "semar" and name_key("Marina") not in english
    assert spanish[name_key("EU")] == "united_states" and english.get(name_key("EU")) != "united_states"
    assert spanish[name_key("ATF")] == english[name_key("ATF")]  # the shared table stays


def test_a_correction_naming_a_spanish_only_alias_credits_that_body(spanish_nlp):
    from dataclasses import replace

    from claimgraph.corrections import apply_corrections, correction_of
    from extract.pipeline import extract

    text = "Decomiso en Puerto Verde\n\nAgentes aseguraron 40 armas en un almacén de Villa Arroyo.\n"
    article = article_from_text("compuesto.txt", text)
    fix = correction_of({"claim": {"article": "compuesto.txt", "figure": "40"}, "source": "Marina"}, "entry 1")
    records = extract(replace(article, corrections=[fix]), spanish_nlp)
    assert records.claims
    assert not apply_corrections(records)
    [claim] = [c for c in records.claims if c.figure.span.text == "40"]
    assert claim.source.entity.key == "semar"


@pytest.mark.parametrize("place", ["Villa Arroyo, Ocampo", "Puerto Verde, Tlacolula", "Ciudad Olmeca"])
@pytest.mark.parametrize("date", ["a 3 de marzo de 2021", "12 de agosto, 2016"])
def test_a_spanish_dateline_ends_the_header_under_the_title(place, date):
    """The header under a title is read by the article's language's rules: a Spanish dateline on a
    line of its own opens the body (by English rules it was a header line naming who issues it)."""
    from extract.reader import article_from_text
    from extract.speaker import _header, header_end, language_of

    title = "Decomisan armas en la frontera"
    text = f"{title}\n{place}, {date}.-\nLa Fiscalía de Ocampo informó que se aseguraron 40 armas.\n"
    article = article_from_text("compuesto.txt", text, given=[("front matter", {"language": "es"})])
    language = language_of(article)
    assert language == "es"
    assert header_end(text, language) == len(title) and _header(text, language) == ""
