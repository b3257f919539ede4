"""The flow of the code: articles -> extract/ -> graph/ (rdf -> store -> analysis -> views, serve)
-> claimgraph/. Imports only go down it, and the read side never loads the extraction stack."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# The rank of each place in the flow: a module may import only from places of its own rank or
# lower. graph/files.py, sparql.py, processes.py, spreadsheet.py and terminal.py are plumbing every
# stage of graph/ may use.
RANKS = {
    "ontology": 0,
    "extract": 1,
    "graph.files": 2, "graph.sparql": 2, "graph.processes": 2, "graph.spreadsheet": 2, "graph.terminal": 2,
    "graph.rdf": 3,
    "graph.queries": 4,
    "graph.store": 5,
    "graph.analysis": 6,
    "graph.views": 7, "graph.serve": 7,
    "claimgraph": 8,
}
# graph/ may read what extract/ hands over (records) and the names it knows, never the parser.
EXTRACT_MODULES_GRAPH_MAY_USE = {"extract.records", "extract.names", "extract.lexicon"}


def place(module: str) -> str | None:
    for name in sorted(RANKS, key=len, reverse=True):
        if module == name or module.startswith(name + "."):
            return name
    return None


def imports_of(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, made absolute, with its line."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    if path.name == "__init__.py":
        package = package.rsplit(".", 1)[0] + ".__init__"
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:-node.level]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            found.append((node.lineno, module))
    return found


def violations() -> list[str]:
    problems = []
    for folder in ("ontology", "extract", "graph", "claimgraph"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            here = place(".".join(path.relative_to(ROOT).with_suffix("").parts))
            for line, module in imports_of(path):
                there = place(module)
                if there is None:
                    continue
                where = f"{path.relative_to(ROOT)}:{line} imports {module}"
                if RANKS[there] > RANKS[here]:
                    problems.append(f"{where}: against the flow ({here} may not import {there})")
                if here.startswith("graph") and there == "extract" and module not in EXTRACT_MODULES_GRAPH_MAY_USE:
                    problems.append(f"{where}: graph/ may use only {sorted(EXTRACT_MODULES_GRAPH_MAY_USE)} of extract/")
    return problems


def test_imports_only_go_down_the_flow():
    assert violations() == []


def test_the_rule_catches_an_upward_import(tmp_path, monkeypatch):
    """The checker itself: an extract module importing claimgraph is reported."""
    bad = ROOT / "extract" / "_layout_probe.py"
    bad.write_text("from claimgraph.settings import SPACY_MODEL\nfrom graph.store import ClaimStore\n")
    try:
        found = violations()
    finally:
        bad.unlink()
    assert any("_layout_probe.py:1 imports claimgraph.settings: against the flow" in p for p in found)
    assert any("_layout_probe.py:2 imports graph.store: against the flow" in p for p in found)


READ_SIDE = ["claimgraph.cli", "graph.store", "graph.queries", "graph.analysis.stats", "graph.analysis.network",
             "graph.views.explorer", "graph.views.report", "graph.serve.endpoint", "graph.serve.explorer_api",
             "graph.serve.claim_index"]


def test_the_read_side_imports_neither_spacy_nor_pyshacl():
    code = (f"import sys; import {', '.join(READ_SIDE)}; "
            "print(sorted(m for m in ('spacy', 'pyshacl', 'extract.pipeline', 'extract.entities') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


@pytest.mark.parametrize("command", [["query", "entities", "--limit", "3"], ["stats"],
                                     ["report", "--out", "{out}/r.html"], ["explore", "--out", "{out}/e.html"]])
def test_read_commands_do_not_import_spacy(seed_build, tmp_path, command):
    out, _ = seed_build
    args = [part.format(out=tmp_path) for part in command] + ["--graph", str(out / "graph.trig")]
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "claimgraph.cli", *args], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}
    assert "spacy" not in imported and "pyshacl" not in imported
    assert "graph.store" in imported  # the probe saw the imports at all


def test_the_pipeline_components_declare_what_they_assign_and_require(nlp):
    analysis = nlp.analyze_pipes(pretty=False)
    assert analysis["problems"] == {name: [] for name in nlp.pipe_names}
    for name in ("claimgraph_entities", "claimgraph_figures", "claimgraph_attribution", "claimgraph_operations"):
        meta = nlp.get_pipe_meta(name)
        assert meta.assigns and meta.requires, name


def test_each_component_names_its_lexicons_in_its_config_and_reads_the_ones_named(nlp, tmp_path):
    import yaml

    from extract.lexicon import DATA_DIR
    from extract.pipeline import CLAIMGRAPH_COMPONENTS, build_nlp
    from claimgraph.settings import SPACY_MODEL

    for name in CLAIMGRAPH_COMPONENTS + ["claimgraph_line_breaks"]:
        config = nlp.get_pipe_config(name)
        named = [value for key, value in config.items() if key != "factory"]
        assert named and all((DATA_DIR / f"{value}.yaml").exists() or (DATA_DIR / f"{value}.jsonl").exists()
                             for value in named), (name, config)

    # a flows lexicon of one's own, named in the config: "crossbows" counts as firearms
    flows = yaml.safe_load((DATA_DIR / "flows.yaml").read_text(encoding="utf-8"))
    flows["flows"]["firearms"].append("crossbows")
    own = tmp_path / "my_flows.yaml"
    own.write_text(yaml.safe_dump(flows), encoding="utf-8")
    text = "Wardens in Ostrava seized 412 crossbows last year, the ministry said.\n"
    default = [f.figure for f in nlp(text)._.cg_figures]
    custom_nlp = build_nlp(SPACY_MODEL)
    custom_nlp.remove_pipe("claimgraph_figures")
    custom_nlp.add_pipe("claimgraph_figures", before="claimgraph_attribution", config={"flows": str(own)})
    custom = [f.figure for f in custom_nlp(text)._.cg_figures]
    assert [(f.value, f.unit) for f in default] == [(f.value, f.unit) for f in custom] == [(412, "crossbows")]
    assert default[0].flow != "firearms" and custom[0].flow == "firearms"
