"""Each spaCy pipe's CPU time, the model's pipeline against the same pipes in ours (where the
attribute ruler and the lemmatizer are compiled: extract/attribute_rules.py, extract/lemmas.py).
Both run in one process, alternating, after a first pass that warms their caches; CPU time
(time.process_time), since wall time on a shared machine moves with the other processes.

python -m bench.pipes CORPUS [ARTICLES] [MODEL]   (default: 60 articles, the English pipeline)"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from claimgraph.settings import SPACY_MODEL
from extract.pipeline import build_nlp
from extract.reader import article_files, read_article

ROUNDS = 4  # each pipeline goes first in half of them


def pipe_seconds(nlp, names: list[str], texts: list[str], seconds: dict[str, float]) -> None:
    docs = [nlp.make_doc(text) for text in texts]
    for name in names:
        pipe = nlp.get_pipe(name)
        start = time.process_time()
        docs = list(pipe.pipe(docs, batch_size=16)) if hasattr(pipe, "pipe") else [pipe(doc) for doc in docs]
        seconds[name] = seconds.get(name, 0.0) + time.process_time() - start


def main(folder: Path, articles: int = 60, model: str = SPACY_MODEL) -> None:
    import spacy

    texts = [read_article(path).content for path in article_files(folder)[:articles]]
    bare, ours = spacy.load(model), build_nlp(model)
    names = list(bare.pipe_names)
    for nlp in (bare, ours):
        list(nlp.pipe(texts))
    model_seconds: dict[str, float] = {}
    our_seconds: dict[str, float] = {}
    for round in range(ROUNDS):
        runs = [(bare, model_seconds), (ours, our_seconds)]
        for nlp, seconds in runs if round % 2 == 0 else runs[::-1]:
            pipe_seconds(nlp, names, texts, seconds)
    whole = sum(model_seconds.values())
    print(f"{len(texts)} articles, {model}, CPU seconds over {ROUNDS} rounds, ÷ the model's whole pipeline.\n")
    print("| pipe | the model's | ours |\n| --- | ---: | ---: |")
    for name in names:
        print(f"| {name} | {model_seconds[name] / whole:.3f} | {our_seconds[name] / whole:.3f} |")
    print(f"| the whole bare pipeline | 1.000 | {sum(our_seconds.values()) / whole:.3f} |")


if __name__ == "__main__":
    main(Path(sys.argv[1]), *(int(a) if a.isdigit() else a for a in sys.argv[2:4]))
