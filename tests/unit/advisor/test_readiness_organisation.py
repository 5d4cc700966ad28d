"""Organisation items: team size, ownership aligned with contexts, author overlap."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from advisor.readiness.inputs import active_people, several_teams
from analyzers.history import HistoryFacts, collect_history
from analyzers.ownership import collect_ownership
from tests.unit.analyzers.test_history import NOW, commit, git, write
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


@pytest.mark.parametrize("authors, teams, score", [(2, 1, 0.0), (8, 1, 0.0), (9, 2, 0.5),
                                                  (17, 3, 1.0)])
def test_teams_from_people_sharing_the_work(authors, teams, score):
    h = authored({"orders": team(authors)})
    result = check("org.teams", inputs(three_contexts(), history=h))
    assert result.score == pytest.approx(score)
    assert result.facts["teams"] == teams and result.facts["source"] == "history"
    assert f"{authors} active author(s)" in result.summary


def test_one_maintainer_and_many_occasional_contributors_are_one_team():
    h = authored({"orders": {"lead": 600, **{f"drive{i}": 2 for i in range(40)}}})
    result = check("org.teams", inputs(three_contexts(), history=h))
    assert result.facts["active_authors"] == 41
    assert (result.facts["teams"], result.score) == (1, 0.0)
    assert "One team" in result.advice


def test_authors_with_one_commit_are_not_active():
    h = authored({"orders": {"a": 5, "b": 5, "c": 1, "d": 1}})
    assert check("org.teams", inputs(three_contexts(), history=h)).facts["active_authors"] == 2


def test_teams_from_codeowners_when_there_is_no_history():
    g = three_contexts()
    three = codeowners(g, {"orders": "@org/o", "billing": "@org/b", "shop": "@org/s"})
    two = codeowners(g, {"orders": "@org/o", "billing": "@org/b"})
    one = codeowners(g, {"orders": "@org/o"})
    scores = [check("org.teams", inputs(g, ownership=o)).score for o in (three, two, one)]
    assert scores == [1.0, 0.5, 0.0]


def test_codeowners_users_are_people_not_teams():
    g = three_contexts()
    users = codeowners(g, {"orders": "@ann", "billing": "@bob", "shop": "cy@example.com"})
    assert check("org.teams", inputs(g, ownership=users)).score is None  # and no history


def test_one_codeowners_team_outweighs_many_active_people():
    g = three_contexts()
    result = check("org.teams", inputs(g, history=authored({"orders": team(20)}),
                                       ownership=codeowners(g, dict.fromkeys(PATHS, "@org/eng"))))
    assert (result.facts["source"], result.facts["teams"], result.score) == ("codeowners", 1, 0)
    assert "@org/eng" in result.summary and "20 active author(s)" in result.summary
    assert result.evidence[0].path == ".github/CODEOWNERS" and result.evidence[0].line == 1


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


def test_one_change_makes_nobody_the_owner_of_a_context():
    h = authored({"orders": {"ana": 9, "bo": 1}, "billing": {"bo": 1}, "shop": {"cy": 7}})
    inp = inputs(three_contexts(), history=h)
    assert inp.judgement.contexts["billing"].owner is None
    result = check("org.ownership", inp)
    assert result.facts["unknown"] == ["billing"]
    assert "fewer than 5 file changes" in result.summary and "billing" in result.summary
    assert result.score == 1.0  # orders and shop, each with its own owner; billing unknown
    lenient = check("org.ownership", inputs(three_contexts(), history=h, min_changes=1))
    assert lenient.facts["owners"]["billing"] == "bo"


def test_overlap_needs_enough_changes_per_context():
    few = authored({"orders": {"a": 1}, "billing": {"b": 1}, "shop": {"a": 9, "c": 9}})
    result = check("org.overlap", inputs(three_contexts(), history=few))
    assert result.score is None and "5 or more file changes" in result.summary


# --- the detectors the truth set scores, on real git trees --------------------------------------

def _repo(tmp_path: Path, signed: list[tuple[tuple[str, str], int]],
          codeowners_text: str | None = None) -> tuple[HistoryFacts, object]:
    """A git tree where each (identity, n) makes n commits; CODEOWNERS when given."""
    r = tmp_path / "repo"
    r.mkdir()
    git(r, "init", "-q", "-b", "main")
    write(r, "app/models.py", 1)
    if codeowners_text is not None:
        (r / ".github").mkdir()
        (r / ".github" / "CODEOWNERS").write_text(codeowners_text)
    day = 0
    for who, n in signed:
        for _ in range(n):
            day += 1
            write(r, "app/models.py", 1, f"{who[0]} {day}")
            commit(r, who, (date(2024, 1, 1) + timedelta(days=day % 300)).isoformat())
    history_facts = collect_history(str(r), now=NOW)
    return history_facts, collect_ownership(str(r), ["app/models.py"], history_facts)


def _people(n: int, commits: int) -> list[tuple[tuple[str, str], int]]:
    return [((f"Dev{i:02d} Person", f"dev{i}@example.com"), commits) for i in range(n)]


def test_bots_are_not_active_people_and_identities_merge(tmp_path: Path) -> None:
    h, own = _repo(tmp_path, [
        (("Kevin Chung", "kevin@ctfd.io"), 5),
        (("Motov Yurii", "109919500+YuriiMotov@users.noreply.github.com"), 2),
        (("Yurii Motov", "109919500+YuriiMotov@users.noreply.github.com"), 1),
        (("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"), 3),
        (("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com"), 2),
        (("Github-actions", "github-actions@github.com"), 2),
        (("AmandeepMandal1077", "2023kucp1077@iiitkota.ac.in"), 1),
        (("Amandeep Mandal", "2023kucp1077@iiitkota.ac.in"), 1),
    ])
    people = active_people(h, own)
    assert people == ["Kevin Chung", "Motov Yurii", "Amandeep Mandal"]
    assert [p.commits for p in people] == [5, 3, 2]
    assert not several_teams(people, own)


def test_three_active_people_are_one_team(tmp_path: Path) -> None:
    h, own = _repo(tmp_path, [(("Kevin", "k@x.io"), 9), (("Milo", "m@x.io"), 3),
                              (("Eddie", "e@x.io"), 2)])
    people = active_people(h, own)
    assert len(people) == 3 and not several_teams(people, own)


def test_many_people_sharing_the_work_are_several_teams(tmp_path: Path) -> None:
    h, own = _repo(tmp_path, _people(10, 2))
    assert several_teams(active_people(h, own), own)


def test_one_maintainer_with_occasional_contributors_is_one_team(tmp_path: Path) -> None:
    h, own = _repo(tmp_path, [(("Roland", "r@x.io"), 60)] + _people(12, 2))
    people = active_people(h, own)
    assert len(people) == 13 and not several_teams(people, own)


def test_codeowners_teams_decide(tmp_path: Path) -> None:
    h, own = _repo(tmp_path, _people(10, 2), "* @acme/engineering\n")
    assert not several_teams(active_people(h, own), own)  # ten people, one named team
    (tmp_path / "repo").rename(tmp_path / "one")
    h, own = _repo(tmp_path, _people(2, 2), "* @acme/web\napp/ @acme/payments @acme/web\n")
    assert several_teams(active_people(h, own), own)


def test_two_people_are_one_team_whatever_the_team_size():
    h = authored({"orders": team(2)})
    assert check("org.teams", inputs(three_contexts(), history=h), team_size=1).facts[
        "teams"] == 1
    assert check("org.teams", inputs(three_contexts(), history=authored({"orders": team(3)})),
                 team_size=1).facts["teams"] == 3


def test_history_by_bots_only_is_no_data_and_says_so():
    h = replace(authored({"orders": {"a": 1}}), commits=1, bot_commits=40,
                bots=(("dependabot[bot]", 40),))
    result = check("org.teams", inputs(three_contexts(), history=h))
    assert result.score is None
    assert "1 commit(s) by people" in result.summary and "40 more by automation" in result.summary
