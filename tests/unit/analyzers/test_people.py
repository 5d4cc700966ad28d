"""analyzers.people: bots are not people, and one person's identities are one person."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzers.history import collect_history
from analyzers.people import github_login, is_bot, merge_identities, name_key
from tests.unit.analyzers.test_history import NOW, commit, git, write


@pytest.mark.parametrize("name, email", [
    ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"),
    ("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com"),
    ("latest-changes[bot]", "313495250+latest-changes[bot]@users.noreply.github.com"),
    ("Github-actions", "github-actions@github.com"),  # no [bot]: a known automation account
    ("GitHub Action", "action@github.com"),
    ("renovate", "bot@renovateapp.com"),
    ("pre-commit-ci", "66853113+pre-commit-ci@users.noreply.github.com"),
    ("Weblate", "noreply@weblate.org"),
    ("Hosted Weblate", "hosted@weblate.org"),
    ("snyk-bot", "snyk-bot@snyk.io"),
    ("greenkeeper", "support@greenkeeper.io"),
    ("allcontributors", "46447321+allcontributors[bot]@users.noreply.github.com"),
    ("release-bot", "release@example.com"),  # "*-bot" service account
    ("bot_deploy", "ci@example.com"),  # "bot-*" service account
    ("Release Manager", "noreply@example.com"),  # an automation mailbox
    ("Ann", "1234+some-bot@users.noreply.github.com"),  # the login says bot
])
def test_automation_accounts_are_bots(name, email):
    assert is_bot(name, email)


@pytest.mark.parametrize("name, email", [
    ("Ann Smith", "ann@example.com"),
    ("Abbot Talbot", "abbot@example.com"),  # "bot" inside a word is no service suffix
    ("Sebastián Ramírez", "tiangolo@users.noreply.github.com"),
    ("noreply", "123+noreply-fan@users.noreply.github.com"),  # a person's GitHub address
    ("Kevin", "kevin@bots.example"),
])
def test_people_are_not_bots(name, email):
    assert not is_bot(name, email)


def test_name_key_folds_case_accents_punctuation_and_spacing():
    assert name_key("Pēteris  Caune") == name_key("peteris caune") == "peteris caune"
    assert name_key("pankaj-basnet") == name_key("Pankaj Basnet")
    assert name_key("Miłosz Skaza") == "milosz skaza"
    assert name_key("E. Ta.") == "e ta"


def test_github_login_from_noreply_addresses():
    assert github_login("126325182+Stuckvgn@users.noreply.github.com") == "stuckvgn"
    assert github_login("stuckvgn@users.noreply.github.com") == "stuckvgn"
    assert github_login("sam@openpaws.ai") is None
    assert github_login("123+@users.noreply.github.com") is None


def test_same_email_is_one_person_named_as_they_sign_most():
    people = merge_identities({("pankaj-basnet", "p@x.io"): 21, ("Pankaj Basnet", "P@X.io"): 2})
    assert set(people.values()) == {"pankaj-basnet"}


def test_a_tie_goes_to_the_fuller_name():
    people = merge_identities({("AmandeepMandal1077", "a@iiit.in"): 1,
                               ("Amandeep Mandal", "a@iiit.in"): 1})
    assert set(people.values()) == {"Amandeep Mandal"}


def test_github_login_joins_the_two_noreply_forms():
    people = merge_identities({("stuckvgn", "stuckvgn@users.noreply.github.com"): 1,
                               ("Sam Tucker-Davis", "1+stuckvgn@users.noreply.github.com"): 1})
    assert set(people.values()) == {"Sam Tucker-Davis"}


def test_normalised_name_joins_addresses_and_joins_are_transitive():
    people = merge_identities({("Pēteris Caune", "p@home.lv"): 5,
                               ("peteris caune", "p@work.io"): 1,
                               ("PC", "p@work.io"): 1})
    assert set(people.values()) == {"Pēteris Caune"}


def test_a_first_name_alone_joins_the_one_full_name_it_starts():
    people = merge_identities({("Mikail", "6186720+nyan@users.noreply.github.com"): 75,
                               ("Mikail Kocak", "mikail.kocak@saleor.io"): 4})
    assert set(people.values()) == {"Mikail"}
    two = merge_identities({("Sam", "s@a.io"): 1, ("Sam Jones", "j@b.io"): 3,
                            ("Sam Smith", "s@c.io"): 2})
    assert len(set(two.values())) == 3  # which Sam? neither


def test_placeholders_join_nobody():
    people = merge_identities({("Ann", "you@example.com"): 1, ("Bob", "you@example.com"): 1,
                               ("Unknown", "c@x.io"): 1, ("unknown", "d@y.io"): 1,
                               ("Cy", "root@localhost"): 1, ("Di", "root@localhost"): 1})
    assert sorted(people.values()) == ["Ann", "Bob", "Cy", "Di", "Unknown", "unknown"]


# --- on a real history: what collect_history reports -------------------------------------------

DEPENDABOT = ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")
ACTIONS = ("Github-actions", "github-actions@github.com")


def test_history_leaves_bots_out_of_authors_files_churn_and_co_change(tmp_path: Path) -> None:
    r = tmp_path / "repo"
    r.mkdir()
    git(r, "init", "-q", "-b", "main")
    write(r, "app/models.py", 2)
    commit(r, ("Ann", "ann@example.com"), "2024-01-01")
    for day in ("2024-01-02", "2024-01-03"):
        write(r, "requirements.txt", 1, day)
        write(r, "app/models.py", 1, day)
        commit(r, DEPENDABOT, day)
    write(r, "app/views.py", 1)
    write(r, "app/models.py", 1, "lint")
    commit(r, ACTIONS, "2024-01-04")
    write(r, "app/views.py", 1, "ann")
    commit(r, ("Ann", "ann@example.com"), "2024-01-05")
    facts = collect_history(str(r), now=NOW)
    assert facts.authors == (("Ann", 2),)
    assert facts.commits == 2
    assert facts.bots == (("dependabot[bot]", 2), ("Github-actions", 1))
    assert facts.bot_commits == 3
    assert facts.file("requirements.txt") is None  # only bots changed it
    assert facts.file("app/models.py").authors == (("Ann", 1),)
    assert facts.file("app/models.py").commits == 1
    assert facts.co_changes == ()  # the bots' pairs are not the people's


def test_history_merges_one_persons_identities(tmp_path: Path) -> None:
    r = tmp_path / "repo"
    r.mkdir()
    git(r, "init", "-q", "-b", "main")
    signed = [("pankaj-basnet", "1+pankaj-basnet@users.noreply.github.com")] * 3 + [
        ("Pankaj Basnet", "1+pankaj-basnet@users.noreply.github.com"),  # same address
        ("stuckvgn", "stuckvgn@users.noreply.github.com"),
        ("Sam Tucker-Davis", "126325182+stuckvgn@users.noreply.github.com"),  # same login
        ("Mikail", "6186720+NyanKiyoshi@users.noreply.github.com"),
        ("Mikail", "6186720+NyanKiyoshi@users.noreply.github.com"),
        ("Mikail Kocak", "mikail.kocak@saleor.io"),  # the one full name "Mikail" stands for
        ("Pēteris Caune", "cuu508@home.example"),
        ("peteris caune", "peteris@work.example"),  # same name, accents and case aside
    ]
    for i, who in enumerate(signed):
        write(r, f"f{i}.py", 1)
        commit(r, who, f"2024-01-{i + 1:02d}")
    facts = collect_history(str(r), now=NOW)
    assert facts.authors == (("pankaj-basnet", 4), ("Mikail", 3), ("Pēteris Caune", 2),
                             ("Sam Tucker-Davis", 2))
    assert facts.file("f5.py").authors == (("Sam Tucker-Davis", 1),)


def test_merge_commits_link_identities_and_sign_names(tmp_path: Path) -> None:
    r = tmp_path / "repo"
    r.mkdir()
    git(r, "init", "-q", "-b", "main")
    write(r, "README.md", 1)
    commit(r, ("Roland", "r@wger.example"), "2024-01-01")
    git(r, "checkout", "-q", "-b", "feature")
    write(r, "ingredient/models.py", 1)
    commit(r, ("stuckvgn", "stuckvgn@users.noreply.github.com"), "2024-01-02")
    write(r, "ingredient/views.py", 1)
    commit(r, ("Sam", "sam@openpaws.example"), "2024-01-03")
    git(r, "checkout", "-q", "main")
    git(r, "merge", "-q", "--no-ff", "-m", "merge", "feature", day="2024-01-04",
        who=("Sam Tucker-Davis", "126325182+stuckvgn@users.noreply.github.com"))
    facts = collect_history(str(r), now=NOW)
    assert facts.merges == 1
    assert facts.authors == (("Sam Tucker-Davis", 2), ("Roland", 1))
