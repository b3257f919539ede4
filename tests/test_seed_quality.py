"""How good the claims are on the seeds, against our own annotations (tests/seed_annotations.yaml)."""

from graph.queries import query_text, rows

from .scoring import CLAIM_FIGURES, score


def test_seed_claims_meet_the_targets(seed_store, capsys):
    claims = rows(seed_store.query(query_text("claims")))
    figures = {r["claim"]: r["figure"] for r in rows(seed_store.query(CLAIM_FIGURES))}
    result = score(claims, figures)
    report = (f"precision={result.precision:.3f} recall={result.recall:.3f} "
              f"source={result.share(result.right_source):.3f} bounds={result.share(result.right_bounds):.3f} "
              f"unit={result.share(result.right_unit):.3f} flow={result.share(result.right_flow):.3f} "
              f"period={result.share(result.right_period, result.periods):.3f}\n"
              f"misses={result.misses}\nwrong={result.wrong}\nnon-claims taken={result.non_claims_hit}")
    with capsys.disabled():
        print("\nseed claims:", report)
    assert result.precision >= 0.9, report
    assert result.recall >= 0.9, report
    assert result.share(result.right_source) >= 0.9, report
    assert result.share(result.right_bounds) >= 0.9, report
    assert result.share(result.right_unit) >= 0.9, report
    assert result.share(result.right_period, result.periods) >= 0.9, report
    assert not result.non_claims_hit, report
