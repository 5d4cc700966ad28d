"""The real CLI on hostile patterns and names (issue 15): adversarial globs, CODEOWNERS lines and
gate patterns finish within a time budget (they took minutes with backtracking matchers), and
names from the tree (a newline and a fake workflow command, BEL, a bidi override, ``@team``)
reach no output as markup, commands, invalid XML or a mention."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from reports.markdown import render_json

HOSTILE_GLOB = "*a*a*a*a*a*a*a*a*a*a*a*a*b"
DEEP = 30  # package a.a.a...: "**.**..." against every prefix was exponential in the depth
BUDGET_S = 60  # each run takes a few seconds; the backtracking matchers took many minutes


def timed(*args: str, cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-m", "advisor", *args], cwd=cwd,
                              capture_output=True, text=True, timeout=BUDGET_S * 2)
    except subprocess.TimeoutExpired:
        pytest.fail(f"advisor {' '.join(args)} ran over {BUDGET_S * 2} s")
    return time.perf_counter() - start, proc


def write(path: Path, text: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_adversarial_exclude_glob_is_matched_in_linear_time(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    long_dir = root / ("a" * 120)
    write(long_dir / ("a" * 120 + ".py"), "import other\n")
    write(root / "other.py", "X = 1\n")
    write(root / "pyproject.toml", f'[tool.advisor]\nexclude = ["{HOSTILE_GLOB}"]\n')
    elapsed, proc = timed("check", str(root), "--cache-dir", str(tmp_path / "c"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert elapsed < BUDGET_S


def test_adversarial_codeowners_line_is_matched_in_linear_time(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write(root / ("a" * 120 + ".py"), "import other\n")
    write(root / "other.py", "X = 1\n")
    write(root / "CODEOWNERS", f"{HOSTILE_GLOB} @x\n**/a/**/a/**/a/**/a/**/b @y\nother.py @z\n")
    elapsed, proc = timed("analyze", str(root), "-o", str(tmp_path / "out"), "--cache-dir",
                          str(tmp_path / "c"), "-q", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert elapsed < BUDGET_S
    assessment = (tmp_path / "out" / "assessment.json").read_text()
    assert "@z" in assessment  # CODEOWNERS was read and matched


def test_adversarial_gate_pattern_on_a_deep_package_is_fast(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    deep = root.joinpath(*["a"] * DEEP)
    for depth in range(1, DEEP + 1):
        write(root.joinpath(*["a"] * depth, "__init__.py"))
    write(deep / "m.py", "import z\n")
    write(root / "z.py", "X = 1\n")
    write(root / "pyproject.toml", "\n".join([
        "[[tool.advisor.gate.contracts]]", 'name = "deep code may not use z"',
        'type = "forbidden"', 'source = ["**.**.**.**.**.**.**.**.m"]', 'target = ["z"]', ""]))
    elapsed, proc = timed("check", str(root), "--cache-dir", str(tmp_path / "c"), cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr  # the contract is broken, and found
    assert ".".join(["a"] * DEEP) + ".m imports z" in proc.stdout
    assert elapsed < BUDGET_S


# --- names that try to become commands, markup, mentions or invalid XML ----------------------

INJECTED = "x\n::warning file=evil.py,line=1::injected\n"
BELL_BIDI = "bel\alo\u202egnp"


@pytest.fixture(scope="module")
def hostile_names(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("names") / "repo"
    for package in ("shop", "shop/web", "shop/domain", "shop/@octocat"):
        write(root / package / "__init__.py")
    write(root / "shop/web/views.py", "def v():\n    return 1\n")
    for name in (f"domain/{INJECTED}.py", f"domain/{BELL_BIDI}.py", "@octocat/m.py"):
        write(root / "shop" / name, "from shop.web import views\n")
    write(root / "pyproject.toml", "\n".join([
        "[[tool.advisor.gate.contracts]]", 'name = "domain not web"', 'type = "forbidden"',
        'source = ["shop.domain", "shop.@octocat"]', 'target = ["shop.web"]', ""]))
    return root


def check(root: Path, fmt: str) -> str:
    _, proc = timed("check", str(root), "--format", fmt, "--cache-dir",
                    str(root.parent / "cache"), cwd=root.parent)
    assert proc.returncode == 1, proc.stderr  # three violations of the contract
    return proc.stdout


def test_text_output_shows_names_escaped_on_one_line(hostile_names: Path) -> None:
    out = check(hostile_names, "text")
    assert not any(line.lstrip().startswith("::") for line in out.splitlines()), out
    assert "\a" not in out and "\u202e" not in out
    assert "x\\n::warning file=evil.py,line=1::injected\\n.py:1: error:" in out
    assert "bel\\x07lo\\u202egnp" in out
    assert "advisor check FAILED: 3 errors" in out


def test_github_output_holds_only_real_annotations(hostile_names: Path) -> None:
    lines = check(hostile_names, "github").splitlines()
    commands = [line for line in lines if line.lstrip().startswith("::")]
    assert len(commands) == 3 and len(lines) == 4  # one annotation a violation, one summary
    assert all(re.match(r"::error file=[^:]*,line=1,title=domain not web "
                        r"\[contract/domain-not-web\]::", c) for c in commands), commands
    assert not any("\a" in line or "\u202e" in line for line in lines)


def test_junit_is_valid_xml_whatever_the_names(hostile_names: Path) -> None:
    root = ET.fromstring(check(hostile_names, "junit"))
    failure = root.find("testsuite/testcase[@name='contract/domain-not-web']/failure")
    assert failure is not None
    assert "bel\\x07lo\\u202egnp" in failure.text
    assert not any(line.lstrip().startswith("::") for line in failure.text.splitlines())


def test_markdown_summary_mentions_nobody_and_shows_no_control_characters(
        hostile_names: Path) -> None:
    out = hostile_names.parent / "out"
    _, proc = timed("analyze", str(hostile_names), "-o", str(out), "--cache-dir",
                    str(hostile_names.parent / "cache"), "-q", cwd=hostile_names.parent)
    assert proc.returncode == 0, proc.stderr
    summary = (out / "report.md").read_text()
    assert "octocat" in summary  # the package name is shown...
    assert not re.search(r"@[A-Za-z0-9]", summary)  # ...but pings nobody
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069\u200e\u200f]",
                         summary)


def test_assessment_json_never_holds_a_bare_nan() -> None:
    text = render_json({"metrics": {"propagation_cost": float("nan"), "x": [float("inf")]}})
    assert json.loads(text) == {"metrics": {"propagation_cost": None, "x": [None]}}
    assert "NaN" not in text and "Infinity" not in text


@pytest.mark.skipif(os.name != "posix", reason="file names with control characters")
def test_names_really_hold_the_characters(hostile_names: Path) -> None:
    names = {p.name for p in (hostile_names / "shop" / "domain").iterdir()}
    assert f"{INJECTED}.py" in names and f"{BELL_BIDI}.py" in names
