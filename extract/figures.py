"""The figures component: numbers in the text -> Figure records with unit, subject, flow and period."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from functools import cache, cached_property

from spacy.attrs import LOWER
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .components import doc_text, goes_on_from, setter, span_text
from .discourse import cue_words
from .lexicon import load
from .numbers import NumberMatch, find_numbers, is_percent_word, reject_reason, scale_words
from .periods import month_names, period_near
from .records import Figure, TextSpan

# the month names of the periods lexicon and their abbreviations ("Jan", "Sept")
MONTH_WORDS = frozenset(month_names()) | {name[:3] for name in month_names()} | {"sept"}


PARTICIPLE_TAGS = ("VBN", "VBD")  # verb forms that read as a participle after a noun: "rounds seized"
DANGLING_POS = ("ADP", "CCONJ", "SCONJ", "DET", "PART", "AUX", "PUNCT")


@dataclass(frozen=True)
class Sentence:
    """A sentence with its text and its entities read once: Span.text joins its tokens and
    Span.ents walks all of the doc's entities on every call."""
    span: Span
    text: str
    ents: list[Span]
    before: Span | None = None  # the doc's sentence before it (Token.sent would look for it again)


def sentences_of(doc: Doc) -> list[Sentence]:
    ents = doc.ents
    starts = [e.start for e in ents]  # in order: a sentence's entities are those that begin in it and end in it
    found = []
    before = None
    for span in doc.sents:
        text = span_text(span)
        if text.strip():
            begin_inside = ents[bisect.bisect_left(starts, span.start):bisect.bisect_left(starts, span.end)]
            found.append(Sentence(span, text, [e for e in begin_inside if e.end <= span.end], before))
        before = span
    return found


@dataclass
class FoundFigure:
    figure: Figure
    tokens: Span  # the figure's tokens in the doc
    sentence: Span


@dataclass(frozen=True)
class FigureLexicon:
    """What the figures component reads from its lexicons; the files are named in its config."""
    units: dict  # counted noun -> {unit, flow, context}
    time_nouns: frozenset[str]
    not_counted: frozenset[str]
    small_word_limit: int
    one_as_figure_after: frozenset[str]
    measure_words: dict[str, str]  # word -> the measure it names
    light_verbs: frozenset[str]
    flows: dict[str, frozenset[str]]
    money_as_cash: frozenset[str]
    speech_verbs: frozenset[str]
    language: str = "en"  # the numbers grammar's language
    of_words: frozenset[str] = frozenset({"of", "in"})  # "70 percent of the guns": what a percent is of
    partitive_words: frozenset[str] = frozenset({"of"})  # "3 millones de cartuchos": what a count counts
    roles: dict[str, str] = None  # a word acting on people -> what counting them counts ("detener": arrests)
    price_words: tuple[tuple[str, ...], ...] = ()  # "por cada", "per": an amount said per thing is a price
    model_designation: re.Pattern | None = None  # "AK-47", "AR-15s": a model counted as what it is a model of
    model_row: dict | None = None
    money_as_funding: frozenset[str] = frozenset()  # "inversión", "funding": money spent, not moved

    @cached_property
    def flows_of_word(self) -> dict[str, tuple[str, ...]]:
        """Each flow word's flows, in the lexicon's order: one look-up a token."""
        found: dict[str, list[str]] = {}
        for flow, words in self.flows.items():
            for word in words:
                found.setdefault(word, []).append(flow)
        return {word: tuple(flows) for word, flows in found.items()}

    @classmethod
    @cache
    def from_files(cls, units: str = "units", measures: str = "measures", flows: str = "flows",
                   cues: str = "cues", language: str = "en") -> "FigureLexicon":
        unit_lex, measure_lex, flow_lex = load(units, language), load(measures, language), load(flows, language)
        return cls(unit_lex["units"], frozenset(unit_lex["time_nouns"]), frozenset(unit_lex["not_counted"]),
                   unit_lex["small_word_limit"], frozenset(unit_lex["one_as_figure_after"]),
                   {word: measure for measure, words in measure_lex["measures"].items() for word in words},
                   frozenset(measure_lex["light_verbs"]),
                   {flow: frozenset(words) for flow, words in flow_lex["flows"].items()},
                   frozenset(flow_lex["money_as_cash"]), frozenset(cue_words(cues, language)["speech"]),
                   language, frozenset(unit_lex.get("of_words", ["of", "in"])),
                   frozenset(unit_lex.get("partitive_words", ["of"])),
                   {word: role for role, words in unit_lex.get("people_roles", {}).items() for word in words},
                   tuple(tuple(w.lower().split()) for w in sorted(flow_lex.get("price_words", []), key=len, reverse=True)),
                   *_models(unit_lex.get("models")), frozenset(flow_lex.get("money_as_funding", [])))


def _models(models: dict | None) -> tuple[re.Pattern | None, dict | None]:
    """units.yaml models: the model families whose designations ('AK-47') count as the row's unit."""
    if not models:
        return None, None
    families = "|".join(re.escape(f) for f in sorted(models["families"], key=len, reverse=True))
    return re.compile(rf"(?:{families})-?\d{{1,3}}[A-Za-z]{{0,2}}?s?"), {k: v for k, v in models.items() if k != "families"}


def measure_of(span: Span, noun: Token | None, sentence: Span, lexicon: FigureLexicon) -> str | None:
    """The verb that governs the figure says what is measured ('68 percent ... are manufactured',
    'agents seized $58 million'); failing that, a participle on the counted noun ('firearms seized')."""
    words = lexicon.measure_words
    if noun is not None and (noun.lemma_.lower() in words or noun.lower_ in words) \
            and noun.head.lemma_.lower() in lexicon.light_verbs:  # "124 arrests were made": arrests, not made
        return words.get(noun.lemma_.lower()) or words[noun.lower_]
    token = span.root
    for _ in range(8):
        if token.pos_ in ("VERB", "NOUN") and token.i not in range(span.start, span.end) and (noun is None or token.i != noun.i):
            if token.lemma_.lower() in words or token.lower_ in words:
                return words.get(token.lemma_.lower()) or words[token.lower_]
            if token.pos_ == "VERB":
                break
        if token.pos_ == "AUX" and token.i not in range(span.start, span.end):
            # a copula says it with its complement: "were U.S.-sourced", "are American-made", "were of U.S. origin"
            said = _complement_measure(token, words)
            if said:
                return said
        if token.head.i == token.i:
            break
        token = token.head
    if token.lemma_.lower() in lexicon.speech_verbs and token.i < span.start:
        # the walk reached the reporting verb before the figure: its own clause's verb was cut off
        # by the parse ("informó que el 78 por ciento de las armas aseguradas provino de EU")
        later = [t for t in sentence if t.i >= span.end and (t.lemma_.lower() in words or t.lower_ in words)
                 and not (noun is not None and t.head.i == noun.i and t.dep_ in ("amod", "acl"))]
        if later:  # the first measure word after the figure that is not a participle on its noun
            return words.get(later[0].lemma_.lower()) or words[later[0].lower_]
    if noun is not None:
        for child in noun.children:
            if child.dep_ in ("acl", "relcl", "amod") and (child.lemma_.lower() in words or child.lower_ in words):
                return words.get(child.lemma_.lower()) or words[child.lower_]
    # the nearest measure word in the sentence ("proceeds ... are smuggled ... total $18 billion")
    nearest = sorted((abs(t.i - span.start), t) for t in sentence if t.i not in range(span.start, span.end)
                     and (t.lemma_.lower() in words or t.lower_ in words) and t.lemma_.lower() not in lexicon.speech_verbs)
    if nearest:
        token = nearest[0][1]
        return words.get(token.lemma_.lower()) or words[token.lower_]
    return None


def _complement_measure(copula: Token, words: dict[str, str]) -> str | None:
    """The measure a copula's complement names, in a word or a hyphenated compound's last part."""
    for child in copula.children:
        if child.dep_ not in ("acomp", "attr", "oprd", "prep"):
            continue
        for token in child.subtree:
            for form in (token.lemma_.lower(), token.lower_, token.lower_.rsplit("-", 1)[-1]):
                if form in words:
                    return words[form]
    return None


def _unit_row(noun: Token, lexicon: "FigureLexicon") -> dict | None:
    """The unit table's row for a counted noun: the noun with its modifier first ('cuentas bancarias',
    'carpetas de investigación', 'straw purchasers'), then its lemma, then its form."""
    units = lexicon.units
    doc = noun.doc
    for child in sorted(noun.children, key=lambda t: abs(t.i - noun.i)):
        if child.dep_ in ("amod", "nmod", "compound") and 0 < abs(child.i - noun.i) <= 2:
            words = doc[min(child.i, noun.i):max(child.i, noun.i) + 1]
            row = units.get(" ".join(t.lower_ for t in words)) or units.get(" ".join(t.lemma_.lower() for t in words))
            if row:
                return row
    if lexicon.model_designation is not None and lexicon.model_designation.fullmatch(noun.text):
        return lexicon.model_row  # "cinco AK-47", "three AR-15s": firearms by their model
    return units.get(noun.lemma_.lower()) or units.get(noun.lower_)


def _role_of(noun: Token, lexicon: "FigureLexicon") -> str | None:
    """What a count of people counts, by the word that acts on them: 'la detención de 40 personas',
    '40 personas fueron detenidas', 'ha acusado a 40 personas', '40 people were charged' (units.yaml roles)."""
    near = [noun.head] + [c for c in noun.children if c.dep_ in ("amod", "acl", "relcl")]
    if noun.head.dep_ in ("acl", "amod", "relcl") or noun.head.pos_ in ("AUX", "ADP"):  # "the arrest of 76 people"
        near.append(noun.head.head)
    for token in near:
        for word in (token.lemma_.lower(), token.lower_):
            if word in lexicon.roles:
                return lexicon.roles[word]
    return None


def _partitive_pronoun(span: Span, lexicon: "FigureLexicon") -> bool:
    """'cuatro de ellas', 'al menos 11 de esos', 'four of them': the figure counts part of what a
    pronoun stands for."""
    doc = span.doc
    after = doc[span.end:span.end + 2]
    return len(after) == 2 and after[0].lower_ in lexicon.partitive_words and after[1].pos_ == "PRON"


def _antecedent(span: Span, sentence: Span, lexicon: "FigureLexicon") -> Token | str | None:
    """The counted noun a partitive pronoun stands for: the noun of the unit table before the figure,
    in its sentence or the one before, plural and of the pronoun's gender; None when there is none,
    "ambiguous" when nouns of two units could be meant ("167 crossings ... 2,000 miles ... 108 of them")."""
    doc = span.doc
    pronoun = doc[span.end + 1]
    gender = pronoun.morph.get("Gender")
    start = doc[sentence.start - 1].sent.start if sentence.start > 0 else sentence.start
    verb = span.root
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    # the subject of the figure's own verb is never what its pronoun stands for ("agents visited 104 of them")
    own_subject = {t.i for c in verb.children if c.dep_.startswith("nsubj") for t in c.subtree}
    found: dict[str, Token] = {}
    counted: dict[str, Token] = {}  # nouns a figure counts ("340 rifles") before nouns none does ("agents")
    for token in reversed(doc[start:span.start]):
        if token.i in own_subject or token.pos_ != "NOUN" or "Sing" in token.morph.get("Number") \
                or token.lemma_.lower() in lexicon.time_nouns or gender and token.morph.get("Gender") not in ([], gender):
            continue
        row = _unit_row(token, lexicon)
        if row:
            found.setdefault(row["unit"], token)
            if any(c.like_num for c in token.children):
                counted.setdefault(row["unit"], token)
    candidates = counted or found
    if len(candidates) > 1:
        return "ambiguous"
    return next(iter(candidates.values()), None)


def _priced(doc: Doc, span: Span, lexicon: "FigureLexicon") -> Token | None:
    """An amount of money said per thing ('3 mil dólares por cada fusil', '$900 per rifle') is a price:
    the token it is the price of, or None for an amount that is no price."""
    for words in lexicon.price_words:
        after = doc[span.end:span.end + len(words) + 1]
        if len(after) == len(words) + 1 and tuple(t.lower_ for t in after[:-1]) == words:
            thing = after[-1]
            if thing.lemma_.lower() in lexicon.time_nouns or thing.lower_ in lexicon.time_nouns:
                return None  # "$5 million per year" is a rate
            return thing
    return None


def _counted_noun(span: Span, partitive_words: frozenset[str] = frozenset({"of"}), scales: frozenset[str] = frozenset()) -> Token | None:
    """The noun a figure counts: its syntactic head, the noun right after it, or 'of'/'de' + noun;
    after a scale word, the noun its 'de' brings ('3 millones de cartuchos'), whatever the parse hangs
    the scale on."""
    doc = span.doc
    last = span[-1]
    after = doc[span.end] if span.end < len(doc) else None
    if last.lower_ in scales and after is not None and after.lower_ in partitive_words:
        following = [t for t in doc[span.end + 1:span.end + 3] if t.pos_ != "DET"]
        if following and following[0].pos_ == "NOUN":  # "3 millones de (los) cartuchos calibre .223"
            return following[0]
    for token in (last, span.root):
        head = token.head
        if head.i not in range(span.start, span.end) and head.pos_ in ("NOUN", "PROPN") and token.dep_ in (
                "nummod", "quantmod", "amod", "compound", "nmod", "det", "appos"):
            return head
    after = doc[span.end] if span.end < len(doc) else None
    if after is not None and after.pos_ in ("NOUN", "PROPN") and after.lower_ not in ("percent",):
        # walk over compounds to the noun they build ("land crossings")
        noun = after
        while noun.dep_ in ("compound", "amod") and noun.head.i > noun.i and noun.head.i - span.end < 4 and noun.head.pos_ == "NOUN":
            noun = noun.head
        return noun
    if after is not None and after.pos_ == "ADJ" and span.end + 1 < len(doc) and doc[span.end + 1].pos_ == "NOUN":
        return doc[span.end + 1]
    if after is not None and after.lower_ in partitive_words:
        for child in after.children:
            if child.dep_ == "pobj" and child.pos_ in ("NOUN", "PROPN"):
                return child
        if after.dep_ == "case" and after.head.i > after.i and after.head.pos_ == "NOUN":
            return after.head  # Universal Dependencies: "3 millones de cartuchos", "de" hangs on its noun
    return None


def _phrase(token: Token, skip: set[int], limit: int = 9) -> str:
    """A short noun phrase for a token: its left modifiers, itself, and a participle or 'of' phrase."""
    words = [t for t in token.subtree if t.i not in skip and not t.is_space]
    words = [t for t in words if abs(t.i - token.i) <= limit]
    # cut the phrase at a clause boundary
    kept: list[Token] = []
    for t in words:
        if t.i > token.i and (t.dep_ in ("relcl", "punct", "cc", "conj") or t.pos_ == "VERB" and t.dep_ not in ("acl",)):
            break
        if t.i < token.i and (t.dep_ in ("det", "predet", "punct") or t.head.i in skip
                              or t.dep_ == "case" and not kept):  # "de las armas": the marker before the noun
            continue  # nor what modifies the figure itself ("just" of "just one retailer")
        kept.append(t)
    # a phrase never ends on a word that wants what was cut off: a preposition, a conjunction, a
    # verb without its object ("weapons involving"), or a word whose head was cut ("the United")
    kept_at = {t.i for t in kept}
    while kept and kept[-1].i > token.i and (
            kept[-1].pos_ in DANGLING_POS or kept[-1].head.i not in kept_at and kept[-1].head.i > kept[-1].i
            or kept[-1].pos_ == "VERB" and kept[-1].tag_ not in PARTICIPLE_TAGS and not any(c.i in kept_at for c in kept[-1].children)):
        kept_at.discard(kept.pop().i)
    while kept and kept[0].i < token.i and kept[0].pos_ in DANGLING_POS:  # nor begins on one ("y cortas")
        kept.pop(0)
    return " ".join(t.text for t in kept).strip()


def _paragraph(sentence: Span) -> Span:
    doc = sentence.doc
    start = doc_text(doc).rfind("\n", 0, sentence.start_char) + 1
    end = doc_text(doc).find("\n", sentence.end_char)
    return doc.char_span(start, len(doc_text(doc)) if end < 0 else end, alignment_mode="expand") or sentence


def _flow_of(unit_flow: str | None, unit: str, subject: str, sentence: Span, figure_start: int,
             lexicon: FigureLexicon, paragraph_context: bool = False, price: bool = False) -> str:
    """The flow a figure measures; a price's or a funding's is the thing's or the article's, never
    cash; an enforcement count's, when its sentence names none, its paragraph's; a share's, an
    amount's or an enforcement count's, failing all, the nearest flow word of its article."""
    flows, money_as_cash = lexicon.flows, lexicon.money_as_cash
    if unit_flow:
        return unit_flow
    sentence_words = [t.lower_ for t in sentence]
    money = unit in ("USD", "MXN", "EUR", "GBP")
    # "una inversión de 1 mil 200 millones de pesos", "$4 million in funding": money spent on the work
    funding = money and not price and _nearer(sentence, figure_start, lexicon.money_as_funding, money_as_cash)
    if price or funding:
        flows = {flow: words for flow, words in flows.items() if flow != "cash"}
    subject_words = set(re.findall(r"[\w-]+", subject.lower()))
    if money and (subject_words | set(sentence_words)) & money_as_cash and not price:
        if not subject_words & (flows["firearms"] | flows["narcotics"]):
            return "cash"
    for flow, words in flows.items():
        if subject_words & words:
            return flow
    # the nearest flow word in the sentence, then in its paragraph, on either side of the figure
    # then in the article, the flow it is about, for a share, an amount or an enforcement count; a
    # count of miles, crossings or murders, or of nothing named, says no flow of its own: "other"
    article = (sentence.doc[:],) if money or unit == "percent" or paragraph_context or price or funding else ()
    flow_words = _flow_words(sentence.doc, lexicon)
    for context in ((sentence, _paragraph(sentence)) if paragraph_context or price or funding else (sentence,)) + article:
        best, best_distance = None, None
        for i, flow in flow_words[bisect.bisect_left(flow_words, (context.start,)):bisect.bisect_left(flow_words, (context.end,))]:
            if flow in flows and (flow != "cash" or unit in ("USD", "MXN", "EUR", "GBP", "percent")):
                distance = abs(i - figure_start)
                if best_distance is None or distance < best_distance:
                    best, best_distance = flow, distance
        if best is not None:
            return best
    return "other"


FLOW_WORDS_KEY = "claimgraph_flow_words"


def _flow_words(doc: Doc, lexicon: FigureLexicon) -> list[tuple[int, str]]:
    """(token index, flow) for every flow word of the doc, in the doc's and the lexicon's order:
    read once per doc, not once per figure that looks for the nearest."""
    kept = doc.user_data.get(FLOW_WORDS_KEY)
    if kept is None or kept[0] is not lexicon:
        flows_of, strings = lexicon.flows_of_word, doc.vocab.strings
        lowers = doc.to_array(LOWER).tolist()
        found = [(i, flow) for i, lower in enumerate(lowers) for flow in flows_of.get(strings[lower], ())]
        kept = doc.user_data[FLOW_WORDS_KEY] = (lexicon, found)
    return kept[1]


def _nearer(sentence: Span, figure_start: int, words: frozenset[str], other_words: frozenset[str]) -> bool:
    """Whether a word of words is in the sentence, nearer the figure than any of other_words."""
    def distance(of: frozenset[str]) -> float:
        return min((abs(t.i - figure_start) for t in sentence if t.lower_ in of), default=float("inf"))
    near = distance(words)
    return near != float("inf") and near < distance(other_words)


def figure_from_match(doc: Doc, read: Sentence, match: NumberMatch, previous_unit: str | None,
                      lexicon: FigureLexicon) -> FoundFigure | str:
    """A Figure for one number, or the reason it is not a figure claim."""
    units, time_nouns, not_counted = lexicon.units, lexicon.time_nouns, lexicon.not_counted
    sentence = read.span
    start, end = sentence.start_char + match.start, sentence.start_char + match.end
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return "no tokens"
    reason = reject_reason(read.text, match, lexicon.language)
    if reason:
        return reason
    for ent in read.ents:
        if ent.start < span.end and span.start < ent.end and ent.label_ in ("DATE", "TIME"):
            if any(t.lower_ in MONTH_WORDS for t in ent) and not match.currency and not match.percent:
                return "date"
        if ent.start < span.end and span.start < ent.end and ent.label_ == "ORDINAL":
            return "ordinal"
    noun = _counted_noun(span, lexicon.partitive_words, scale_words(lexicon.language))
    skip = set(range(span.start, span.end))
    paragraph_context = False
    partitive = not (match.percent or match.currency or match.multiplier) and _partitive_pronoun(span, lexicon)
    if partitive:  # "cuatro de ellas", "four of them": what the pronoun stands for, or no figure
        noun = _antecedent(span, sentence, lexicon)
        if noun is None:
            return "partitive pronoun without a counted noun before it"
        if noun == "ambiguous":  # a count of something said before, unit unknown
            noun, partitive = None, False
        else:
            skip |= {c.i for c in noun.children if c.like_num}  # its subject is the noun, not the other figure
    if match.percent:
        unit, unit_flow = "percent", None
    elif match.currency:
        unit, unit_flow = match.currency, None
    elif match.multiplier:
        unit, unit_flow = "times", None
    elif noun is not None:
        lemma = noun.lemma_.lower()
        if (lemma in time_nouns or noun.lower_ in time_nouns) and not match.change:
            return "duration"  # a change of a time ("pasó de 60 a 15 días") is a figure in days
        if lemma in not_counted or noun.lower_ in not_counted:
            return "vague quantity"
        if noun.pos_ == "PRON" or noun.lower_ in ("them", "those", "these"):
            noun = None
        row = _unit_row(noun, lexicon) if noun is not None else None
        unit = row["unit"] if row else (noun.lower_ if noun is not None else (previous_unit or "count"))
        role = _role_of(span.root, lexicon) if partitive or noun is None else _role_of(noun, lexicon) if row and row.get("role") else None
        unit = role or unit
        unit_flow = row.get("flow") if row else None
        paragraph_context = bool(row and row.get("context")) or role is not None
    else:
        role = _role_of(span.root, lexicon)  # "48 fueron vinculadas a proceso": the verb says what is counted
        unit, unit_flow = role or previous_unit or "count", None
        paragraph_context = role is not None
    text = span.text
    small_limit, one_after = lexicon.small_word_limit, lexicon.one_as_figure_after
    if not re.search(r"\d", text) and not (match.percent or match.currency or match.multiplier):
        known = noun is not None and _unit_row(noun, lexicon) is not None
        number = match.value if match.value is not None else (match.low or match.high or 0)
        if number <= small_limit and not known:
            return "small number word without a counted noun"
        if match.value == 1 and (span.start == 0 or doc[span.start - 1].lower_ not in one_after):
            return "'one' as a determiner"
    if any(t.lower_ in not_counted and t.lower_ not in scale_words(lexicon.language) for t in span):
        return "vague quantity"  # "2 millones": the scale is part of the amount
    subject_token = noun
    if (match.percent or match.currency) and span.end < len(doc):
        after = doc[span.end]
        if after.lower_ in lexicon.of_words and span.end + 1 < len(doc):
            pobj = [c for c in after.children if c.dep_ == "pobj"]
            if not pobj and after.dep_ == "case" and after.head.i > after.i:  # Universal Dependencies: "de" hangs on its noun
                pobj = [after.head]
            subject_token = pobj[0] if pobj else None
        elif noun is None and span.root.head.pos_ in ("NOUN",) and span.root.head.i not in skip \
                and span.root.dep_ != "conj":  # "18 mil armas y 4’318,527 dólares": the dollars are no guns
            subject_token = span.root.head
    if subject_token is not None and is_percent_word(subject_token.lower_, lexicon.language):
        subject_token = None  # "70 percent, or $10 billion": the other figure's unit is not what this one counts
    subject = _phrase(subject_token, skip) if subject_token is not None else ""
    verb = (noun or span.root).head
    # the verb that acts on what is counted, put after it as a participle ("rounds seized"); a verb
    # in another form would read as a leftover of the sentence ("guns seize", "personnel Relocating")
    if subject and verb.tag_ in PARTICIPLE_TAGS and verb.lemma_ not in ("be", "have") and verb.lemma_ not in lexicon.speech_verbs \
            and (noun or span.root).dep_ in ("dobj", "nsubjpass", "pobj", "conj", "attr"):
        subject = f"{subject} {verb.text.lower() if verb.is_title and verb.i > 0 else verb.text}"
    priced = _priced(doc, span, lexicon) if match.currency else None
    if priced is not None:
        priced_row = _unit_row(priced, lexicon)
        unit_flow = priced_row.get("flow") if priced_row else None
    flow = _flow_of(unit_flow, unit, subject, sentence, span.start, lexicon, paragraph_context, price=priced is not None)
    period = _period_of(read, match, lexicon.language)
    figure = Figure(
        span=TextSpan(start, end, doc_text(doc)[start:end]), value=match.value, low=match.low, high=match.high,
        unit=unit, qualifier=match.qualifier, exclusive=match.exclusive, subject=subject[:120], flow=flow, period=period,
        measure=measure_of(span, subject_token if subject_token is not None else noun, sentence, lexicon),
    )
    return FoundFigure(figure, span, sentence)


def _period_of(read: Sentence, match: NumberMatch, language: str):
    """The figure's period, read in its sentence and in the one the parser cut it from."""
    span, before = read.span, read.before
    if before is not None:
        if goes_on_from(before, span):
            prefix = doc_text(span.doc)[before.start_char:span.start_char]
            return period_near(prefix + read.text, match.start + len(prefix), match.end + len(prefix), language)
    return period_near(read.text, match.start, match.end, language)


def find_figures(doc: Doc, lexicon: FigureLexicon) -> list[FoundFigure]:
    found: list[FoundFigure] = []
    for sentence in sentences_of(doc):
        previous_unit = None
        matches = find_numbers(sentence.text, lexicon.language)
        for i, match in enumerate(matches):
            result = figure_from_match(doc, sentence, match, previous_unit, lexicon)
            if isinstance(result, FoundFigure):
                if match.change and i + 1 < len(matches) and matches[i + 1].change:
                    result = _measured_as(result, figure_from_match(doc, sentence, matches[i + 1], previous_unit, lexicon))
                found.append(result)
                previous_unit = result.figure.unit
    return found


def _measured_as(start: FoundFigure, end: FoundFigure | str) -> FoundFigure:
    """A change's first end counts what its second end names ('de 60 a 15 días': 60 days), or is no
    figure when the second is none (a change between two dates or ages)."""
    if isinstance(end, str):
        return start
    figure = end.figure
    start.figure = replace(start.figure, unit=figure.unit, flow=figure.flow, subject=figure.subject, measure=figure.measure)
    return start


@Language.factory("claimgraph_figures", assigns=["doc._.cg_figures"], requires=["token.dep", "token.lemma", "doc.sents"],
                  default_config={"units": "units", "measures": "measures", "flows": "flows", "cues": "cues"})
def make_figure_finder(nlp: Language, name: str, units: str, measures: str, flows: str, cues: str):
    """Finds figure claims' figures (doc._.cg_figures), with the lexicons the config names."""
    lexicon = FigureLexicon.from_files(units, measures, flows, cues, nlp.lang)
    return setter("cg_figures", lambda doc: find_figures(doc, lexicon))


if not Doc.has_extension("cg_figures"):  # read by the attribution component
    Doc.set_extension("cg_figures", default=None)
