"""The model's entity recogniser, decoded a token run at a time instead of a token at a time.

spaCy's greedy NER decoder steps every doc of a batch one token at a time, and at each step asks
each of its ~80 moves whether it is valid: three quarters of the NER's time on our texts (py-spy;
docs/architecture.md, "The entity recogniser's decoder").
But a BILUO state with no entity open reads only its next token (the other two features are
padding), so its scores and its valid moves are a function of the token: here they are worked out
for every token of a batch in one multiplication, and only the tokens inside an entity the model
opens are stepped one by one. Same model, same weights, same sums in the same order, the same BLIS
kernel and the same tie-breaking: the entities are spaCy's own (tests/test_entity_decoder.py
compares every token's entity annotation with the model's pipe).

A model this decoder does not know (another transition system, a beam, other features, a GPU)
is left to its own pipe."""

from __future__ import annotations

import numpy
from blis.py import gemm
from spacy.attrs import ENT_IOB, ENT_TYPE, IS_SPACE, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch
from thinc.api import NumpyOps

# the BILUO moves (spaCy's ner.pyx: MISSING, BEGIN, IN, LAST, UNIT, OUT) by the letter of their names
BEGIN, IN, LAST, UNIT, OUT = "BILUO"
NEVER = -numpy.inf  # an invalid move's score: below any score
# an unseen class's score: spaCy gives it the batch's lowest, and unseen classes come after the seen
# ones (the first of equal scores wins), so one wins only where no seen move is valid
UNSEEN = numpy.float32(-3e38)
NO_MOVE = -1
RUN = 8  # the tokens of an open entity scored at once (most entities are shorter)


class Moves:
    """The recogniser's moves as arrays: each class's letter and label (as the doc stores it)."""

    def __init__(self, ner, unseen: set[int]):
        names = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
        self.letter = numpy.array([name[0] for name in names])
        strings = ner.vocab.strings
        self.label = numpy.array([strings.add(name[2:]) if len(name) > 2 else 0 for name in names], dtype=numpy.uint64)
        self.seen = numpy.array([i not in unseen for i in range(len(names))])


def _tokens(docs: list[Doc]) -> dict[str, numpy.ndarray]:
    """What the moves' validity reads of each token of the batch, and of the token after it (an
    empty token past a doc's end), as arrays over the batch's tokens."""
    arrays = numpy.concatenate([doc.to_array([ENT_IOB, ENT_TYPE, SENT_START, IS_SPACE]) for doc in docs])
    kind = arrays[:, 1].copy()  # a label's hash, unsigned
    rows = arrays.astype(numpy.int64)  # a sentence start is 1, 0 or -1
    ends = numpy.cumsum([len(doc) for doc in docs])
    after = numpy.roll(rows, -1, axis=0)
    after[ends - 1] = 0  # past each doc's last token
    end = numpy.repeat(ends, [len(doc) for doc in docs])  # each token's doc's end
    left = end - numpy.arange(len(rows))  # the buffer's length
    return {"iob": rows[:, 0], "type": kind, "space": rows[:, 3] != 0, "next_iob": after[:, 0],
            "next_start": after[:, 2], "end": end, "left": left, "has_next": left >= 2}


def _valid_closed(moves: Moves, t: dict[str, numpy.ndarray]) -> numpy.ndarray:
    """tokens x classes: the moves valid at each token when no entity is open (ner.pyx's is_valid)."""
    label, letter = moves.label[None, :], moves.letter[None, :]
    iob, typ, nxt = t["iob"][:, None], t["type"][:, None], t["next_iob"][:, None]
    preset = iob == 3
    begin = (t["left"][:, None] >= 2) & (label != 0) & (iob != 1) & numpy.where(
        preset, (label == typ) & (nxt == 1),
        (nxt != 3) & (t["next_start"][:, None] != 1) & ~t["space"][:, None])
    unit = numpy.where(label == 0, (typ == 0) & preset,
                       (nxt != 1) & numpy.where(preset, label == typ, ~t["space"][:, None]))
    out = (iob != 3) & (iob != 1)
    return ((letter == BEGIN) & begin) | ((letter == UNIT) & unit) | ((letter == OUT) & out)


def _valid_open(moves: Moves, t: dict[str, numpy.ndarray], at: numpy.ndarray, open_label: numpy.ndarray) -> numpy.ndarray:
    """steps x classes: the moves valid at token at[i] inside an open entity of open_label[i]."""
    label, letter = moves.label[None, :], moves.letter[None, :]
    iob, typ, nxt = t["iob"][at][:, None], t["type"][at][:, None], t["next_iob"][at][:, None]
    open_label = open_label[:, None]
    inside = numpy.where(iob == 1, (nxt != 0) & (nxt != 2) & (label == typ),
                         ~(t["has_next"][at] & (t["next_start"][at] == 1))[:, None])
    in_ = (t["left"][at][:, None] >= 2) & (label != 0) & (label == open_label) & (iob != 3) & (nxt != 3) & inside
    last = (label != 0) & numpy.where((iob == 1) & (nxt != 1), label == typ, (label == open_label) & (nxt != 1))
    unit = (label == 0) & (typ == 0) & (iob == 3)
    return ((letter == IN) & in_) | ((letter == LAST) & last) | ((letter == UNIT) & unit)


def _best(scores: numpy.ndarray, valid: numpy.ndarray) -> numpy.ndarray:
    """Per row, the first valid class with the highest score (spaCy's arg_max_if_valid), or NO_MOVE."""
    masked = numpy.where(valid, scores, NEVER)
    best = masked.argmax(axis=-1)
    return numpy.where(valid.any(axis=-1), best, NO_MOVE)


class EntityDecoder:
    """Decodes a greedy BILUO model (spaCy's EntityRecognizer) as described above."""

    def __init__(self, ner):
        self.ner = ner

    @property
    def model(self):
        """The model decoded (the pipe's, as spaCy's components expose theirs)."""
        return self.ner.model

    def decodes(self) -> bool:
        """Whether this model is one the decoder reproduces exactly; else its own pipe runs."""
        ner, model = self.ner, self.ner.model
        try:
            lower, upper = model.layers[1], model.layers[-1]
            return (type(ner.moves).__name__ == "BiluoPushDown" and ner.cfg.get("beam_width", 1) == 1
                    and model.attrs.get("has_upper") and len(model.layers) == 3 and lower.get_dim("nF") == 3
                    and lower.get_dim("nP") >= 2 and isinstance(model.ops, NumpyOps) and not ner.postprocesses
                    and upper.name == "linear")
        except (AttributeError, KeyError, ValueError):
            return False

    def __call__(self, doc: Doc) -> Doc:
        self.set_entities([doc])
        return doc

    def pipe(self, docs, *, batch_size: int = 256):
        """As the model's pipe batches: by length, in sub-batches of a quarter (its tok2vec's sums
        then run over the same rows)."""
        for batch in minibatch(docs, size=batch_size):
            in_order = list(batch)
            for sub in minibatch(sorted(in_order, key=len), size=max(batch_size // 4, 2)):
                self.set_entities(list(sub))
            yield from in_order

    def set_entities(self, docs: list[Doc]) -> None:
        if not any(len(doc) for doc in docs):
            return self.ner.set_annotations(docs, self.ner.moves.init_batch(docs))
        self.ner._ensure_labels_are_added(docs)  # a preset entity's label becomes an unseen class
        batch = Batch(self.ner, docs)
        start = 0
        for doc in docs:
            self._annotate(doc, batch.entities(start, len(doc)))
            start += len(doc)

    @staticmethod
    def _annotate(doc: Doc, entities: list[list[int]]) -> None:
        """spaCy's set_annotations: the closed entities set, the rest left as it was, and a token
        with no annotation at all marked outside."""
        spans = [Span(doc, s, e, label=label, kb_id=doc[s].ent_kb_id) for s, e, label in entities if s != -1 and e != -1]
        doc.set_ents(spans, default="unmodified")
        unset = numpy.flatnonzero(doc.to_array([ENT_IOB]) == 0)
        if len(unset):
            doc.set_ents([], outside=[Span(doc, int(i), int(i) + 1) for i in unset], default="unmodified")


class Batch:
    """One sub-batch's tokens, their features and the model's choices at each."""

    def __init__(self, ner, docs: list[Doc]):
        model = ner.model
        tok2vec, lower, upper = model.layers[0], model.layers[1], model.layers[-1]
        self.moves = moves = Moves(ner, model.attrs.get("unseen_classes") or set())
        features = lower.predict(tok2vec.predict(docs))  # (1 + tokens) x feature x hidden x piece; row 0 pads
        rows, _, self.hidden, self.pieces = features.shape
        self.features = features.reshape(rows, 3, self.hidden * self.pieces)
        self.bias = lower.get_param("b").reshape(-1)
        self.weights, self.out_bias = upper.get_param("W"), upper.get_param("b")
        self.tokens = _tokens(docs)
        # no entity open: features 1 and 2 are padding, so the choice is the token's own
        pad = self.features[0]
        self.choice = _best(self.scores(self.features[1:, 0], pad[1], pad[2]), _valid_closed(moves, self.tokens))
        self.runs: dict[int, tuple[int, int]] = self._runs(numpy.flatnonzero(moves.letter[self.choice] == BEGIN))

    def scores(self, first, second, third) -> numpy.ndarray:
        """Rows of the three features' vectors -> the classes' scores, summed as spaCy's C loop sums
        them (zero, each feature in turn, the bias), maxout, then the output layer through BLIS."""
        unmaxed = numpy.zeros(first.shape[-1], dtype="f") + first + second + third + self.bias
        maxed = numpy.ascontiguousarray(unmaxed.reshape(-1, self.hidden, self.pieces).max(axis=-1))
        found = gemm(maxed, self.weights, trans2=True, beta=0.0) + self.out_bias
        found[:, ~self.moves.seen] = UNSEEN
        return found

    def _runs(self, begins: numpy.ndarray) -> dict[int, tuple[int, int]]:
        """For each token where a closed state would open an entity: the token where that entity
        stops (the first move that is not IN) and the move there. Every later token of the run is
        scored at once, RUN tokens at a time, as if the entity opened (most do)."""
        stops: dict[int, tuple[int, int]] = {}
        offset, waiting = 1, begins
        while len(waiting):
            steps = numpy.minimum(RUN, self.tokens["end"][waiting] - waiting - offset)
            waiting, steps = waiting[steps > 0], steps[steps > 0]
            firsts = numpy.cumsum(steps) - steps  # where each run's rows start
            opened = numpy.repeat(waiting, steps)
            at = opened + offset + (numpy.arange(len(opened)) - numpy.repeat(firsts, steps))
            label = self.moves.label[self.choice[opened]]
            found = _best(self.scores(self.features[1 + at, 0], self.features[1 + opened, 1], self.features[at, 2]),
                          _valid_open(self.moves, self.tokens, at, label))
            going = (found != NO_MOVE) & (self.moves.letter[found] == IN)
            still = []
            for begin, first, count in zip(waiting.tolist(), firsts.tolist(), steps.tolist()):
                stopped = numpy.flatnonzero(~going[first:first + count])
                if len(stopped):
                    stops[begin] = (int(at[first + stopped[0]]), int(found[first + stopped[0]]))
                else:
                    still.append(begin)
            waiting, offset = numpy.asarray(still, dtype=numpy.int64), offset + RUN
        return stops

    def entities(self, start: int, length: int) -> list[list[int]]:
        """The doc's entities [start, end, label] (doc positions), as spaCy's states make them."""
        entities: list[list[int]] = []
        choice, letter, labels = self.choice, self.moves.letter, self.moves.label
        own = choice[start:start + length]
        at = start
        for event in (start + numpy.flatnonzero((own == NO_MOVE) | (letter[own] != OUT))).tolist():
            if event < at:
                continue  # inside an entity already read
            move = int(choice[event])
            if move == NO_MOVE:
                break  # spaCy ends a state that has no valid move
            entities.append([event - start, -1, int(labels[move])])
            if letter[move] == UNIT:
                entities[-1][1] = event + 1 - start
                at = event + 1
                continue
            stop, move = self.runs[event]
            if move == NO_MOVE:
                break
            if letter[move] == LAST:
                entities[-1][1] = stop + 1 - start
            else:  # a UNIT without a label, which leaves the open entity unclosed
                entities.append([stop - start, stop + 1 - start, int(labels[move])])
            at = stop + 1
        return entities


@Language.factory("claimgraph_ner", assigns=["doc.ents", "token.ent_iob", "token.ent_type"],
                  default_config={"ner": "model_ner"})
def make_entity_decoder(nlp: Language, name: str, ner: str):
    """The pipe named `ner` (the model's EntityRecognizer), decoded a run at a time where it can
    be; build_nlp puts it in its place."""
    decoder = EntityDecoder(nlp.get_pipe(ner))
    return decoder if decoder.decodes() else nlp.get_pipe(ner)
