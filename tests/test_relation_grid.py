"""The relation grammar as a grid: every frame x every relation word of extract/data/relations.yaml x
invented names, generated rather than picked. Each cell is one sentence read through the real
pipeline; the test prints each frame's coverage and holds a floor on it, and negative frames (a
criminal group's operations, staffing someone else's units, a country as such, operations in
general) must give no relation at all. docs/relations.md lists the frames."""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass

import pytest

from extract.lexicon import load

TITLE = "News from the border\n\n"
PROGRAMME_RELATIONS = ("runs", "led", "initiated", "partners", "uses")

# invented names, none of them in the lexicons or the development set
AGENCIES = ["Harbor Customs Bureau", "Coastal Inspection Service", "Northern Border Agency", "Frontier Security Office",
            "Inland Revenue Bureau"]
PROGRAMMES = ["Operation Copper Lantern", "Project Blue Falcon", "Operation Quiet Mesa", "Project Iron Heron"]
ACTIVITIES = ["outbound inspections", "task forces", "southbound inspections"]
PLACES = ["Sonora", "Laredo", "Nogales"]  # a country as a place, never an agent
COUNTRIES = ["Guatemala", "Honduras", "Belize"]  # no government in the lexicon: never an agent on its own
GOVERNED = ["Mexico", "the United States"]  # act through their governments, but own nothing as places
GROUPS = ["Red Mesa Cartel", "Black Canyon Cartel"]
PEOPLE = ["Laura Benton", "Daniel Okafor", "Ruth Villanueva"]

# English inflection the grid needs: irregular forms and phrasal particles of the relation verbs
IRREGULAR = {"lead": ("led", "led"), "run": ("ran", "run"), "set": ("set", "set"), "oversee": ("oversaw", "overseen")}
PARTICLE = {"carry": "out", "set": "up", "step": "up"}
INTRANSITIVE = {"partner"}  # takes part "in" a programme; see the participation frame


@dataclass(frozen=True)
class Cell:
    frame: str
    word: str
    text: str
    expected: frozenset  # (agent, relations it may take, target)


def inflect(verb: str) -> dict[str, str]:
    """base, third person, past, past participle and gerund of a relation verb, with its particle."""
    if verb in IRREGULAR:
        past, participle = IRREGULAR[verb]
    elif verb.endswith("e"):
        past = participle = verb + "d"
    elif verb.endswith("y") and verb[-2] not in "aeiou":
        past = participle = verb[:-1] + "ied"
    else:
        past = participle = verb + "ed"
    third = verb[:-1] + "ies" if verb.endswith("y") and verb[-2] not in "aeiou" else verb + ("es" if verb.endswith(("s", "sh", "ch")) else "s")
    gerund = (verb[:-1] if verb.endswith("e") and not verb.endswith("ee") else verb) + ("n" if verb == "run" else "t" if verb == "set" else "") + "ing"
    particle = PARTICLE.get(verb)
    forms = {"base": verb, "s": third, "past": past, "pp": participle, "ing": gerund}
    return {k: f"{v} {particle}" if particle else v for k, v in forms.items()}


def expect(*triples) -> frozenset:
    return frozenset((agent, frozenset([rel]) if isinstance(rel, str) else frozenset(rel), target) for agent, rel, target in triples)


VERB_FRAMES = {
    "active": ("The {A} {past} {T} in 2019.", lambda r, n: expect((n.A, r, n.T))),
    "active, a place after": ("The {A} {past} {T} in {P} last year.", lambda r, n: expect((n.A, r, n.T))),
    "a person at a body": ("{N}, director of the {A}, {past} {T} in 2019.", lambda r, n: expect((n.N, r, n.T))),
    "active present": ("The {A} {s} {T}.", lambda r, n: expect((n.A, r, n.T))),
    "perfect": ("The {A} has {pp} {T} since 2019.", lambda r, n: expect((n.A, r, n.T))),
    "passive with agent": ("{T} was {pp} by the {A} in 2019.", lambda r, n: expect((n.A, r, n.T))),
    "reduced relative": ("Officials praised {T}, {pp} by the {A} in 2019.", lambda r, n: expect((n.A, r, n.T))),
    "relative on programme": ("{T}, which the {A} {past} in 2019, seized 40 rifles.", lambda r, n: expect((n.A, r, n.T))),
    "passive relative": ("{T}, which was {pp} by the {A}, seized 40 rifles.", lambda r, n: expect((n.A, r, n.T))),
    "relative on agent": ("The {A}, which {past} {T}, seized 40 rifles.", lambda r, n: expect((n.A, r, n.T))),
    "helping verb": ("The {A} helped {base} {T}.", lambda r, n: expect((n.A, r, n.T))),
    "coordinated agents": ("The {A} and the {B} {past} {T}.", lambda r, n: expect((n.A, r, n.T), (n.B, r, n.T))),
    "coordinated targets": ("The {A} {past} {T} and {T2}.", lambda r, n: expect((n.A, r, n.T), (n.A, r, n.T2))),
    "joint passive": ("{T} was jointly {pp} by the {A} and the {B}.",
                      lambda r, n: expect((n.A, r, n.T), (n.B, (r, "partners"), n.T))),
    "activity": ("The {A} {past} {X} at the border.", lambda r, n: expect((n.A, r, n.X))),
    "compound modifier": ("The {A}-{pp} {T} seized 40 rifles.", lambda r, n: expect((n.A, r, n.T))),
    "working with": ("The {A} agents, working with the {B}, {past} {T}.",
                     lambda r, n: expect((n.A, r, n.T), (n.B, "partners", n.T))),
    "in conjunction with": ("The {A}, in conjunction with the {B}, {past} {T}.",
                            lambda r, n: expect((n.A, r, n.T), (n.B, "partners", n.T))),
    "with support from": ("The {A} {past} {T} with support from the {B}.",
                          lambda r, n: expect((n.A, r, n.T), (n.B, "partners", n.T))),
    # the country's name says where the programme is, not that its government runs it
    "a country's programme": ("The {A} {past} {M}'s {T}.", lambda r, n: expect((n.A, r, n.T))),
    "alongside": ("Alongside the {B}, the {A} {past} {T}.", lambda r, n: expect((n.A, r, n.T), (n.B, "partners", n.T))),
}

NOUN_FRAMES = {
    "apposition with by": ("{T}, an {noun} by the {A}, seized 40 rifles.", lambda n: expect((n.A, "runs", n.T))),
    "apposition with of": ("{T}, an {noun} of the {A}, seized 40 rifles.", lambda n: expect((n.A, "runs", n.T))),
    "apposition with compound": ("{T}, a {A} {noun}, seized 40 rifles.", lambda n: expect((n.A, "runs", n.T))),
    "apposition with possessor": ("{T}, the {A}'s {noun} against smugglers, seized 40 rifles.", lambda n: expect((n.A, "runs", n.T))),
    "copula with compound": ("{T} is a {A} {noun}.", lambda n: expect((n.A, "runs", n.T))),
    "copula with of": ("{T} is an {noun} of the {A}.", lambda n: expect((n.A, "runs", n.T))),
    # leading a joint effort is also running it: either relation is right
    "apposition with a participle": ("{T}, a joint {noun} led by the {A}, seized 40 rifles.",
                                     lambda n: expect((n.A, ("led", "runs"), n.T))),
    "began as": ("{T} began in 2019 as the {A}'s {noun}.", lambda n: expect((n.A, "runs", n.T))),
    "joint apposition": ("{T}, a joint {noun} between the {A} and the {B}, seized 40 rifles.",
                         lambda n: expect((n.A, "runs", n.T), (n.B, ("runs", "partners"), n.T))),
}

FIXED_FRAMES = {
    "possessive": ("The {A}'s {T} seized 40 rifles.", lambda n: expect((n.A, "runs", n.T))),
    "possessive activity": ("The {A}'s {X} found 40 rifles.", lambda n: expect((n.A, "runs", n.X))),
    "under": ("Under {T}, the {A} seized 40 rifles.", lambda n: expect((n.A, "runs", n.T))),
    "through": ("Through {T}, the {A} traced 40 rifles.", lambda n: expect((n.A, "runs", n.T))),
    "as part of": ("As part of {T}, the {A} seized 40 rifles.", lambda n: expect((n.A, "runs", n.T))),
    "framing after the verb": ("The {A} seized 40 rifles under {T}.", lambda n: expect((n.A, "runs", n.T))),
    "a programme working with": ("{T}, which works with the {B} to trace rifles, began in 2019.",
                                 lambda n: expect((n.B, "partners", n.T))),
    "framing a passive": ("Forty rifles were seized by the {A} under {T}.", lambda n: expect((n.A, "runs", n.T))),
    "as part of, passive": ("The case was investigated by the {A} as part of {T}.", lambda n: expect((n.A, "runs", n.T))),
    "alongside, coordinated": ("Alongside the {B}, the {A} and the {C} identify smugglers through {T}.",
                               lambda n: expect((n.A, "runs", n.T), (n.C, "runs", n.T), (n.B, "partners", n.T))),
}

# a criminal group's operations, operations in general, someone else's units, a country as a place
NEGATIVE_FRAMES = {
    "operations in general": "The {A} {past} operations in {P}.",
    "a criminal group's operations": "The {A} {past} cartel drug operations in {P}.",
    "the group's own programme": "The {G} {past} {T} in {P}.",
    "a group's possessive": "The {G}'s smuggling operations moved 40 rifles.",
    "staffing": "{T}, staffed by {K}, seized 40 rifles.",
    "staffed units": "The units of {T} are staffed by {K}.",
    "a country as such": "{K} {past} {T} in 2019.",
    "a country as a place": "Rifles bought in {P} moved to {K} under {T}.",
    "a country's activity": "{M}'s {X} found 40 rifles.",
    # the verb's object is something else that the programme only locates or concerns
    "a person placed at no body": "{N} {past} {T} in 2019.",
    "a report on the programme": "The {A} {past} a report on {T}.",
    "figures of the programme": "The {A} {past} 40 arrests in {T}.",
}


@dataclass(frozen=True)
class Names:
    A: str
    B: str
    C: str
    T: str
    T2: str
    X: str
    P: str
    K: str
    G: str
    M: str
    N: str

    @classmethod
    def rotated(cls, n: int) -> "Names":
        """The n-th cell's names: each list turns at its own pace, so no name stays with one frame."""
        pick = lambda names, k=0: names[(n + k) % len(names)]  # noqa: E731
        return cls(pick(AGENCIES), pick(AGENCIES, 1), pick(AGENCIES, 2), pick(PROGRAMMES), pick(PROGRAMMES, 1),
                   pick(ACTIVITIES), pick(PLACES), pick(COUNTRIES), pick(GROUPS), pick(GOVERNED),
                   pick(PEOPLE))


# The whole grid parses 1,300 sentences (a minute on shared cores); by default a third of the verb
# cells, chosen so that every verb meets a quarter of the frames and every frame a quarter of the verbs
FULL_GRID = os.environ.get("CLAIMGRAPH_FULL_GRID") == "1"
SAMPLE_EVERY = 1 if FULL_GRID else 4


def grid(sample_every: int = SAMPLE_EVERY) -> list[Cell]:
    """Every frame x every relation word of the lexicon, the names turning from cell to cell; with
    sample_every=n, the verb cells whose frame and verb positions sum to a multiple of n."""
    lexicon = load("relations")
    cells: list[Cell] = []

    def add(frame: str, word: str, template: str, expected: frozenset, fill: dict) -> None:
        text = template.format(**fill)
        text = text[0].upper() + text[1:]
        if text not in {c.text for c in cells}:  # a frame without the word repeats itself
            uses_word = any(f"{{{slot}}}" in template for slot in ("base", "s", "past", "pp", "ing", "noun"))
            cells.append(Cell(frame, word if uses_word else "", text, expected))

    verbs = sorted(set(lexicon["run_verbs"]) - INTRANSITIVE)
    for f, (frame, (template, expected)) in enumerate(VERB_FRAMES.items()):
        for verb in (v for n, v in enumerate(verbs) if (f + n) % sample_every == 0):
            if frame == "compound modifier" and verb in PARTICLE:
                continue  # a hyphenated modifier takes no particle: there is no "FBI-carried out" 
            names = Names.rotated(len(cells))
            add(frame, verb, template, expected(lexicon["run_verbs"][verb], names), {**vars(names), **inflect(verb)})
    for frame, (template, expected) in NOUN_FRAMES.items():
        for noun in sorted(lexicon["program_nouns"]):
            names = Names.rotated(len(cells))
            add(frame, noun, template, expected(names), {**vars(names), "noun": noun})
    for frame, (template, expected) in FIXED_FRAMES.items():
        for _ in range(len(AGENCIES)):
            names = Names.rotated(len(cells))
            add(frame, "", template, expected(names), vars(names))
    for verb in sorted(set(lexicon["participation_verbs"]) | INTRANSITIVE):
        names = Names.rotated(len(cells))
        add("taking part", verb, "The {A} {past} in {T}.", expect((names.A, "partners", names.T)),
            {**vars(names), **inflect(verb)})
    for f, (frame, template) in enumerate(NEGATIVE_FRAMES.items()):
        for verb in (v for n, v in enumerate(verbs) if (f + n) % sample_every == 0):
            names = Names.rotated(len(cells))
            add(frame, verb, template, frozenset(), {**vars(names), **inflect(verb)})
    return cells


def found_relations(records) -> set[tuple[str, str, str]]:
    return {(r.agent.label, r.relation, r.target.label) for r in records.relations if r.relation in PROGRAMME_RELATIONS}


@pytest.fixture(scope="module")
def grid_results(nlp):
    from extract.pipeline import records_from_doc
    from extract.reader import article_from_text

    cells = grid()
    articles = [article_from_text(f"grid-{n}.txt", TITLE + cell.text + "\n") for n, cell in enumerate(cells)]
    docs = nlp.pipe(article.content for article in articles)
    return [(cell, found_relations(records_from_doc(article, doc))) for cell, article, doc in zip(cells, articles, docs)]


def score(cell: Cell, found: set) -> tuple[int, int, list]:
    """(expected triples found, expected triples, relations found that the cell does not expect)."""
    hits = sum(1 for agent, rels, target in cell.expected if any((agent, r, target) in found for r in rels))
    allowed = {(agent, r, target) for agent, rels, target in cell.expected for r in rels}
    return hits, len(cell.expected), sorted(found - allowed)


def test_the_grid_is_generated_from_the_lexicon():
    cells = grid(sample_every=1)
    lexicon = load("relations")
    assert {c.word for c in cells if c.frame == "active"} == set(lexicon["run_verbs"]) - INTRANSITIVE
    assert len(cells) > 1200 and len({c.text for c in cells}) == len(cells)
    sample = grid(sample_every=4)
    every_verb = set(lexicon["run_verbs"]) - INTRANSITIVE
    assert {c.word for c in sample if c.frame in VERB_FRAMES} == every_verb  # each verb in some frames
    assert {c.frame for c in sample} == {c.frame for c in cells}


def test_grid_coverage_and_precision(grid_results):
    by_frame: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    wrong = []
    for cell, found in grid_results:
        hits, expected, extra = score(cell, found)
        counts = by_frame[cell.frame]
        counts[0] += hits
        counts[1] += expected
        counts[2] += len(extra)
        wrong += [(cell.text, relation) for relation in extra]
    print("\nframe                          found/expected  coverage  wrong")
    for frame, (hits, expected, extra) in by_frame.items():
        coverage = f"{hits / expected:8.2f}" if expected else "       -"
        print(f"{frame:32s} {hits:5d}/{expected:<5d} {coverage}  {extra:5d}")
    hits = sum(c[0] for c in by_frame.values())
    expected = sum(c[1] for c in by_frame.values())
    found = hits + len(wrong)
    print(f"{'all':32s} {hits:5d}/{expected:<5d} {hits / expected:8.2f}  {len(wrong):5d}  precision {hits / found:.3f}")
    assert expected > (1200 if FULL_GRID else 400)
    assert hits / expected >= 0.93, "grid coverage fell"
    assert hits / found >= 0.99, wrong[:20]
    weak = {frame: round(c[0] / c[1], 2) for frame, c in by_frame.items() if c[1] and c[0] / c[1] < 0.5}
    assert not weak, weak


def test_negative_frames_give_no_relation(grid_results):
    negatives = [(cell, found) for cell, found in grid_results if not cell.expected]
    assert len(negatives) > (250 if FULL_GRID else 60)
    wrong = [(cell.frame, cell.text, sorted(found)) for cell, found in negatives if found]
    assert not wrong, wrong[:20]
