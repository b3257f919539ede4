"""spaCy's EntityRuler, running only the token patterns that can match a text (extract/anchors.py).

The token Matcher tried all our patterns at every token, most of them Spanish names' shapes that
an English text cannot match ('Fuerza de Tarea ...' needs the word 'Fuerza'): a fifth of the
pipeline's own time. Each text is matched with a Matcher of the patterns whose anchors it holds,
which finds the same matches, so the ruler sets the same entities."""

from __future__ import annotations

import warnings

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import EntityRuler
from spacy.pipeline.entityruler import DEFAULT_ENT_ID_SEP
from spacy.tokens import Doc

from .anchors import AnchoredMatchers


class AnchoredEntityRuler(EntityRuler):
    """An EntityRuler that leaves out, per text, the token patterns whose anchors the text lacks."""

    _anchored: AnchoredMatchers[Matcher] | None = None  # worked out on first use, after the patterns are added

    def add_patterns(self, patterns) -> None:
        super().add_patterns(patterns)
        self._anchored = None

    def clear(self) -> None:
        super().clear()
        self._anchored = None

    def remove(self, ent_id: str) -> None:
        super().remove(ent_id)
        self._anchored = None

    def _new_matcher(self, patterns: list[tuple[str, list[dict]]]) -> Matcher:
        matcher = Matcher(self.nlp.vocab, validate=self._validate, fuzzy_compare=self.matcher_fuzzy_compare)
        for label, pattern in patterns:
            matcher.add(label, [pattern])
        return matcher

    def match(self, doc: Doc):
        """EntityRuler.match, with the Matcher of the token patterns doc can match."""
        self._require_patterns()
        if self._anchored is None:
            patterns = [(label, pattern) for label, patterns in self.token_patterns.items() for pattern in patterns]
            self._anchored = AnchoredMatchers(self.nlp.vocab, patterns, lambda tokens: tokens, self._new_matcher)
        matcher = self._anchored.for_text(doc)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="\\[W036")
            matches = (list(matcher(doc)) if matcher is not None else []) + list(self.phrase_matcher(doc))
        final_matches = {(m_id, start, end) for m_id, start, end in matches if start != end}
        return sorted(final_matches, key=lambda m: (m[2] - m[1], -m[1]), reverse=True)


@Language.factory(
    "claimgraph_anchored_entity_ruler",
    assigns=["doc.ents", "token.ent_type", "token.ent_iob"],
    default_config={
        "phrase_matcher_attr": None,
        "matcher_fuzzy_compare": {"@misc": "spacy.levenshtein_compare.v1"},
        "validate": False,
        "overwrite_ents": False,
        "ent_id_sep": DEFAULT_ENT_ID_SEP,
        "scorer": {"@scorers": "spacy.entity_ruler_scorer.v1"},
    },
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
)
def make_anchored_entity_ruler(nlp: Language, name: str, phrase_matcher_attr, matcher_fuzzy_compare, validate: bool,
                               overwrite_ents: bool, ent_id_sep: str, scorer) -> AnchoredEntityRuler:
    """spaCy's entity_ruler, with its settings; the patterns come from names.ruler_patterns (extract/pipeline.py)."""
    return AnchoredEntityRuler(nlp, name, phrase_matcher_attr=phrase_matcher_attr, matcher_fuzzy_compare=matcher_fuzzy_compare,
                               validate=validate, overwrite_ents=overwrite_ents, ent_id_sep=ent_id_sep, scorer=scorer)
