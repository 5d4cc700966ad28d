"""Organisation items: team size, ownership aligned with contexts, author overlap."""

from __future__ import annotations

import pytest

from analyzers.history import HistoryFacts
from tests.unit.advisor.test_readiness_fixtures import (
    check,
    codeowners,
    history,
    inputs,
    three_contexts,
)

PATHS = {"orders": "orders/service.py", "billing": "billing/api.py", "shop": "shop/api.py"}


def authored(per_context: dict[str, dict[str, int]]) -> HistoryFacts:
    return history({PATHS[c]: authors for c, authors in per_context.items()})


def team(n: int) -> dict[str, int]:
    return {f"dev{i}": 5 for i in range(n)}


@pytest.mark.parametrize("authors, score", [(9, 1.0), (5, 0.5), (2, 0.0)])
def test_teams_from_active_authors(authors, score):
    h = authored({"orders": team(authors)})
    result = check("org.teams", inputs(three_contexts(), history=h))
    assert result.score == pytest.approx(score)
    assert f"{authors} active author(s)" in result.summary


def test_authors_with_one_commit_are_not_active():
    h = authored({"orders": {"a": 5, "b": 5, "c": 1, "d": 1}})
    assert check("org.teams", inputs(three_contexts(), history=h)).facts["active_authors"] == 2


def test_teams_from_codeowners_when_there_is_no_history():
    g = three_contexts()
    three = codeowners(g, {"orders": "@o", "billing": "@b", "shop": "@s"})
    two = codeowners(g, {"orders": "@o", "billing": "@b"})
    one = codeowners(g, {"orders": "@o"})
    scores = [check("org.teams", inputs(g, ownership=o)).score for o in (three, two, one)]
    assert scores == [1.0, 0.5, 0.0]


def test_too_little_history_is_no_data_and_says_why():
    h = authored({"orders": {"a": 2, "b": 2}})  # 4 commits, fewer than min_commits (10)
    result = check("org.teams", inputs(three_contexts(), history=h))
    assert result.score is None
    assert "fewer than 10" in result.summary


def test_ownership_aligned_with_contexts_by_codeowners():
    g = three_contexts()
    full = codeowners(g, {"orders": "@o", "billing": "@b", "shop": "@s"})
    partial = codeowners(g, {"orders": "@a", "billing": "@a", "shop": "@s"})
    zero = codeowners(g, {"orders": "@a", "billing": "@a", "shop": "@a"})
    results = [check("org.ownership", inputs(g, ownership=o)) for o in (full, partial, zero)]
    assert [r.score for r in results] == pytest.approx([1.0, 1 / 3, 0.0])
    assert results[1].facts["aligned"] == ["shop"]
    assert "also owns another context" in results[2].evidence[0].detail


def test_ownership_by_dominant_commit_share_without_codeowners():
    aligned = authored({"orders": {"ana": 9, "bo": 1}, "billing": {"bo": 8},
                        "shop": {"cy": 7}})
    shared = authored({"orders": {"ana": 5, "bo": 5}, "billing": {"ana": 5, "bo": 5},
                       "shop": {"cy": 7}})
    assert check("org.ownership", inputs(three_contexts(), history=aligned)).score == 1.0
    result = check("org.ownership", inputs(three_contexts(), history=shared))
    assert result.score == pytest.approx(1 / 3)  # nobody holds 60% of orders or billing
    assert result.facts["source"] == "history"


def test_ownership_without_codeowners_or_history_is_no_data():
    assert check("org.ownership", inputs(three_contexts())).score is None


def test_author_overlap_between_contexts():
    distinct = authored({"orders": {"a": 5}, "billing": {"b": 5}, "shop": {"c": 5}})
    some = authored({"orders": {"a": 5}, "billing": {"a": 5}, "shop": {"c": 5}})
    same = authored({"orders": {"a": 5}, "billing": {"a": 5}, "shop": {"a": 5}})
    scores = [check("org.overlap", inputs(three_contexts(), history=h)).score
              for h in (distinct, some, same)]
    assert scores == pytest.approx([1.0, 2 / 3, 0.0])


def test_overlap_without_history_is_no_data():
    result = check("org.overlap", inputs(three_contexts(), history=HistoryFacts(False, "no git")))
    assert result.score is None and "no git" in result.summary
