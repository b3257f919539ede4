"""Shared fixtures: the real spaCy pipeline, and one build of the seeds per test session."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"

# the language detector's unpacked model (extract/language.py) is kept in a folder of the run's
# own, not in the user's cache; the builds the tests start as commands inherit it. The folder (a
# 41 MB copy) goes when the run ends: left behind, every run added one to the temporary directory
os.environ["CLAIMGRAPH_CACHE"] = tempfile.mkdtemp(prefix="claimgraph-test-cache-")
atexit.register(shutil.rmtree, os.environ["CLAIMGRAPH_CACHE"], ignore_errors=True)


@pytest.fixture(scope="session")
def nlp():
    from extract.pipeline import shared_nlp

    from claimgraph.settings import SPACY_MODEL

    return shared_nlp(SPACY_MODEL)


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    from claimgraph.build import build

    out = tmp_path_factory.mktemp("seed-build")
    summary = build(SEEDS, out)
    return out, summary


@pytest.fixture(scope="session")
def seed_store(seed_build):
    from graph.store import ClaimStore

    return ClaimStore.load(seed_build[0] / "graph.trig")


@pytest.fixture
def extract_text(nlp):
    """Composed text -> ArticleRecords, through the same reader and pipeline as a build."""
    from extract.pipeline import extract
    from extract.reader import article_from_text

    def run(text: str, name: str = "composed.txt"):
        return extract(article_from_text(name, text), nlp)

    return run
