"""Where a build's time goes beyond bare spaCy: each stage timed in one process on the same
texts, bare spaCy first, then the build's own extraction stage by stage, then the assembly.

python -m bench.overhead CORPUS [ARTICLES]   (default: the first 300 articles of CORPUS)"""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import claimgraph.extraction as extraction
from bench.run import CLI, THROUGHPUT_ARTICLES, startup_seconds
from claimgraph.settings import SPACY_MODEL
from extract.lexicon import load
from extract.pipeline import CLAIMGRAPH_COMPONENTS, shared_nlp
from extract.reader import article_files, read_article

BATCH = 16  # the build's default batch
# what extraction.extract_articles calls, by the names it calls them: _extracted runs spaCy, then the
# per-article stages; the scratch stages run once per batch
PER_ARTICLE = {"records_from_doc": "ArticleRecords from the parsed doc", "article_graph": "RDF terms of the article graph",
               "sorted_quads": "sorted quads", "sorted_blocks": "N-Quads and TriG blocks"}
SCRATCH = {"_scratch_store": "the batch's scratch store (its graphs)",
           "_add_rows": "facts and materialised rows (each query once per batch)",
           "_validated": "SHACL shapes (compiled to SPARQL)"}
STAGES = {"_extracted": "", **PER_ARTICLE, **SCRATCH}


def timed(seconds: dict[str, float], name: str, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            seconds[name] += time.perf_counter() - start
    return wrapper


def each_pipe_cpu(nlp, texts: list[str]) -> list[tuple[str, float]]:
    """CPU seconds of the tokenizer and of each pipe alone, each run over the docs the pipes before it
    made: which pipe a design should spare (issue 30 asked this before choosing a selective parse)."""
    start = time.process_time()
    docs = [nlp.make_doc(text) for text in texts]
    spent = [("tokenizer", time.process_time() - start)]
    for name, pipe in nlp.pipeline:
        start = time.process_time()
        docs = list(pipe.pipe(docs, batch_size=BATCH)) if hasattr(pipe, "pipe") else [pipe(doc) for doc in docs]
        spent.append((name, time.process_time() - start))
    return spent


def pipe_seconds(nlp, texts: list[str], disabled: list[str] = ()) -> float:
    with nlp.select_pipes(disable=list(disabled)):
        start = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=BATCH):
            pass
        return time.perf_counter() - start


# the word lists whose words make a component read a sentence's parse (issue 30's selective parse)
PARSED_WORDS = {"cues": ["speech_verbs", "clause_speech_verbs", "passive_agent_verbs", "impersonal_cues", "document_nouns",
                         "description_nouns", "group_nouns"],
                "relations": ["run_verbs", "led_words", "run_nominals", "helping_verbs", "tasking_verbs", "naming_verbs",
                              "participation_verbs", "assignment_verbs", "working_verbs", "support_nouns", "program_nouns"],
                "disputes": ["dispute_verbs", "judging_verbs", "judgements", "figure_nouns"]}


def parse_shares(nlp, texts: list[str]) -> tuple[float, float, float]:
    """The share of sentences a selective parse would have to parse, at least (the full parse's lemmas
    find the words): those with a figure or a cue, relation or dispute word; also those with a name
    (the entities read POS and heads); also their neighbours (attribution reads the next sentence,
    operations the previous one)."""
    words = {str(w).lower() for stem, keys in PARSED_WORDS.items() for k in keys for w in load(stem, nlp.lang).get(k, [])}
    counts = [0, 0, 0, 0]
    for doc in nlp.pipe(texts, batch_size=BATCH):
        sentences = list(doc.sents)
        cued = [any(t.like_num or t.lemma_.lower() in words for t in s) for s in sentences]
        named = [c or bool(s.ents) for c, s in zip(cued, sentences)]
        around = [n or any(cued[max(0, i - 1):i + 2]) for i, n in enumerate(named)]
        for n, share in enumerate((cued, named, around)):
            counts[n] += sum(share)
        counts[3] += len(sentences)
    return tuple(c / counts[3] for c in counts[:3])


def main(folder: Path, articles: int = THROUGHPUT_ARTICLES) -> None:
    import spacy

    paths = article_files(folder)[:articles]
    batch = [read_article(p) for p in paths]
    texts = [a.content for a in batch]
    words = sum(len(t.split()) for t in texts)
    bare, ours = spacy.load(SPACY_MODEL), shared_nlp(SPACY_MODEL)
    for nlp in (bare, ours):
        list(nlp.pipe(texts[:8]))
    extraction._model()
    rows = [("bare spaCy `nlp.pipe`", pipe_seconds(bare, texts))]
    added = [name for name in ours.pipe_names if name.startswith("claimgraph_") and name not in CLAIMGRAPH_COMPONENTS]
    rows.append(("our pipeline's spaCy components alone", pipe_seconds(ours, texts, added + CLAIMGRAPH_COMPONENTS)))
    rows.append(("  + entity ruler and line breaks", pipe_seconds(ours, texts, CLAIMGRAPH_COMPONENTS)))
    rows.append(("  + our four components (the whole pipeline)", pipe_seconds(ours, texts)))
    seconds: dict[str, float] = defaultdict(float)
    originals = {name: getattr(extraction, name) for name in STAGES}
    for name, function in originals.items():
        setattr(extraction, name, timed(seconds, name, function))
    try:
        start = time.perf_counter()
        for i in range(0, len(batch), BATCH):
            extraction.extract_articles(batch[i:i + BATCH])
        total = time.perf_counter() - start
    finally:
        for name, function in originals.items():
            setattr(extraction, name, function)
    # each part timed where the build runs it, in the same run: no part is a difference of two runs
    per_article = sum(seconds[name] for name in PER_ARTICLE)
    rows.append(("extraction as the build runs it (pipeline and all below)", total))
    rows.append(("  spaCy inside the extraction (the rest of `_extracted`)", seconds["_extracted"] - per_article))
    rows += [(f"  {PER_ARTICLE[name]}", seconds[name]) for name in PER_ARTICLE]
    rows.append(("  scratch stores, loads, error handling", total - seconds["_extracted"]))
    rows += [(f"    {SCRATCH[name]}", seconds[name]) for name in SCRATCH]
    rows += assembly_rows(paths)
    base = rows[0][1]
    print(f"{len(batch)} articles, {words:,} words, batches of {BATCH}, one process.\n")
    print("| stage | seconds | ÷ bare spaCy |\n| --- | ---: | ---: |")
    for label, value in rows:
        print(f"| {label} | {value:.2f} | {value / base:.2f} |")
    for title, nlp in (("bare spaCy", bare), ("the build's pipeline", ours)):
        spent = each_pipe_cpu(nlp, texts)
        total = sum(seconds for _, seconds in spent)
        print(f"\nEach pipe alone, {title} (CPU seconds, share of its pipeline):\n")
        print("| pipe | CPU s | share |\n| --- | ---: | ---: |")
        for name, seconds in spent:
            print(f"| {name} | {seconds:.2f} | {seconds / total:.2f} |")
    print("\nSentences a selective parse would parse: %.2f with a figure or a cue, relation or dispute word; "
          "%.2f with a name too; %.2f with their neighbours." % parse_shares(ours, texts))


def assembly_rows(paths: list[Path]) -> list[tuple[str, float]]:
    """A full build, then the same build again with every article cached (manifest removed): the
    second is the build without extraction, start-up and imports included."""
    with tempfile.TemporaryDirectory() as scratch:
        sample, out = Path(scratch) / "sample", Path(scratch) / "out"
        sample.mkdir()
        for path in paths:
            shutil.copy(path, sample / path.name)
        command = CLI + ["build", str(sample), "--out", str(out), "--workers", "1"]
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        full = time.perf_counter() - start
        (out / "manifest.json").unlink()
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        cached = time.perf_counter() - start
    startup = startup_seconds()
    return [("`claimgraph build --workers 1`, in its own process (start-up included)", full),
            ("  start-up, measured apart: starting Python", startup.python),
            ("  start-up: importing the build", startup.imports),
            ("  start-up: loading the spaCy pipeline (once per worker)", startup.model),
            ("  the same build with every article cached: start-up, store, analysis, explorer, exports", cached),
            ("    of which starting Python and importing the build", startup.python + startup.imports)]


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else THROUGHPUT_ARTICLES)
