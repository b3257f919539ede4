"""Vocabularies are data (extract/data/*.yaml), not Python: a module of the extraction holds grammar.
No literal list, set or tuple, and no regex alternation, in these modules holds more than a few
lower-case words, other than spaCy's own labels (dependency relations, parts of speech) and the
speaker chain's step names (a contract of the graph: cg:creditedBy). Add a module once its word
lists have moved."""

import ast
import re
from pathlib import Path

import pytest
from spacy.glossary import GLOSSARY

from extract.speaker import CHAIN

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ["extract/periods.py", "extract/attribution.py", "extract/discourse.py", "extract/speaker.py",
           "extract/pipeline.py", "extract/lexicon.py", "extract/disputes.py", "extract/evidence.py",
           "extract/figures.py", "extract/numbers.py"]
A_FEW = 4
WORD = re.compile(r"[a-z][a-z'’-]*(?: [a-z][a-z'’-]*)*$")
GRAMMAR = {label.lower() for label in GLOSSARY} | set(CHAIN)


def word_lists(source: str):
    """(line, words) for each literal collection of strings, and each regex alternation '(?:a|b|...)'."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.List, ast.Set, ast.Tuple)):
            yield node.lineno, [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            for alternation in re.findall(r"\(\?:([^()]*)\)", node.value):
                yield node.lineno, alternation.split("|")


@pytest.mark.parametrize("module", CHECKED)
def test_no_word_list_in_code(module):
    source = (ROOT / module).read_text(encoding="utf-8")
    lists = list(word_lists(source))
    assert lists, "the walker found no collections at all: it reads nothing"
    for line, items in lists:
        words = [w for w in items if WORD.match(w) and w not in GRAMMAR]
        assert len(words) <= A_FEW, f"{module}:{line} holds a word list {words}: move it to extract/data/"


def test_the_walker_sees_a_word_list():
    planted = 'HEDGES = ["about", "nearly", "almost", "roughly", "around"]\nPATTERN = r"(?:during|within|over|in|on)"\n'
    found = [words for _, words in word_lists(planted) if len([w for w in words if WORD.match(w)]) > A_FEW]
    assert len(found) == 2


def test_lexicons_read_the_same_with_libyaml():
    """lexicon.load reads with libyaml's parser where there is one: the same objects as PyYAML's own."""
    import yaml

    from extract.lexicon import DATA_DIR, LEXICON_LOADER

    files = sorted(DATA_DIR.rglob("*.yaml"))
    assert len(files) >= 20
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert yaml.load(text, Loader=LEXICON_LOADER) == yaml.safe_load(text), path.name
