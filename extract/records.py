"""Typed records handed from one stage to the next. Offsets index Article.text."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TextSpan:
    start: int
    end: int
    text: str


@dataclass
class Article:
    file_name: str
    text: str  # decoded, BOM removed, newlines normalised; every offset indexes this
    sha256: str
    content: str  # text with page furniture blanked out, same length as text
    title: str | None = None
    outlet: str | None = None
    author: str | None = None  # the first of authors
    aggregator: str | None = None
    date: str | None = None  # ISO 8601 (YYYY-MM-DD) where it could be read as a date
    dateline: bool = False  # the body opens with a dateline: a wire story or a press release
    furniture: list[TextSpan] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    also_named: list[str] = field(default_factory=list)  # other file names with the same content
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    release: bool = False  # an agency's own release or report, not a news story
    # where each metadata field came from: front matter, record, metadata.csv, page, text
    provenance: dict[str, str] = field(default_factory=dict)
    corrections: list = field(default_factory=list)  # the Corrections of the corrections file that apply to it
    # a paged document's (PDF's) pages: (offset in text where a page's text begins or resumes, page
    # number), in the order of the offsets (a footnote after a paragraph that ran on to the next page
    # resumes the page before); empty for unpaged input
    page_starts: list[tuple[int, int]] = field(default_factory=list)

    def page_at(self, offset: int) -> int | None:
        """The page (1-based, as a #page= fragment counts) that holds the character at offset,
        or None for unpaged input."""
        from bisect import bisect_right

        index = bisect_right(self.page_starts, (offset, float("inf"))) - 1
        return self.page_starts[index][1] if index >= 0 else None


@dataclass
class Entity:
    key: str  # identity across articles
    label: str
    type: str  # Agency, Organization, CriminalOrganization, Person, Operation, Document, Outlet, Country, Group
    aliases: set[str] = field(default_factory=set)
    wikidata: str | None = None
    part_of: str | None = None
    role: str | None = None  # for a person: "director", "former senior special agent" ...
    affiliation: str | None = None  # key of the agency a person belongs to
    author_key: str | None = None  # for a document: key of the agency behind it
    labels: dict[str, str] = field(default_factory=dict)  # its name in other languages: {"es": "Secretaría de Marina"}


@dataclass(frozen=True)
class TimeAnchor:
    """How a period said relative to the text's own time ("last year", "to date", "on Sunday") is
    placed once the date of publication is known. rule: back, ahead, calendar, to_date, since,
    month_day, weekday, month_range, day_range, day_offset, month_part, year_part, first_months;
    same_period: the period of the figure said before (extract/periods.py carried_from_before);
    duration: how long, placed only as "back" where the text says it runs to the present."""
    rule: str
    amount: float = 0  # back/ahead: how many units; calendar: the offset (-1 last, 0 this); day_offset: days
    # (-1 yesterday); weekday: 1 when the day must be before the publication's ("el lunes pasado")
    unit: str | None = None  # year, month, week, day; year_part: how many months a part runs
    month: int | None = None  # month_day, day_range (its first day's), month_part
    day: int | None = None  # month_day, month_part: the day of the month; weekday: Monday 0 .. Sunday 6; year_part: which part
    end_month: int | None = None  # day_range: its last day's month
    end_day: int | None = None  # day_range: its last day; month_part: its last day (None: the month's)


@dataclass
class Period:
    label: str
    start: str | None = None  # ISO date
    end: str | None = None
    periodicity: str | None = None  # "annual"
    relative: TimeAnchor | None = None  # set while the period still waits for the publication date
    # set when the text gives the figure no period and one is carried over from elsewhere in the text:
    # what it was carried from ("the release's first paragraph"); None when the text states it
    inferred_from: str | None = None


@dataclass
class Figure:
    span: TextSpan
    value: float | None
    low: float | None
    high: float | None
    unit: str
    qualifier: str | None = None  # the words that hedge or bound it, as said: "nearly", "less than"
    subject: str = ""
    flow: str = "other"
    period: Period | None = None
    measure: str | None = None  # what is done to what is counted: traced, seized, trafficked ...
    exclusive: bool = False  # its bound (low or high) is excluded: "more than 500", "less than 1%"


@dataclass
class Source:
    entity: Entity
    cue: str | None
    unattributed: bool = False
    document: Entity | None = None
    reporter: Entity | None = None  # who relays another source's figure ("according to Reuters")
    # which step of the speaker chain credited the figure (extract/speaker.py): named, own voice,
    # outlet, byline, issuer, unknown. unattributed keeps its meaning: no source named in the text.
    credited_by: str = "named"


@dataclass
class Claim:
    figure: Figure
    source: Source
    evidence: TextSpan


@dataclass
class Relation:
    agent: Entity
    relation: str  # runs, led, initiated, partners, affiliatedWith, partOf
    target: Entity
    evidence: TextSpan
    rule: str  # the frame that found it (a relation_patterns.jsonl id or a RelationFinder method)


@dataclass(frozen=True)
class Correction:
    """One entry of a corrections file: what a person changed in what the extraction found. It
    names what it corrects by what survives an edit of the text elsewhere: a claim by its article
    and its figure as written, a relation by its names, an entity by its name or key."""
    action: str  # reattribute, reject, retype, merge, split, metadata
    where: str  # "corrections.yaml entry 3": how a report names it
    article: str | None = None  # the file it applies to; None for an entity, in every article
    figure: str | None = None  # a claim: its figure as the text says it ("between $19 and $29 billion")
    relation: tuple[str, str, str] | None = None  # (agent, relation, target), by name
    entity: str | None = None  # an entity's name or key
    value: str | None = None  # the new source's name, the new type, the entity merged into, or the one a split name is
    name: str | None = None  # split: the name, as written, that is not the entity
    articles: tuple[str, ...] = ()  # split: the files it applies to; () for every article
    split_label: str | None = None  # split into a new entity: its label (default: the name)
    split_type: str | None = None  # split into a new entity: its type (default: the entity's)
    fields: tuple[tuple[str, str], ...] = ()  # article metadata to set
    note: str = ""
    by: str = ""
    date: str = ""


@dataclass
class AppliedCorrection:
    """A correction and what it changed, so the graph keeps the extraction beside the correction."""
    correction: Correction
    claim: Claim | None = None  # as corrected (reattributed) or as extracted (rejected)
    original: Source | None = None  # a reattributed claim's source as extracted
    relation: Relation | None = None  # a rejected relation
    entity: Entity | None = None  # an entity as corrected
    previous: str | None = None  # the entity's type as extracted, or the key of the entity merged away or split from
    moved: list[tuple[Claim, Source]] = field(default_factory=list)  # split: the claims that follow, with their extracted source
    stale: bool = False  # it matched nothing in this article: reported, never silently dropped


@dataclass
class Dispute:
    """A source that contests a claim of the same text ("the Government of Mexico disputes this figure")."""
    source: Entity
    claim: Claim
    cue: str
    evidence: TextSpan


@dataclass
class ArticleRecords:
    article: Article
    entities: list[Entity]
    claims: list[Claim]
    relations: list[Relation]
    publisher: Entity  # who published the article: its outlet, or the agency of a release
    authors: list[Entity] = field(default_factory=list)
    disputes: list[Dispute] = field(default_factory=list)
    corrections: list[AppliedCorrection] = field(default_factory=list)
