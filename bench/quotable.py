"""Measures what a reporter quotes from a built graph (issue 28): qualifiers kept, subjects that are
clean noun phrases, evidence that is a whole sentence or clause.

python -m bench.quotable OUT/graph.trig [GOLD.json]
  subjects (of English articles): each parsed alone must have a noun root, no finite verb or gerund left over, and no cut
  word (every word is a whole word of the evidence); evidence: starts where a sentence or clause
  starts in the article and ends at a sentence's end; with GOLD, every gold qualifier is on the
  claim matched to it (same article, same figure)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

FRAME = "They counted"
LEFTOVER_VERB_TAGS = {"VB", "VBP", "VBZ", "VBG"}
SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$|[:;]$")


def subject_problem(nlp, subject: str, evidence: str) -> str | None:
    """Why a subject is not a clean noun phrase, or None. It is read as the object of a frame
    ("They counted SUBJECT."): that object must be a noun holding every word of the subject."""
    if not subject:
        return None
    doc = nlp(f"{FRAME} {subject}.")
    words = doc[len(FRAME.split()):-1]
    if len(words) > 1 and words[-1].tag_ in ("VBN", "VBD"):  # a participle after its noun: "rounds seized"
        doc = nlp(f"{FRAME} {words[:-1].text}.")
        words = doc[len(FRAME.split()):-1]
    # a prepositional phrase the parser hangs on the frame's verb instead is the noun's all the same
    objects = [t for t in words if t.head.i < words.start and t.pos_ != "ADP"]
    if len(objects) != 1 or objects[0].pos_ not in ("NOUN", "PROPN", "PRON"):
        return "root " + " ".join(f"{t.text}/{t.pos_}" for t in objects)
    leftover = [t.text for t in words if t.tag_ in LEFTOVER_VERB_TAGS and t.dep_ not in ("amod", "compound")
                and not any(c.dep_ in ("dobj", "prep", "pobj", "advmod", "attr", "xcomp", "ccomp") for c in t.children)]
    if leftover:
        return f"verb left over: {' '.join(leftover)}"
    for word in re.findall(r"\w[\w'.-]*\w|\w", subject):
        if not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", evidence):
            return f"cut word: {word}"
    return None


def evidence_problem(article_text: str, evidence: str, start: int) -> str | None:
    """Why an evidence span is not a whole sentence or clause, or None."""
    before = article_text[:start].rstrip(" \t")
    # a sentence, a list item ("• Relocating ...") or the body after a dateline ("PHOENIX - A ...")
    opens = not before or before.endswith(("\n", ".", "!", "?", ":", ";", "\"", "”", "'", "’", ")", "—", "–", "•", "*", " -"))
    if not opens:
        return "starts inside a sentence"
    after = article_text[start + len(evidence):].lstrip(" \t")
    if not SENTENCE_END.search(evidence.rstrip()) and after and not after.startswith("\n"):
        return "stops inside a sentence"
    if len(evidence.split()) < 3:
        return "too short to be a sentence"
    return None


CLAIMS = """PREFIX cg: <https://w3id.org/claimgraph/ns#> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/> PREFIX wikibase: <http://wikiba.se/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?kind ?file ?evidence ?start ?text ?subject ?value ?low ?high ?qualifier ?language WHERE {
  { ?node a cg:FigureClaim ; cg:quantity ?q . BIND("claim" AS ?kind)
    OPTIONAL { ?node cg:subject ?subject } OPTIONAL { ?q cg:qualifier ?qualifier }
    OPTIONAL { ?q wikibase:quantityAmount ?value } OPTIONAL { ?q wikibase:quantityLowerBound ?low }
    OPTIONAL { ?q wikibase:quantityUpperBound ?high } }
  UNION { ?node a cg:RelationAssertion . BIND("relation" AS ?kind) }
  ?node prov:wasDerivedFrom ?a ; cg:evidence ?e . ?e cg:exact ?evidence ; cg:start ?start .
  ?a cg:fileName ?file ; schema:text ?text . OPTIONAL { ?a dcterms:language ?language } }"""


def measure(graph: Path, gold: Path | None = None) -> dict:
    import pyoxigraph as ox

    from claimgraph.settings import SPACY_MODEL
    from extract.pipeline import shared_nlp

    store = ox.Store()
    store.load(path=str(graph), format=ox.RdfFormat.TRIG)
    columns = ("kind", "file", "evidence", "start", "text", "subject", "value", "low", "high", "qualifier", "language")
    rows = [{name: (solution[name].value if solution[name] is not None else "") for name in columns}
            for solution in store.query(CLAIMS, use_default_graph_as_union=True)]
    nlp = shared_nlp(SPACY_MODEL)
    report = {"claims": 0, "relations": 0, "bad_subjects": [], "bad_evidence": []}
    for row in rows:
        report["claims" if row["kind"] == "claim" else "relations"] += 1
        english = row["language"] in ("", "en")  # the frame that reads a subject is English
        problem = subject_problem(nlp, row["subject"], row["evidence"]) if row["kind"] == "claim" and english else None
        if problem:
            report["bad_subjects"].append(f"{row['file']}: {row['subject']!r}: {problem}")
        problem = evidence_problem(row["text"], row["evidence"], int(row["start"]))
        if problem:
            report["bad_evidence"].append(f"{row['file']} {row['kind']}: {row['evidence'][:70]!r}: {problem}")
    if gold is not None:
        claims = [r for r in rows if r["kind"] == "claim"]
        wanted = [c for c in json.loads(gold.read_text())["claims"] if c.get("qualifier")]
        kept = []
        for c in wanted:
            numbers = [c.get(k) for k in ("value", "value_low", "value_high") if c.get(k) is not None]
            match = [r for r in claims if Path(r["file"]).stem == Path(c["article"]).stem and any(
                r[k] and abs(float(r[k]) - n) <= 0.01 * abs(n) for k in ("value", "low", "high") for n in numbers)]
            if not match:
                report.setdefault("qualified_figure_not_found", []).append(f"{c['id']} {c['qualifier']!r}")
            elif all(r["qualifier"] for r in match):
                kept.append(c["id"])
            else:
                report.setdefault("qualifier_lost", []).append(f"{c['id']} {c['qualifier']!r}")
        found = len(wanted) - len(report.get("qualified_figure_not_found", []))
        report["qualifiers_kept"] = f"{len(kept)}/{found} of the gold's qualified figures found"
    return report


if __name__ == "__main__":
    result = measure(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else None)
    for key, value in result.items():
        if isinstance(value, list):
            print(f"{key}: {len(value)}")
            for item in value:
                print("   ", item)
        else:
            print(f"{key}: {value}")
