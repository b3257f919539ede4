"""A deterministic synthetic corpus in the domain's style: varied agencies, operations, sources,
figures and cue verbs, about 600 words an article. python -m bench.generate OUT N"""

from __future__ import annotations

import random
import sys
from pathlib import Path

AGENCIES = ["the ATF", "CBP", "ICE", "Homeland Security Investigations", "the DEA", "the FBI", "the GAO",
            "the Justice Department", "the State Department", "the Treasury Department", "Border Patrol",
            "the DHS Inspector General", "Mexico's attorney general's office", "the Mexican Army", "SEDENA"]
PEOPLE = ["Maria Vega", "John Carter", "Luis Ramos", "Emily Stone", "Carlos Reyes", "Anne Miller", "Jorge Salas",
          "Peter Quinn", "Rosa Delgado", "Mark Olsen"]
ROLES = ["a spokesperson for", "a former special agent with", "the director of", "an analyst at", "a senior official at"]
OPERATIONS = ["Operation Southbound", "Project Gunrunner", "Operation Without a Trace", "Operation Iron River",
              "Project Safe Border", "Operation Steel Wall", "Operation Silver Line", "Project Northstar"]
OUTLETS = ["Border Wire", "Desert Post", "Capital Daily", "Frontier Times", "Gulf Courier", "Valley Ledger"]
CUES = ["said", "estimated", "reported", "found", "told reporters", "wrote", "confirmed", "claimed"]
THINGS = [("firearms", "were seized at the border"), ("rifles", "were smuggled south"), ("rounds of ammunition", "were seized"),
          ("pistols", "were traced to U.S. dealers"), ("magazines", "were recovered"), ("arrests", "were made")]
PERIODS = ["in fiscal year 2021", "between 2018 and 2022", "last year", "annually", "in the first six months of fiscal year 2022", ""]
FILLER = [
    "The border stretches for hundreds of miles through desert and river valleys.",
    "Officials on both sides have long argued about how to measure the flow of weapons.",
    "Critics say the programs lack funding and clear goals.",
    "Traffickers often rely on straw purchasers who buy guns on their behalf.",
    "The cartels use the weapons to fight rivals and to resist the security forces.",
    "Lawmakers in Washington have called for more inspections of southbound traffic.",
    "Advocates on both sides of the gun debate cite the figures to support their positions.",
    "Inspections of outbound vehicles remain rare at most crossings.",
]


def number(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.4:
        return f"{rng.randint(11, 9999):,}"
    if kind < 0.6:
        return f"more than {rng.randint(2, 900) * 100:,}"
    if kind < 0.75:
        return f"between {rng.randint(1, 40) * 1000:,} and {rng.randint(41, 90) * 1000:,}"
    if kind < 0.9:
        return f"{rng.randint(20, 95)} percent of the"
    return f"${rng.randint(2, 90)} million in cash and"


def claim_sentence(rng: random.Random) -> str:
    thing, verb = rng.choice(THINGS)
    figure = f"{number(rng)} {thing} {verb} {rng.choice(PERIODS)}".replace("  ", " ").strip()
    style = rng.random()
    if style < 0.35:
        agency = rng.choice(AGENCIES)
        return f"{agency[0].upper() + agency[1:]} {rng.choice(CUES)} that {figure}."
    if style < 0.55:
        return f"According to {rng.choice(AGENCIES)}, {figure}."
    if style < 0.7:
        person = rng.choice(PEOPLE)
        return f"\u201c{figure[0].upper() + figure[1:]},\u201d said {person}, {rng.choice(ROLES)} {rng.choice(AGENCIES)}."
    if style < 0.8:
        return f"A report by {rng.choice(AGENCIES)} shows that {figure}."
    return f"{figure[0].upper() + figure[1:]}."


def article(rng: random.Random, n: int) -> str:
    op, agency = rng.choice(OPERATIONS), rng.choice(AGENCIES)
    lines = [f"{op} and the southbound flow of guns, report {n}", "", f"By {rng.choice(PEOPLE)}", ""]
    words = 0
    paragraph: list[str] = []
    lines.append(f"{op}, an initiative of {agency}, aims to disrupt firearm trafficking from the United States to Mexico.")
    while words < 600:
        sentence = claim_sentence(rng) if rng.random() < 0.45 else rng.choice(FILLER)
        paragraph.append(sentence)
        words += len(sentence.split())
        if len(paragraph) >= rng.randint(2, 4):
            lines += ["", " ".join(paragraph)]
            paragraph = []
    if paragraph:
        lines += ["", " ".join(paragraph)]
    lines += ["", f"Source: {rng.choice(OUTLETS)}", ""]
    return "\n".join(lines)


def generate(out: Path, count: int, seed: int = 2026) -> int:
    out.mkdir(parents=True, exist_ok=True)
    words = 0
    for n in range(count):
        text = article(random.Random(seed * 100_003 + n), n)
        (out / f"synthetic_{n:05d}.txt").write_text(text, encoding="utf-8")
        words += len(text.split())
    return words


def as_jsonl(folder: Path, target: Path) -> int:
    """The .txt articles of a folder as one JSON Lines file (id, text), as a scraper would dump
    them; returns how many."""
    import json

    paths = sorted(folder.glob("*.txt"))
    with open(target, "w", encoding="utf-8") as out:
        for path in paths:
            out.write(json.dumps({"id": path.stem, "text": path.read_text(encoding="utf-8")}, ensure_ascii=False) + "\n")
    return len(paths)


def main(argv: list[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.generate",
                                     description="Write COUNT synthetic articles into FOLDER (the same ones for the same seed) "
                                                 "and print how many words they hold.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--jsonl", type=Path, default=None, help="also write the articles as one JSON Lines file here")
    args = parser.parse_args(argv)
    print(generate(args.folder, args.count, args.seed))
    if args.jsonl:
        as_jsonl(args.folder, args.jsonl)


if __name__ == "__main__":
    main(sys.argv[1:])
