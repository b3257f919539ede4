"""Attribution on sentences we composed in the domain's style (not from the seeds), so that the
rules are shown to work on syntax, not on particular names."""

import pytest


def claims_of(records):
    return {c.figure.span.text: c for c in records.claims}


def one(records, figure_text):
    found = [c for c in records.claims if figure_text in c.figure.span.text]
    assert found, [c.figure.span.text for c in records.claims]
    return found[0]


TITLE = "Guns flow south\n\nBy Maria Lopez\n\n"


@pytest.mark.parametrize("sentence, figure, source, cue", [
    ("The Government Accountability Office estimated that 70 percent of the rifles came from Texas.", "70 percent", "Government Accountability Office", "estimated"),
    ("ICE officials said agents seized 412 firearms at the Laredo crossing.", "412", "Immigration and Customs Enforcement", "said"),
    ("According to the Drug Enforcement Administration, traffickers moved $3 billion in bulk cash last year.", "$3 billion", "Drug Enforcement Administration", "according to"),
    ("Smugglers took more than 6,000 rifles south, according to a senior Justice Department official.", "6,000", "U.S. Department of Justice", "according to"),
    ("Border Patrol agents confiscated 37 pistols in March, the agency reported.", "37", "U.S. Border Patrol", "reported"),
    ("Senator Dana Wells alleges that 15,000 guns cross the border every month.", "15,000", "Dana Wells", "alleges"),
    ("A Treasury report shows that cartels laundered $2.5 billion through shell companies.", "$2.5 billion", "U.S. Department of the Treasury", "shows"),
])
def test_cue_frames(extract_text, sentence, figure, source, cue):
    claim = one(extract_text(TITLE + sentence + "\n"), figure)
    assert source.lower() in claim.source.entity.label.lower() or claim.source.entity.label.lower() in source.lower()
    assert claim.source.cue.lower() == cue
    assert not claim.source.unattributed


def test_unattributed_goes_to_the_outlet_not_the_nearest_agency(extract_text):
    text = "Rifles to Mexico\n\nBy Maria Lopez\n\nCBP officers seized 850 rifles at the Nogales port in 2021.\n\nSource: Frontera Daily\n"
    claim = one(extract_text(text), "850")
    assert claim.source.unattributed
    assert claim.source.entity.label == "Frontera Daily"


def test_pronoun_carries_the_source_across_sentences(extract_text):
    text = (TITLE + "ATF Director Lena Park spoke to reporters on Monday. She said that 1,200 traces "
            "led to gun stores in Arizona.\n")
    claim = one(extract_text(text), "1,200")
    assert claim.source.entity.label == "Lena Park"


def test_description_resolves_to_the_named_watchdog(extract_text):
    text = (TITLE + "The audit was released by the Department of Justice Inspector General on Tuesday. "
            "The audit found that 2,000 weapons went missing from the program.\n")
    claim = one(extract_text(text), "2,000")
    assert "Inspector General" in claim.source.entity.label or "Justice" in claim.source.entity.label


def test_nested_attribution_keeps_the_reporter(extract_text):
    text = TITLE + "Mexico argues in its complaint, according to the Associated Press, that 200,000 guns enter the country each year.\n"
    claim = one(extract_text(text), "200,000")
    assert claim.source.entity.label == "Government of Mexico"  # what a country argues, its government does
    assert claim.source.reporter is not None and "Associated Press" in claim.source.reporter.label
    assert claim.figure.period.label == "annual"


def test_passive_with_agent(extract_text):
    text = TITLE + "About 40 percent of the pistols were traced by the ATF to straw purchasers.\n"
    claim = one(extract_text(text), "40 percent")
    assert "Alcohol" in claim.source.entity.label or claim.source.entity.key == "atf"


def test_impersonal_passive_stays_with_the_outlet(extract_text):
    text = TITLE + "It is estimated that 300,000 firearms are smuggled south annually.\n\nSource: Frontera Daily\n"
    claim = one(extract_text(text), "300,000")
    assert claim.source.unattributed and claim.source.entity.label == "Frontera Daily"
    assert claim.source.cue == "estimated"


def test_quote_speaker_applies_to_figures_inside_the_quote(extract_text):
    text = TITLE + "\u201cWe took 95 rifles off the street this year,\u201d said Carlos Ortega, an HSI special agent in Tucson.\n"
    claim = one(extract_text(text), "95")
    assert claim.source.entity.label == "Carlos Ortega"


def test_continuation_inherits_the_previous_source(extract_text):
    text = (TITLE + "The inspector general's report shows that the program works. For example, officers "
            "recovered 640 handguns in the first year.\n")
    claim = one(extract_text(text), "640")
    assert not claim.source.unattributed


def test_units_periods_and_flows(extract_text):
    text = (TITLE + "Officials said agents seized $4.5 million in U.S. currency and 9,100 rounds of ammunition "
            "in fiscal year 2020, and arrested 61 people between 2015 and 2019.\n")
    records = extract_text(text)
    cash, rounds, people = one(records, "$4.5 million"), one(records, "9,100"), one(records, "61")
    assert (cash.figure.unit, cash.figure.flow) == ("USD", "cash")
    assert (rounds.figure.unit, rounds.figure.flow) == ("rounds", "ammunition")
    assert rounds.figure.period.label == "FY2020" and rounds.figure.period.start == "2019-10-01"
    # people counted by the arrest verb on them are arrests (units.yaml people_roles), as the dev annotations count them
    assert people.figure.unit == "arrests" and people.figure.period.label == "2015-2019"


def test_evidence_offsets_slice_back(extract_text):
    text = TITLE + "First line.\nThe DEA said 30 kilograms of fentanyl were seized.\n"
    records = extract_text(text)
    for claim in records.claims:
        assert records.article.text[claim.evidence.start:claim.evidence.end] == claim.evidence.text
        assert claim.figure.span.text in claim.evidence.text


def test_each_figure_in_a_list_takes_its_own_period(extract_text):
    text = TITLE + "Officers seized 1,500 rounds in FY 2019, 2,250 rounds in FY 2020 and 3,100 rounds in FY 2021.\n"
    records = extract_text(text)
    assert [one(records, f).figure.period.label for f in ("1,500", "2,250", "3,100")] == ["FY2019", "FY2020", "FY2021"]


@pytest.mark.parametrize("sentence, value, label, start, end", [
    # what followed a dated event: the period reaches the figure across its clause
    ("Though the market is large, the 2016 adoption of cash reporting rules in Guatemala cut cross-border "
     "cash flows through its banks by about 40 percent.", "40 percent", "after the 2016 adoption", "2016-01-01", None),
    # a restatement ("40 percent, or $3 billion") has the period of what it restates
    ("Though the market is large, the 2016 adoption of cash reporting rules in Guatemala cut cross-border "
     "cash flows through its banks by about 40 percent, or $3 billion.", "$3 billion", "after the 2016 adoption",
     "2016-01-01", None),
    ("After 2015, seizures of rifles at the Laredo crossing rose to 800.", "800", "after 2015", "2016-01-01", None),
    ("Prior to 2012, agents seized 300 pistols at the port.", "300", "Prior to 2012", None, "2011-12-31"),
])
def test_periods_bounded_by_a_year_or_an_event(extract_text, value, sentence, label, start, end):
    period = one(extract_text(TITLE + sentence + "\n"), value).figure.period
    assert (period.label, period.start, period.end) == (label, start, end)


@pytest.mark.parametrize("sentence", [
    "Statistics show that 70 percent of the guns came from Texas.",
    "Another data analysis showed that 2,000 rifles were recovered in Sonora.",
    "Agents had identified more than 40 subjects in the scheme.",
])
def test_subjects_that_assert_nothing_leave_the_figure_with_the_outlet(extract_text, sentence):
    records = extract_text("Guns go south\n\nBy Ana Ruiz, Border Courier\n\n" + sentence + "\n")
    claim = records.claims[0]
    assert claim.source.unattributed and claim.source.entity.label == "Border Courier"


def test_a_named_study_still_speaks(extract_text):
    records = extract_text(TITLE + "A GAO analysis showed that 2,000 rifles were recovered in Sonora.\n")
    assert one(records, "2,000").source.entity.label == "Government Accountability Office"


def test_a_release_dates_its_later_counts_by_the_event_of_its_lede(extract_text):
    records = extract_text(
        "CBP seizes rifles bound for Mexico\n\nLAREDO, Texas – U.S. Customs and Border Protection officers at the "
        "Laredo port of entry seized 310 rifles March 3, 2023. The rifles were in a tractor-trailer leaving the U.S.\n\n"
        "During a search of the trailer they found crates. A total of 210 AR-type rifles and 100 AK-type rifles were "
        "seized.\n\nIn fiscal year 2022, officers at the port seized 1,200 rifles.\n")
    periods = {c.figure.value: c.figure.period.label for c in records.claims}
    assert periods == {310: "2023-03-03", 210: "2023-03-03", 100: "2023-03-03", 1200: "FY2022"}


def test_a_news_story_without_a_dateline_dates_nothing_it_does_not_say(extract_text):
    records = extract_text("Rifles south\n\nOfficers seized 310 rifles March 3, 2023, in Laredo.\n\n"
                           "A total of 210 rifles were seized.\n")
    assert {c.figure.value: c.figure.period and c.figure.period.label for c in records.claims}[210] is None


# --- the speaker chain (extract/speaker.py): who speaks for a figure no sentence source asserts ---

UNSOURCED = ["Some {n} rifles crossed the border at {place} in 2021.",
             "Agents seized {n} pistols at the {place} crossing.",
             "In fiscal year 2020, {n} rounds of ammunition left through {place}."]
PLACES = ["Ostrava Bridge", "Kessel", "Port Lira"]


def _grid(frames=UNSOURCED):
    return [(frame.format(n=n, place=place), n) for frame, (n, place) in zip(frames, zip(("4,130", "917", "23,600"), PLACES))]


def _sources(records, figures):
    found = {c.figure.span.text: c.source for c in records.claims}
    assert found, "no claims extracted"
    return [next(s for text, s in found.items() if n in text) for n in figures]


@pytest.mark.parametrize("author", ["Tomas Arvelo", "Linnea Okafor", "Ana María Ruiz", "Pim de Vries", "Ana de la Cruz"])
def test_the_byline_speaks_when_no_outlet_is_known(extract_text, author):
    sentences, figures = zip(*_grid())
    records = extract_text(f"Guns south\n\nBy {author}\n\n" + " ".join(sentences) + "\n")
    for source in _sources(records, figures):
        assert (source.entity.label, source.credited_by, source.unattributed) == (author, "byline", True)
    assert records.publisher.label == "unknown outlet"  # an author is never the publisher


@pytest.mark.parametrize("author, outlet", [("Tomas Arvelo", "Kessel Ledger"), ("Linnea Okafor", "Frontera Wire")])
def test_the_outlet_comes_before_the_byline(extract_text, author, outlet):
    sentences, figures = zip(*_grid())
    records = extract_text(f"Guns south\n\nBy {author}, {outlet}\n\n" + " ".join(sentences) + "\n")
    assert {(s.entity.label, s.credited_by) for s in _sources(records, figures)} == {(outlet, "outlet")}


@pytest.mark.parametrize("opening", ["We found that", "Our analysis shows that", "According to our review,"])
@pytest.mark.parametrize("outlet", ["Kessel Ledger", "Frontera Wire"])
def test_the_documents_own_voice_is_its_author(nlp, opening, outlet):
    from extract.pipeline import extract
    from extract.reader import article_from_text

    text = (f"Guns south\n\n{opening} 4,130 rifles crossed at Ostrava Bridge. \"We seized 917 pistols,\" "
            f"said Dana Wells, a senior agent.\n")
    records = extract(article_from_text("voice.txt", text, given=[("front matter", {"outlet": outlet})]), nlp)
    own, quoted = _sources(records, ["4,130", "917"])
    assert (own.entity.label, own.credited_by, own.unattributed) == (outlet, "own voice", True)
    assert (quoted.entity.label, quoted.credited_by) == ("Dana Wells", "named")  # a quoted "we" is the speaker's


@pytest.mark.parametrize("agency, label", [("GAO", "Government Accountability Office"), ("OJP", "Office of Justice Programs"),
                                           ("FinCEN", "Financial Crimes Enforcement Network")])
@pytest.mark.parametrize("self_name", ["{agency}-{year}-{number}T\n", "\nWhat {agency} Found\n"])
def test_a_report_that_names_itself_speaks_for_every_unsourced_figure(extract_text, agency, label, self_name):
    header = self_name.format(agency=agency, year="19", number="482")
    sentences, figures = zip(*_grid())
    records = extract_text(f"Moving illegal proceeds\n{header}\n" + " ".join(sentences) + " We found that 61 couriers were caught.\n")
    for source in _sources(records, figures + ("61",)):
        assert (source.entity.label, source.credited_by) == (label, "own voice")
    assert records.publisher.label == label


def test_a_report_number_deep_in_a_news_story_names_no_author(extract_text):
    records = extract_text("Guns south\n\nSome 4,130 rifles crossed at Kessel in 2021.\n\n" + "More text here. " * 5 +
                           "\n\nThe audit, GAO-19-482T, was published in May.\n")
    assert _sources(records, ["4,130"])[0].credited_by == "unknown"


@pytest.mark.parametrize("subject, label", [
    ("U.S. Customs and Border Protection officers", "U.S. Customs and Border Protection"),
    ("Homeland Security Investigations special agents", "Homeland Security Investigations"),
    ("The Drug Enforcement Administration", "Drug Enforcement Administration"),
])
@pytest.mark.parametrize("verb", ["seized", "announced the seizure of", "intercepted"])
@pytest.mark.parametrize("place", ["OSTRAVA, Texas", "PORT LIRA, Ariz."])
def test_a_release_is_issued_by_the_agency_of_its_dateline_lede(extract_text, subject, label, verb, place):
    records = extract_text(f"Rifles headed south stopped at the bridge\n\n{place} – {subject} {verb} 4,130 rounds of "
                           f"ammunition bound for Mexico.\n\nThe load also held 917 rifle magazines.\n")
    lede, later = _sources(records, ["4,130", "917"])
    assert lede.entity.label == label  # named when the agency announces it, else the issuer
    assert (later.entity.label, later.credited_by) == (label, "issuer")


@pytest.mark.parametrize("lede", [
    "Federal agents seized 4,130 rounds of ammunition bound for Mexico.",  # no agency named
    "Smugglers moved 4,130 rounds of ammunition, U.S. Customs and Border Protection said.",  # a news story's attribution
])
def test_a_dateline_without_an_agency_acting_names_no_issuer(extract_text, lede):
    records = extract_text(f"Rifles headed south\n\nOSTRAVA, Texas – {lede}\n\nThe load also held 917 rifle magazines.\n")
    assert _sources(records, ["917"])[0].credited_by == "unknown"


def test_without_any_of_the_chain_the_outlet_is_unknown(extract_text):
    sentences, figures = zip(*_grid())
    records = extract_text("Guns south\n\n" + " ".join(sentences) + "\n")
    assert {(s.entity.label, s.credited_by) for s in _sources(records, figures)} == {("unknown outlet", "unknown")}


def test_a_column_read_without_its_outlet_goes_to_its_byline(extract_text):
    from tests.conftest import SEEDS

    text = (SEEDS / "004_20ea0388f4f0558f.txt").read_text(encoding="utf-8")
    records = extract_text(text, "004_20ea0388f4f0558f.txt")  # no metadata.csv: no outlet known
    defaults = [c.source for c in records.claims if c.source.credited_by != "named"]
    assert len(defaults) >= 3
    assert {(s.entity.label, s.credited_by) for s in defaults} == {("Larry Keane", "byline")}


@pytest.mark.parametrize("header, label", [
    ("United States Government Accountability Office\nReport to Congressional Committees", "Government Accountability Office"),
    ("Office of Inspector General\nDepartment of Homeland Security", "DHS Office of Inspector General"),
    ("Department of the Treasury\nFinancial Crimes Enforcement Network", "Financial Crimes Enforcement Network"),
])
@pytest.mark.parametrize("voice", ["We found that 61 couriers were caught.", "Our review shows that 61 couriers were caught."])
def test_a_text_in_its_own_voice_is_the_body_its_header_names(extract_text, header, label, voice):
    sentences, figures = zip(*_grid())
    records = extract_text(f"Moving illegal proceeds\n{header}\n\n" + " ".join(sentences) + f" {voice}\n")
    for source in _sources(records, figures + ("61",)):
        assert (source.entity.label, source.credited_by) == (label, "own voice")


@pytest.mark.parametrize("opening, closing", [
    ("Government Accountability Office\n\n", ""),  # a header, but the text never speaks for itself
    ("o Drug Enforcement Administration is increasing its efforts by:\n", " We are making efforts."),  # a bullet is no header
    ("", " We are making efforts."),  # a voice, but no header names whose
])
def test_a_voice_without_a_header_or_a_header_without_a_voice_names_no_one(extract_text, opening, closing):
    sentences, figures = zip(*_grid())
    records = extract_text(f"Moving illegal proceeds\n{opening}" + " ".join(sentences) + f"{closing}\n")
    assert {s.credited_by for s in _sources(records, figures)} == {"unknown"}


@pytest.mark.parametrize("header, label", [
    ("U.S. Department of Justice\nDrug Enforcement Administration\nSouthern District of Texas", "Drug Enforcement Administration"),
    ("Department of the Treasury\nEastern Region", "U.S. Department of the Treasury"),
])
@pytest.mark.parametrize("marker", ["FOR IMMEDIATE RELEASE", "News Release"])
def test_a_release_is_issued_by_the_body_its_header_names(extract_text, header, label, marker):
    records = extract_text(f"Kessel man sentenced for smuggling rifles\n{header}\n{marker}\n\n"
                           "A Kessel man was sentenced for smuggling 4,130 rounds of ammunition and 61 rifles.\n")
    assert {(s.entity.label, s.credited_by) for s in _sources(records, ["4,130", "61"])} == {(label, "issuer")}


@pytest.mark.parametrize("agency, n", [("the Kessel Border Agency", "310"), ("Valdora Customs", "4,130")])
def test_a_figure_said_twice_keeps_the_sentence_that_says_more(extract_text, agency, n):
    records = extract_text(f"Officers seize {n} rifles at the bridge\n\nBy Tomas Arvelo\n\n"
                           f"Officers seized {n} rifles on March 3, 2023, {agency} said. Officials repeated that {n} rifles were taken.\n")
    (claim,) = [c for c in records.claims if n in c.figure.span.text]
    assert claim.source.credited_by == "named" and claim.figure.period.start == "2023-03-03"
    assert "March 3" in claim.evidence.text  # the body's sentence, not the headline's nor the later bare one


@pytest.mark.parametrize("opening, issued", [
    ("OSTRAVA, Texas—U.S. Customs and Border Protection officers", True),
    ("PORT LIRA—U.S. Customs and Border Protection officers", True),
    ("U.S.–Mexico teams with U.S. Customs and Border Protection officers", False),  # no dateline: no issuer
])
def test_a_dateline_set_close_to_its_dash(extract_text, opening, issued):
    records = extract_text(f"Rounds seized at the bridge\n\n{opening} seized 4,130 rounds.\n\n"
                           "The load also held 917 rifle magazines.\n")
    assert (_sources(records, ["917"])[0].credited_by == "issuer") == issued


@pytest.mark.parametrize("author, outlet", [("Ana Ruiz", "Border Courier"), ("Tomas Arvelo", "Kessel Ledger")])
def test_a_described_person_is_not_a_name_far_back(extract_text, author, outlet):
    body = " ".join(f"Some {n} rifles crossed at Ostrava in 20{n % 10 + 10}." for n in (410, 523, 634, 745))
    records = extract_text(f"Guns south\n\nBy {author}, {outlet}\n\n{body} \"We seized 917 rifles,\" the agent said.\n")
    source = _sources(records, ["917"])[0]
    assert not (source.credited_by == "named" and source.entity.label in (author, outlet))  # the outlet's by default, if anyone's


@pytest.mark.parametrize("self_reference", ["This report examines how cash crosses the border.",
                                            "This testimony discusses federal efforts against smuggling."])
def test_a_text_that_names_itself_a_document_speaks_in_its_own_voice(extract_text, self_reference):
    sentences, figures = zip(*_grid())
    records = extract_text("Moving illegal proceeds\nOffice of Inspector General\nDepartment of Homeland Security\n\n"
                           f"{self_reference} " + " ".join(sentences) + "\n")
    assert {(s.entity.label, s.credited_by) for s in _sources(records, figures)} == {("DHS Office of Inspector General", "own voice")}


def test_a_release_marked_in_its_header_dates_its_later_counts_by_its_lede(extract_text):
    records = extract_text("Rifles seized at the bridge\nDrug Enforcement Administration\nFOR IMMEDIATE RELEASE\n\n"
                           "Agents seized 310 rifles March 3, 2023, at the Ostrava crossing.\n\n"
                           "A total of 210 rifles were seized from one truck.\n")
    assert {c.figure.value: c.figure.period and c.figure.period.start for c in records.claims}[210] == "2023-03-03"


def test_the_first_of_two_bylined_authors_speaks(extract_text):
    sentences, figures = zip(*_grid())
    records = extract_text("Guns south\n\nBy Pim de Vries and Linnea Okafor\n\n" + " ".join(sentences) + "\n")
    assert {(s.entity.label, s.credited_by) for s in _sources(records, figures)} == {("Pim de Vries", "byline")}
    assert [a.label for a in records.authors] == ["Pim de Vries"]
