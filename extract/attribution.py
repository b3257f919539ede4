"""The attribution component: who asserts each figure.

Frames come from the dependency parse: a speech verb and its subject ("X estimated that ..."),
a passive agent ("ranked ... by X"), "according to X", a document as subject ("their lawsuit
alleges"), quotes and their speaker, and continuations ("For instance, ...") of the previous
sentence. Pronouns and descriptions ("he adds", "the DHS watchdog writes", "the report says")
are resolved to sources named earlier. A figure no frame covers stays unattributed; the caller
gives it to the article's outlet. Nothing is credited to an organisation merely for being near."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .components import doc_text, goes_on_from, span_text
from .discourse import Discourse, cue_words
from .records import Entity

@dataclass
class Attribution:
    source: Entity | None
    cue: str | None
    document: Entity | None = None
    reporter: Entity | None = None
    own_voice: bool = False  # "we found", "our analysis shows": the document speaks for itself

    @property
    def speaks(self) -> bool:
        """Someone asserts the figure: a named source, or the document's own voice."""
        return self.source is not None or self.own_voice


@dataclass
class Frame:
    attribution: Attribution
    scope: set[int]
    verb: Token | None
    kind: str  # speech, passive, according, impersonal, own voice, quote, carried

    @property
    def size(self) -> int:
        return len(self.scope)


def _scope(verb: Token, exclude: Token | None) -> set[int]:
    complements = {"ccomp", "xcomp", "dobj", "attr", "oprd", "advcl", "prep", "conj"}
    sentence = verb.sent
    if verb.dep_ == "ROOT" or not any(c.dep_ in complements for c in verb.children):
        scope = set(range(sentence.start, sentence.end))
    else:
        scope = {t.i for t in verb.subtree}
    if exclude is not None:
        scope -= {t.i for t in exclude.subtree}
    return scope


def sentence_frames(sentence: Span, discourse: Discourse) -> list[Frame]:
    cues = discourse.cues
    frames: list[Frame] = []
    for token in sentence:
        lemma = token.lemma_.lower()
        if token.lower_ == "according" and any(c.lower_ == "to" for c in token.children):
            to = next(c for c in token.children if c.lower_ == "to")
            objects = [c for c in to.children if c.dep_ == "pobj"]
            if objects and discourse.own_voice(objects[0]):  # "according to our analysis"
                head = token.head
                frames.append(Frame(Attribution(None, "according to", own_voice=True), _scope(head, token), head, "own voice"))
            elif objects:
                source, document = discourse.entity_for(objects[0])
                if source is not None:
                    head = token.head
                    frames.append(Frame(Attribution(source, "according to", document), _scope(head, token), head, "according"))
            continue
        if token.dep_ == "case" and token.head.i > token.i:  # "según X", "de acuerdo con X" (Universal Dependencies)
            frame = _prepositional_frame(token, cues, discourse)
            if frame is not None:
                frames.append(frame)
            continue
        if lemma not in cues["speech"]:
            continue
        children = list(token.children)
        if token.pos_ == "NOUN":
            clause = any(c.dep_ in ("acl", "ccomp", "relcl") and any(g.dep_ == "mark" for g in c.children) for c in children)
            named = [c for c in children if c.dep_ == "compound" and c.i < token.i and discourse.mention_at(c)]
            if not (clause and named):
                continue
            source, document = discourse.entity_for(named[-1])
            if source is not None:
                frames.append(Frame(Attribution(source, token.text, document), _scope(token, named[-1]), token, "speech"))
            continue
        if token.pos_ not in ("VERB", "AUX"):
            continue
        passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in children)
        # the subject nearest the verb: a dateline parsed as a second subject ("EL PASO, Texas – CBP announced") is not it
        subjects = sorted((c for c in children if c.dep_ == "nsubj"), key=lambda c: abs(token.i - c.i))
        agents = [g for c in children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        if passive:
            if agents and lemma in cues["passive_agent"] | cues["speech"]:
                source, document = discourse.entity_for(agents[0])
                if source is not None:
                    frames.append(Frame(Attribution(source, token.text, document), _scope(token, None), token, "passive"))
                    continue
            if lemma in cues["impersonal"]:
                frames.append(Frame(Attribution(None, token.text), _scope(token, None), token, "impersonal"))
            continue
        if not subjects:
            subjects = _inverted_subject(token, children, discourse)
        if not subjects:
            continue
        if lemma in cues["clause_speech"] and not any(c.dep_ in ("ccomp", "xcomp") for c in children) \
                and not _particle_follows(token, cues["particles"].get(lemma, [])):
            continue  # "officers found 12 rifles" is a discovery; "GAO found that 12 ..." is speech ("dio a conocer" too)
        if subjects[0].lower_ == "it" and any(c.dep_ in ("ccomp",) for c in children) and lemma in cues["impersonal"] and passive:
            continue
        if discourse.own_voice(subjects[0]):  # "we found", "our analysis shows"
            frames.append(Frame(Attribution(None, token.text, own_voice=True), _scope(token, subjects[0]), token, "own voice"))
            continue
        source, document = discourse.entity_for(subjects[0])
        if source is None:
            continue
        for child in children:  # "Mexico claims in their lawsuit": the document it speaks through
            if child.dep_ == "prep" and child.lower_ in cues["through_prepositions"]:
                for obj in child.children:
                    if obj.dep_ == "pobj" and obj.lemma_.lower() in cues["documents"]:
                        _, named = discourse.document_named(obj, 1, owner=source)
                        document = document or named
        frames.append(Frame(Attribution(source, token.text, document), _scope(token, subjects[0]), token, "speech"))
    # nested: "X claims, according to Reuters, that ..." -> X asserts, Reuters reports
    speech = [f for f in frames if f.kind == "speech"]
    for according in [f for f in frames if f.kind == "according"]:
        for frame in speech:
            if according.verb is not None and (according.verb.i == frame.verb.i or according.verb.i in {t.i for t in frame.verb.subtree}):
                frame.attribution.reporter = according.attribution.source
                frames.remove(according)
                break
    return frames


def _prepositional_frame(case: Token, cues: dict, discourse: Discourse) -> Frame | None:
    """'según la Secretaría, ...': a cue phrase whose last word hangs on the source as its case
    marker; the clause it modifies is in its scope."""
    fixed = [case] + [t for t in case.children if t.dep_ == "fixed"]  # "de acuerdo con" as one word
    before = case.doc[max(case.i - 3, case.sent.start):case.i + 1]  # or the phrase's last word as the marker
    phrases = cues["prepositional"]
    phrase = next((p for p in (" ".join(t.lower_ for t in fixed),) if p in phrases), None) or next(
        (p for p in sorted(phrases, key=len, reverse=True) if len(p.split()) > 1
         and " ".join(t.lower_ for t in before).endswith(" " + p)), None) or (case.lower_ if case.lower_ in phrases else None)
    if phrase is None:
        return None
    first = min(fixed[0].i, case.i - len(phrase.split()) + 1) if len(fixed) == 1 else case.i
    source, document = discourse.entity_for(case.head)
    if source is None:
        return None
    head = case.head.head if case.head.dep_ != "ROOT" else case.head
    while head.pos_ not in ("VERB", "AUX") and head.dep_ != "ROOT" and head.head.i != head.i:
        head = head.head  # hung on a noun (the figure's own: '4 millones ..., de acuerdo con X'): its clause
    # the cue phrase and the source's name, up to the comma: the parser may hang the clause's own
    # words on the name ("Según la Fiscalía, 18 mil armas ...": armas as its apposition)
    comma = next((t.i for t in case.head.subtree if t.i > case.head.i and t.is_punct), case.head.right_edge.i + 1)
    scope = _scope(head, None) - set(range(first, comma))
    return Frame(Attribution(source, cues["prepositional"][phrase], document), scope, head, "according")


def _inverted_subject(verb: Token, children: list[Token], discourse: Discourse) -> list[Token]:
    """'..., reveló la Fiscalía en un comunicado': a speech verb after the clause it reports, its
    subject after it. The parser may label that subject an object; with the reported clause before
    the verb and no case marker on the name ('informó a la Fiscalía' is someone told), it speaks."""
    if not any(c.dep_ == "ccomp" and c.i < verb.i for c in children):
        return []
    return [c for c in children if c.dep_ == "obj" and c.i > verb.i and not any(g.dep_ == "case" for g in c.children)
            and (c.pos_ == "PROPN" or discourse.mention_at(c) is not None or c.lemma_.lower() in discourse.cues["descriptions"])][:1]


def _particle_follows(verb: Token, particles: list[str]) -> bool:
    """'dio a conocer': the words after the verb complete it as a speech verb."""
    after = " ".join(t.lower_ for t in verb.doc[verb.i + 1:verb.i + 4])
    return any(after.startswith(p) for p in particles)


def attribute(doc: Doc, cues: dict) -> tuple[dict[int, Attribution], dict[str, Entity]]:
    """Figure index in doc._.cg_figures -> its Attribution (source None when unattributed), and the
    group and document entities made on the way."""
    discourse = Discourse(doc, cues)
    quotes = discourse.quotes
    figures = doc._.cg_figures or []
    by_sentence: dict[int, list[int]] = {}
    for n, found in enumerate(figures):
        by_sentence.setdefault(found.sentence.start, []).append(n)
    result: dict[int, Attribution] = {}
    previous: tuple[Span, list[Frame]] | None = None
    for sentence in doc.sents:
        if not span_text(sentence).strip():
            continue
        discourse.sentence_no += 1
        frames = sentence_frames(sentence, discourse)
        quote_speaker = _quote_speaker(sentence, frames, quotes, discourse)
        if previous is not None and _same_paragraph(previous[0], sentence):
            _credit_the_figure_referred_to(sentence, frames, by_sentence.get(previous[0].start, []), result, discourse)
        for n in by_sentence.get(sentence.start, []):
            found = figures[n]
            position = found.tokens.root.i
            char = found.figure.span.start
            in_quote = any(a <= char < b for a, b in quotes)
            covering = [f for f in frames if position in f.scope and (f.verb is None or f.verb.i not in range(found.tokens.start, found.tokens.end))]
            if in_quote and quote_speaker is not None:
                result[n] = quote_speaker
            elif covering:
                # an impersonal passive inside reported speech ("X estimate that 70% ... are traced")
                # is still X's claim: frames with a source come first, the innermost of them wins
                covering.sort(key=lambda f: (not f.attribution.speaks, f.size, f.kind != "speech"))
                result[n] = covering[0].attribution
            elif previous is not None and _continues(sentence, previous[0], cues["continuations"]):
                carried = [f for f in previous[1] if f.attribution.speaks]
                result[n] = carried[0].attribution if carried else Attribution(None, None)
            else:
                result[n] = Attribution(None, None)
        for frame in frames:
            if frame.attribution.source is not None and frame.verb is not None:
                discourse.heard(frame.verb, frame.attribution.document or frame.attribution.source)
                if frame.attribution.document is not None:
                    discourse.heard(frame.verb, frame.attribution.source)
        if frames or previous is None or not _same_paragraph(previous[0], sentence):
            previous = (sentence, frames)
        else:
            previous = (sentence, previous[1])
    return result, discourse.created


def _credit_the_figure_referred_to(sentence: Span, frames: list[Frame], before: list[int],
                                   result: dict[int, Attribution], discourse: Discourse) -> None:
    """'... más de 3 millones de armas. La cifra la estimó un informe de X' / 'That figure comes from
    a report by X': a sentence opening on the figure just given names its source; the figures of the
    sentence before that no one speaks for are that source's."""
    cues = discourse.cues
    opening = " ".join(t.lower_ for t in sentence[:3] if not t.is_space)
    if not any(opening.startswith(words) for words in cues["figure_references"]):
        return
    speaking = [f.attribution for f in frames if f.attribution.source is not None]
    if not speaking:
        verbs = cues["provenance_verbs"] | cues["passive_agent"] | cues["speech"]
        for token in sentence:  # 'El dato proviene de un informe de X', 'Esa cifra fue calculada por X'
            if token.lemma_.lower() in verbs:
                for obj in token.children:
                    if obj.dep_ in ("obl", "obj", "prep", "agent") and (obj.lower_ in cues["author_prepositions"] or any(
                            c.dep_ == "case" and c.lower_ in cues["author_prepositions"] for c in obj.children)):
                        target = next((c for c in obj.children if c.dep_ == "pobj"), obj)
                        source, document = discourse.entity_for(target)
                        if source is not None:
                            speaking.append(Attribution(source, token.text, document))
    if not speaking:
        return
    for n in before:
        if n in result and not result[n].speaks:
            result[n] = speaking[0]


def _same_paragraph(a: Span, b: Span) -> bool:
    between = doc_text(a.doc)[a.end_char:b.start_char]
    return "\n" not in between


def _continues(sentence: Span, before: Span, openers: list[str]) -> bool:
    """'For instance, ...' goes on with the sentence before; so does a lower-case 'sentence' the
    parser opened on a comma or a lower-case word after no full stop ('Según la Agencia X (AX) | , en
    2024 se ...')."""
    if goes_on_from(before, sentence):
        return True
    text = span_text(sentence).strip().lower()
    return _same_paragraph(before, sentence) and any(
        text.startswith(o + ",") or text.startswith(o + " ") for o in openers)


def _quote_speaker(sentence: Span, frames: list[Frame], quotes, discourse: Discourse) -> Attribution | None:
    """The speaker of quoted text in this sentence: a speech frame whose verb is outside the quote,
    here or in the next sentence of the paragraph; for a standalone quote, the last source heard."""
    start, end = sentence.start_char, sentence.end_char
    touching = [(a, b) for a, b in quotes if a < end and start < b]
    if not touching:
        return None
    outside = [f for f in frames if f.verb is not None and f.attribution.source is not None
               and not any(a <= f.verb.idx < b for a, b in touching)]
    if outside:
        return outside[0].attribution
    a, b = touching[0]
    if b > end:  # the quote goes on past this sentence: its speaker may come after it
        after = discourse.doc.char_span(end, min(b + 200, len(doc_text(discourse.doc))), alignment_mode="contract")
        if after is not None:
            for later in after.sents:
                if later.start_char >= b - 1 or later.end_char > b:
                    for frame in sentence_frames(later, discourse):
                        if frame.verb is not None and frame.verb.idx >= b and frame.attribution.source is not None:
                            return frame.attribution
                    break
    # the last source heard before the quote opened: one heard inside it is quoted by it, not its speaker
    opening = discourse.doc.char_span(a, a + 1, alignment_mode="expand")
    speaker = discourse.last_speaker(before=opening.start if opening is not None else sentence.start)
    if speaker is None:
        return None
    source, document = discourse.split_document(speaker)
    return Attribution(source, "quoted", document)


@Language.factory("claimgraph_attribution", assigns=["doc._.cg_attributions", "doc._.cg_made_entities"],
                  requires=["doc._.cg_figures", "doc._.cg_mentions", "token.dep"], default_config={"cues": "cues"})
def make_attribution(nlp: Language, name: str, cues: str):
    """Attributes each figure in doc._.cg_figures (doc._.cg_attributions), with the cues the config names."""
    words = cue_words(cues, nlp.lang)

    def component(doc: Doc) -> Doc:
        doc._.cg_attributions, doc._.cg_made_entities = attribute(doc, words)
        return doc
    return component


for _ext in ("cg_attributions", "cg_made_entities"):
    if not Doc.has_extension(_ext):
        Doc.set_extension(_ext, default=None)
