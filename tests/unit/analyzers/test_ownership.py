"""analyzers.ownership: CODEOWNERS parsing and matching, authorship shares."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analyzers.history import FileHistory, HistoryFacts
from analyzers.ownership import (
    CodeOwners,
    FileOwnership,
    OwnerRule,
    author_shares,
    collect_ownership,
    load_codeowners,
    owners_for,
    parse_codeowners,
)

GITHUB = """\
# comments and blank lines are skipped

*                       @org/everyone
*.js                    @js-owner   # a trailing comment
/docs/                  @docs-team
apps/                   @apps-team
/build/logs/            @ops
docs/*                  docs@example.com
**/migrations           @dba
src/**/generated.py     @codegen
/src/vendor/            # no owners: unowned
/README.md              @writer @org/everyone
"""


@pytest.fixture
def rules() -> CodeOwners:
    return parse_codeowners(GITHUB, ".github/CODEOWNERS")


def test_parse_keeps_lines_patterns_and_owners(rules: CodeOwners) -> None:
    assert rules.source_path == ".github/CODEOWNERS"
    assert rules.rules[:3] == (
        OwnerRule("*", ("@org/everyone",), 3),
        OwnerRule("*.js", ("@js-owner",), 4),
        OwnerRule("/docs/", ("@docs-team",), 5),
    )
    assert rules.rules[-2] == OwnerRule("/src/vendor/", (), 11)
    assert len(rules.rules) == 10


@pytest.mark.parametrize(("path", "owners"), [
    ("setup.py", ("@org/everyone",)),  # only `*`
    ("web/app.js", ("@js-owner",)),  # `*.js` at any depth, after `*`: last match wins
    ("docs/guide/intro.md", ("@docs-team",)),  # `/docs/` owns everything below
    ("docs/index.md", ("docs@example.com",)),  # `docs/*` comes later and wins for children
    ("docs/app.js", ("docs@example.com",)),  # later `docs/*` beats earlier `*.js`
    ("nested/docs/x.md", ("@org/everyone",)),  # `/docs/` and `docs/*` are anchored
    ("apps/api/views.py", ("@apps-team",)),  # `apps/` matches a directory at the top
    ("services/apps/api.py", ("@apps-team",)),  # ... and at any depth
    ("apps", ("@org/everyone",)),  # a file named apps is not the directory apps/
    ("build/logs/today.log", ("@ops",)),
    ("x/build/logs/today.log", ("@org/everyone",)),
    ("shop/migrations/0001_initial.py", ("@dba",)),  # `**/` at any depth
    ("migrations/0001_initial.py", ("@dba",)),  # ... including none
    ("src/generated.py", ("@codegen",)),  # `/**/` matches zero directories
    ("src/a/b/generated.py", ("@codegen",)),
    ("src/a/b/generated_py", ("@org/everyone",)),
    ("src/vendor/lib.py", ()),  # a rule without owners unowns
    ("README.md", ("@writer", "@org/everyone")),
    ("sub/README.md", ("@org/everyone",)),
])
def test_owners_for(rules: CodeOwners, path: str, owners: tuple[str, ...]) -> None:
    assert owners_for(rules, path) == owners


def test_children_only_star_pattern_does_not_reach_grandchildren() -> None:
    co = parse_codeowners("docs/*  @a\n")
    assert owners_for(co, "docs/x.md") == ("@a",)
    assert owners_for(co, "docs/sub/x.md") == ()


def test_no_rules_and_no_file_mean_no_owners() -> None:
    assert owners_for(None, "a.py") == ()
    assert owners_for(parse_codeowners("# only a comment\n"), "a.py") == ()


def test_gitlab_sections_add_up_and_defaults_apply() -> None:
    co = parse_codeowners(
        "*.py @python\n"
        "[Backend] @backend-leads\n"
        "app/\n"
        "app/models.py @dba\n"
        "^[Docs][2]\n"
        "*.md @writers\n"
    )
    assert [r.section for r in co.rules] == [None, "Backend", "Backend", "Docs"]
    assert co.rules[1] == OwnerRule("app/", ("@backend-leads",), 3, "Backend")
    assert owners_for(co, "app/views.py") == ("@python", "@backend-leads")
    assert owners_for(co, "app/models.py") == ("@python", "@dba")
    assert owners_for(co, "app/README.md") == ("@backend-leads", "@writers")
    assert owners_for(co, "setup.cfg") == ()


def test_escaped_space_and_hash_in_patterns() -> None:
    co = parse_codeowners(r"my\ docs/ @a" "\n" r"\#notes.txt @b" "\n")
    assert [r.pattern for r in co.rules] == ["my docs/", "#notes.txt"]
    assert owners_for(co, "my docs/x.md") == ("@a",)
    assert owners_for(co, "#notes.txt") == ("@b",)


def test_load_prefers_dot_github_then_root(tmp_path: Path) -> None:
    assert load_codeowners(str(tmp_path)) is None
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "CODEOWNERS").write_text("* @docs\n")
    (tmp_path / "CODEOWNERS").write_text("* @root\n")
    assert load_codeowners(str(tmp_path)).source_path == "CODEOWNERS"
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "CODEOWNERS").write_text("\n* @github\n")
    loaded = load_codeowners(str(tmp_path))
    assert loaded == CodeOwners(".github/CODEOWNERS", (OwnerRule("*", ("@github",), 2),))


def test_codeowners_link_leaving_the_root_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "CODEOWNERS").write_text("* @stranger\n")
    root = tmp_path / "root"
    root.mkdir()
    os.symlink(outside / "CODEOWNERS", root / "CODEOWNERS")
    facts = collect_ownership(str(root), ["a.py"])
    assert facts.codeowners is None
    assert facts.note == "CODEOWNERS not read: CODEOWNERS links outside the analysed root; not read"
    assert facts.files == (FileOwnership("a.py", (), None),)


def _history() -> HistoryFacts:
    return HistoryFacts(available=True, commits=4, files=(
        FileHistory("app/models.py", 4, (("Ann", 3), ("Ben", 1)), "2024-01-01", "2024-02-01"),
        FileHistory("app/views.py", 3, (("Ben", 1), ("Cy", 1), ("Dee", 1)), "2024-01-01",
                    "2024-01-03"),
    ))


def test_author_shares() -> None:
    history = _history()
    assert author_shares(history, "app/models.py") == (("Ann", 0.75), ("Ben", 0.25))
    assert author_shares(history, "app/views.py") == (("Ben", 0.3333), ("Cy", 0.3333),
                                                      ("Dee", 0.3333))
    assert author_shares(history, "app/unknown.py") == ()
    assert author_shares(HistoryFacts(available=False), "app/models.py") == ()
    assert author_shares(None, "app/models.py") == ()


def test_collect_ownership_maps_each_path(tmp_path: Path) -> None:
    (tmp_path / "CODEOWNERS").write_text("* @all\napp/models.py @dba\n/tools/ \n")
    facts = collect_ownership(str(tmp_path), ["tools/x.py", "app/models.py", "app/views.py",
                                              "app/models.py"], _history())
    assert facts.note is None
    assert facts.codeowners.source_path == "CODEOWNERS"
    assert facts.files == (
        FileOwnership("app/models.py", ("@dba",), 2, (("Ann", 0.75), ("Ben", 0.25))),
        FileOwnership("app/views.py", ("@all",), 1,
                      (("Ben", 0.3333), ("Cy", 0.3333), ("Dee", 0.3333))),
        FileOwnership("tools/x.py", (), 3),
    )
    assert facts.owned_files == 2


def test_collect_ownership_without_codeowners(tmp_path: Path) -> None:
    facts = collect_ownership(str(tmp_path), ["a.py"])
    assert facts.codeowners is None
    assert facts.note is None
    assert facts.files == (FileOwnership("a.py", (), None),)
    assert facts.owned_files == 0


def test_author_shares_are_people_not_bots(tmp_path: Path) -> None:
    from analyzers.history import collect_history
    from tests.unit.analyzers.test_history import NOW, commit, git, write

    git(tmp_path, "init", "-q", "-b", "main")
    write(tmp_path, "app/models.py", 1)
    commit(tmp_path, ("Ann", "ann@example.com"), "2024-01-01")
    for day in ("2024-01-02", "2024-01-03", "2024-01-04"):
        write(tmp_path, "app/models.py", 1, day)
        commit(tmp_path, ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"),
               day)
    write(tmp_path, "app/models.py", 1, "ann again")
    commit(tmp_path, ("ann", "ann@home.example"), "2024-01-05")  # Ann from home
    facts = collect_ownership(str(tmp_path), ["app/models.py"],
                              collect_history(str(tmp_path), now=NOW))
    assert facts.files[0].author_shares == (("Ann", 1.0),)
