"""The models multiply with the chosen ops (extract/matrix_ops.py): numpy's BLAS by default, on
one thread, with the same annotations as thinc's blis."""

from pathlib import Path

import pytest
from threadpoolctl import threadpool_info

from claimgraph.settings import SPACY_MODEL
from extract.pipeline import build_nlp
from extract.reader import article_files, read_article

SHARED = Path(__file__).resolve().parents[2] / "shared"
HERE = Path(__file__).resolve().parents[1]


def blis_in_models(nlp) -> set[bool]:
    """Whether the models use blis; spaCy builds a transition model's output layer on "cpu" ops
    itself (its greedy parse multiplies it in C), so that layer is left out."""
    own_ops = [pipe.model.get_ref("upper") for _, pipe in nlp.pipeline if hasattr(pipe, "model") and pipe.model.has_ref("upper")]
    models = [node for _, pipe in nlp.pipeline if hasattr(pipe, "model") for node in pipe.model.walk()
              if not any(node is layer for layer in own_ops)]
    assert len(models) > 100
    return {node.ops.use_blis for node in models}


def annotations(doc) -> list[tuple]:
    return [(t.tag_, t.pos_, t.dep_, t.head.i, t.lemma_, t.ent_iob_, t.ent_type_, t.is_sent_start) for t in doc]


def test_the_pipeline_multiplies_with_numpy_on_one_thread(nlp):
    assert blis_in_models(nlp) == {False}
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)


def test_an_unknown_name_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="unknown matrix ops 'mkl': use one of numpy, blis"):
        build_nlp(SPACY_MODEL, "mkl")


def test_blis_and_numpy_give_the_same_annotations(nlp):
    texts = [read_article(path).content for folder in (HERE / "seeds", SHARED / "dev" / "articles")
             if folder.is_dir() for path in article_files(folder)]
    assert len(texts) >= 3
    with_blis = build_nlp(SPACY_MODEL, "blis")
    assert blis_in_models(with_blis) == {True}
    ours, theirs = list(nlp.pipe(texts)), list(with_blis.pipe(texts))
    assert sum(len(doc) for doc in ours) > 1000
    for mine, blis in zip(ours, theirs):
        assert annotations(mine) == annotations(blis)
