"""Who runs what on the seeds, against our own annotation (tests/seed_entities.yaml), plus
composed sentences for aliases, acronyms, identity across articles and the hierarchy."""

from pathlib import Path

import yaml

from graph.queries import query_text, rows

from .scoring import label_norm

ANNOTATION = yaml.safe_load((Path(__file__).parent / "seed_entities.yaml").read_text(encoding="utf-8"))


def names_of(store) -> tuple[set[str], dict[str, str]]:
    found, types = set(), {}
    for r in rows(store.query(query_text("entities"))):
        for name in [r["label"], *(r["aliases"] or "").split("|")]:
            if name:
                found.add(label_norm(name))
                types.setdefault(label_norm(name), r["type"])
    return found, types


def test_named_agencies_operations_and_people(seed_store, capsys):
    found, types = names_of(seed_store)
    missed = [e["names"][0] for e in ANNOTATION["entities"] if not any(label_norm(n) in found for n in e["names"])]
    recall = 1 - len(missed) / len(ANNOTATION["entities"])
    with capsys.disabled():
        print(f"\nseed entities: recall={recall:.3f} missed={missed}")
    assert recall >= 0.9, missed
    junk = [j for j in ANNOTATION["junk"] if label_norm(j) in found and types.get(label_norm(j)) in ("Agency", "Operation")]
    assert not junk


def test_agency_operation_relations(seed_store, capsys):
    ops = rows(seed_store.query(query_text("operations")))
    pairs = {(label_norm(r["agentLabel"]), label_norm(r["operationLabel"])) for r in ops}
    core = [r for r in ANNOTATION["relations"] if not r.get("optional")]
    hit = [r for r in core if any((label_norm(a), label_norm(o)) in pairs for a in r["agent"] for o in r["operation"])]
    recall = len(hit) / len(core)
    with capsys.disabled():
        print(f"seed relations: recall={recall:.3f} found={sorted(pairs)}")
    assert recall >= 0.85


def test_aliases_identity_and_hierarchy(tmp_path):
    from claimgraph.build import build
    from graph.store import open_built

    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "one.txt").write_text(
        "Cartel guns\n\nBy Ana Ruiz\n\nThe Transnational Border Tracing Unit (TBTU) was launched by ICE in 2021. "
        "The TBTU traced 400 rifles last year, ICE said.\n\nSource: Border Wire\n")
    (articles / "two.txt").write_text(
        "Inside the hunt for guns\n\nBy Tom Hale\n\nImmigration and Customs Enforcement agents working with the "
        "Transnational Border Tracing Unit seized 80 pistols. Operación Rápido y Furioso still haunts the ATF.\n\nSource: Desert Post\n")
    build(articles, tmp_path / "out", workers=1)
    store = open_built(tmp_path / "out" / "graph.trig")
    entities = {r["label"]: r for r in rows(store.query(query_text("entities")))}
    unit = entities["Transnational Border Tracing Unit"]
    assert "TBTU" in unit["aliases"].split("|")
    ice = [r for r in entities.values() if r["entity"].endswith("/entity/ice")]
    assert len(ice) == 1  # one node for ICE whichever name each article used
    assert "Operation Fast and Furious" in entities
    used = rows(store.query("""PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX cg: <https://w3id.org/claimgraph/ns#>
        SELECT ?file ?name WHERE { GRAPH ?g { <https://w3id.org/claimgraph/id/entity/ice> skos:altLabel ?name .
        ?a a cg:Article ; cg:fileName ?file } }"""))
    assert {(r["file"], r["name"]) for r in used} >= {("one.txt", "ICE"), ("two.txt", "Immigration and Customs Enforcement")}
    parents = rows(store.query("""PREFIX cg: <https://w3id.org/claimgraph/ns#>
        SELECT ?parent WHERE { <https://w3id.org/claimgraph/id/entity/ice> cg:partOf ?parent }"""))
    assert {r["parent"].rsplit("/", 1)[-1] for r in parents} == {"dhs"}
    ops = {(r["agentLabel"], r["operationLabel"]) for r in rows(store.query(query_text("operations")))}
    assert ("U.S. Immigration and Customs Enforcement", "Transnational Border Tracing Unit") in ops


def test_hierarchy_and_descriptions_from_the_text(extract_text):
    records = extract_text("Guns south\n\nBy Ana Ruiz\n\nThe Treasury Department's Office of Border Finance counted "
                           "300 transfers. Homeland Security Investigations, a component of ICE, seized 12 rifles. "
                           "The audit was released by the DHS Inspector General. The DHS watchdog found that 40 pistols went missing.\n")
    parts = {(r.agent.label, r.target.label) for r in records.relations if r.relation == "partOf"}
    assert ("Office of Border Finance", "U.S. Department of the Treasury") in parts
    assert ("Homeland Security Investigations", "U.S. Immigration and Customs Enforcement") in parts
    watchdog = next(c for c in records.claims if c.figure.span.text.startswith("40"))
    assert watchdog.source.entity.key == "dhs_oig" and "DHS watchdog" in watchdog.source.entity.aliases
