"""The linear-time glob engine, and the path syntaxes built on it (``exclude``/``include`` globs,
CODEOWNERS), checked against the regex translations they replace on small random inputs."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzers import globs
from analyzers.discovery import matches_any
from analyzers.globs import Glob, literal, one, one_but, one_of, opt, seq, star
from analyzers.ownership import (
    CodeOwners,
    OwnerRule,
    collect_ownership,
    owners_for,
    parse_codeowners,
)


# --- the old translations, kept here only as oracles (Python regexes, which backtrack) ---------

def old_discovery_regex(pattern: str) -> re.Pattern[str]:
    pattern = pattern.strip().rstrip("/")
    anchored = "/" in pattern
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        else:
            out.append(re.escape(c))
        i += 1
    body = "".join(out)
    if not anchored:
        body = "(?:.*/)?" + body
    return re.compile(body + "(?:/.*)?")


def old_codeowners_regex(pattern: str) -> re.Pattern[str]:
    anchored = pattern.startswith("/")
    p = pattern.strip("/") if pattern != "/" else ""
    directory_only = pattern.endswith("/") and p != ""
    anchored = anchored or "/" in p
    children_only = p.endswith("/*")
    parts: list[str] = []
    i = 0
    while i < len(p):
        if p.startswith("**/", i):
            parts.append("(?:[^/]+/)*")
            i += 3
        elif p.startswith("/**", i) and i + 3 == len(p):
            parts.append("/.*")
            i += 3
        elif p.startswith("**", i):
            parts.append("[^/]*")
            i += 2
        elif p[i] == "*":
            parts.append("[^/]*")
            i += 1
        elif p[i] == "?":
            parts.append("[^/]")
            i += 1
        else:
            parts.append(re.escape(p[i]))
            i += 1
    body = "".join(parts)
    head = "" if anchored else "(?:.*/)?"
    if not p:
        return re.compile(r".*\Z")
    if directory_only:
        tail = "/.+"
    elif children_only:
        tail = ""
    else:
        tail = "(?:/.*)?"
    return re.compile(head + body + tail + r"\Z")


# no newline: the old regexes' "." stopped at one, the new engine's "any" does not (see below)
PATTERNS = st.text(alphabet="ab/*?[]! ", max_size=10)
PATHS = st.text(alphabet="ab/[]! ", max_size=12)


@settings(max_examples=600, deadline=None)
@given(pattern=PATTERNS, path=PATHS)
def test_exclude_globs_agree_with_the_old_regex(pattern: str, path: str) -> None:
    expected = old_discovery_regex(pattern).fullmatch(path) is not None
    assert matches_any(path, (pattern,)) is expected


@settings(max_examples=600, deadline=None)
@given(pattern=PATTERNS, path=PATHS)
def test_codeowners_patterns_agree_with_the_old_regex(pattern: str, path: str) -> None:
    co = CodeOwners("CODEOWNERS", (OwnerRule(pattern, ("@owner",), 1),))
    expected = old_codeowners_regex(pattern).match(path) is not None
    assert (owners_for(co, path) == ("@owner",)) is expected


def old_decide(rules: tuple[OwnerRule, ...], path: str) -> tuple[tuple[str, ...], int | None]:
    winners: dict[str | None, OwnerRule] = {}
    for rule in rules:
        if old_codeowners_regex(rule.pattern).match(path):
            winners[rule.section] = rule
    if not winners:
        return (), None
    owners: list[str] = []
    for rule in winners.values():
        owners.extend(o for o in rule.owners if o not in owners)
    return tuple(owners), max(rule.line for rule in winners.values())


RULES = st.lists(st.tuples(PATTERNS, st.lists(st.sampled_from(["@a", "@b", "@c"]), max_size=3),
                           st.sampled_from([None, None, "S", "T"])), max_size=6)


@settings(max_examples=400, deadline=None)
@given(rules=RULES, paths=st.lists(PATHS, min_size=1, max_size=4))
def test_codeowners_files_decide_as_before(rules, paths) -> None:
    # sections, when any, follow the unsectioned rules (as parse_codeowners produces them)
    rules = sorted(rules, key=lambda r: r[2] is not None)
    co = CodeOwners("CODEOWNERS", tuple(OwnerRule(p, tuple(o), n, sec)
                                        for n, (p, o, sec) in enumerate(rules, start=1)))
    facts = collect_ownership("/nonexistent", paths, codeowners=co)
    for f in facts.files:
        assert (f.owners, f.rule_line) == old_decide(co.rules, f.path)


# --- adversarial patterns: minutes with the old regexes, a time budget here ------------------

HOSTILE = "*a*a*a*a*a*a*a*a*a*a*a*a*b"


def test_hostile_exclude_glob_is_matched_in_linear_time() -> None:
    start = time.perf_counter()
    assert not matches_any("a" * 5000, (HOSTILE,))
    assert not matches_any("/".join(["a"] * 2000), ("**/a/**/a/**/a/**/a/**/a/**/b",))
    assert time.perf_counter() - start < 2.0


def test_hostile_codeowners_line_is_matched_in_linear_time() -> None:
    co = parse_codeowners(f"{HOSTILE} @x\n**/a/**/a/**/a/**/a/**/b @y\n")
    start = time.perf_counter()
    assert owners_for(co, "a" * 5000) == ()
    assert owners_for(co, "/".join(["a"] * 2000)) == ()
    assert time.perf_counter() - start < 2.0


# --- deliberate change: any character, a newline too, is just a character -----------------

def test_a_newline_in_a_name_does_not_escape_exclusion_or_ownership() -> None:
    # the old "(?:.*/)?" stopped at a newline, so a folder named "x\ny" slipped past "secret.py"
    assert matches_any("x\ny/secret.py", ("secret.py",))
    assert matches_any("x\ny/secret.py", ("**",))
    assert owners_for(parse_codeowners("secret.py @sec\n"), "x\ny/secret.py") == ("@sec",)


# --- the engine itself -------------------------------------------------------------------

def test_engine_nodes() -> None:
    g = Glob(seq(literal("a"), star(one_but("/")), opt(literal("!")), one()))
    assert g.fullmatch("ab/")
    assert g.fullmatch("a!x")
    assert g.fullmatch("a\n")
    assert not g.fullmatch("a/b/")
    assert not g.fullmatch("")
    digits = Glob(star(one_of("[0-9]", ".")))
    assert digits.fullmatch("0123")
    assert not digits.fullmatch("01a")
    assert Glob(star(star(literal("ab")))).fullmatch("abab")  # empty loops terminate


def test_engine_stays_right_when_its_cache_starts_over(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(globs, "_BUDGET", 3)
    g = Glob(seq(star(one()), literal("a"), one(), one(), one()))  # "a" 4th from the end
    for text in ("xaxyz", "aaaa", "abcdefgh", "bbbabcd", "babcda"):
        assert g.fullmatch(text) is (len(text) >= 4 and text[-4] == "a"), text


def test_many_dfa_states_still_linear() -> None:
    # "a" twelfth from the end: 2**12 subsets; the bounded cache keeps memory flat
    g = Glob(seq(star(one()), literal("a"), *[one()] * 11))
    text = "ab" * 3000
    start = time.perf_counter()
    assert g.fullmatch(text) is (text[-12] == "a")
    assert time.perf_counter() - start < 5.0


def test_all_caches_together_stay_under_the_total_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(globs, "_TOTAL_BUDGET", 500)
    patterns = [Glob(seq(star(one()), literal(c), one(), one())) for c in "abcdefghij"]
    # many distinct characters: without the total budget these caches hold about 9,000 cells
    text = "".join(chr(0x4E00 + i) for i in range(200)) + "abcdefghijxy"
    for g in list(globs._LIVE):  # patterns cached by other tests start empty too
        g._reset()
    for _ in range(3):
        assert [g.fullmatch(text) for g in patterns] == [c == "j" for c in "abcdefghij"]
        assert globs._total <= 1000
