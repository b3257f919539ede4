"""A government-report style text generated from sentence frames x invented people x invented
figures: attributed figures on guns and cash, headings, and words a typesetter hyphenates.
Deterministic for a seed, so the same report comes out of the PDF, the .docx and the plain text."""

from __future__ import annotations

import random

AGENCIES = [("the Bureau of Alcohol, Tobacco, Firearms and Explosives", "ATF"),
            ("U.S. Customs and Border Protection", "CBP"),
            ("Homeland Security Investigations", "HSI")]
PEOPLE = ["Maria Delgado", "Tomas Ibarra", "Helen Worthy", "Joaquin Restrepo", "Ruth Okafor"]
CITIES = ["Phoenix", "Houston", "El Paso", "San Diego", "Tucson"]
HEADINGS = ["Background", "Firearms Trafficking Southbound", "Currency Interdiction", "Agency Comments"]

FRAMES = [
    "{agency} traced {count:,} firearms recovered in Mexico to retail sales in the United States during "
    "fiscal year {year}, according to agency data reviewed for this report.",
    "{Agency} officers seized ${millions} million in undeclared currency at southbound inspections in "
    "{year}, {abbr} officials told us.",
    "{person}, the special agent in charge of the {abbr}'s {city} Field Division, said that investigators "
    "had identified about {small} straw purchasers in the region since {year}.",
    "According to {agency}, agents seized {count:,} weapons bound for Mexico in fiscal year {year}.",
]
FILLER = [
    "Officials described the cross-border flow of weapons as a persistent challenge for interdiction, and "
    "several field offices reported difficulties with the identification of trafficking networks.",
    "The classification of firearms recovered at crime scenes depends on the information that the "
    "submitting authorities provide, which varies considerably across jurisdictions.",
]


def report(seed: int = 7, sections: int = 4) -> tuple[str, list[str]]:
    """The report's title and paragraphs (headings among them)."""
    pick = random.Random(seed)
    paragraphs: list[str] = []
    for section in range(sections):
        paragraphs.append(HEADINGS[section % len(HEADINGS)])
        for frame in FRAMES:
            agency, abbr = pick.choice(AGENCIES)
            sentence = frame.format(agency=agency, Agency=agency[0].upper() + agency[1:], abbr=abbr,
                                    person=pick.choice(PEOPLE), city=pick.choice(CITIES),
                                    count=pick.randrange(1_200, 48_000), millions=pick.randrange(2, 90) / 10 + 1,
                                    small=pick.randrange(20, 400), year=pick.randrange(2012, 2024))
            paragraphs.append(f"{sentence[0].upper()}{sentence[1:]} {pick.choice(FILLER)}")
    return "Firearms and Currency Smuggling: Observations on Southwest Border Enforcement", paragraphs
