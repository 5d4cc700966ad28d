"""Every command validates every ``[tool.advisor*]`` section and reports all errors at once.

Before: ``analyze`` accepted a broken gate table, ``check`` accepted broken signal values, and
the first error stopped everything (issue 16 item 6). Each error is one ``advisor: error:`` line
naming the file, the section and key, and the fix; the exit code is 2 and nothing is analysed.
"""

from __future__ import annotations

import pytest

from advisor.cli import main

BROKEN = """
[tool.advisor]
jobs = -1
colour = "red"

[tool.advisor.signals]
imports = "lots"
calls = -3

[tool.advisor.contexts]
seeds = 0

[tool.advisor.readiness]
min_commits = "ten"
weights = { "no.such.item" = 1 }

[tool.advisor.verdict]
contexts = "guess"

[tool.advisor.gate]
kinds = ["telepathy"]
module-cycles = "loud"

[[tool.advisor.gate.contracts]]
name = "domain stays pure"
type = "forbidden"
source = []
target = ["shop.web"]
shape = "round"

[[tool.advisor.gate.contracts]]
name = "no type"
"""

# (section and key, words of the fix), one per error in BROKEN
EXPECTED = [
    ("[tool.advisor]: 'jobs'", "0 = one per core"),
    ("[tool.advisor]: unknown key 'colour'", "known keys:"),
    ("[tool.advisor.signals]: 'imports'", "0 switches it off"),
    ("[tool.advisor.signals]: 'calls'", "not -3"),
    ("[tool.advisor.contexts]: 'seeds'", ">= 1"),
    ("[tool.advisor.readiness]: 'min_commits'", "not 'ten'"),
    ("[tool.advisor.readiness] 'weights': unknown readiness item 'no.such.item'", "known items"),
    ("[tool.advisor.verdict]: 'contexts'", "packages, proposed"),
    ("[tool.advisor.gate]: 'kinds' has unknown kind 'telepathy'", "choose from"),
    ("[tool.advisor.gate] 'module-cycles': 'severity'", "not 'loud'"),
    ("contract 1 ('domain stays pure'): 'source'", "non-empty list"),
    ("contract 1 ('domain stays pure'): unknown key 'shape'", "known keys:"),
    ("contract 2 ('no type'): 'type' is required", ""),
]


@pytest.fixture
def broken(tree):
    return tree({"pyproject.toml": BROKEN, "shop/__init__.py": "", "shop/web.py": "import shop\n"})


@pytest.mark.parametrize("command", ["analyze", "graph", "check", "baseline", "init"])
def test_every_command_reports_every_error_of_every_section(broken, command, capsys, tmp_path):
    out = tmp_path / "out"
    code = main([command, str(broken), "--no-cache"]
                + (["-o", str(out)] if command != "init" else []))
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert code == 2
    assert len(lines) == len(EXPECTED), captured.err
    for (where, fix), line in zip(EXPECTED, _ordered(lines)):
        assert line.startswith(f"advisor: error: {broken / 'pyproject.toml'} ")
        assert where in line and fix in line, line
    assert not out.exists()  # validated before any work, nothing written
    assert (broken / "pyproject.toml").read_text() == BROKEN
    assert not (broken / ".advisor-baseline.json").exists()


def _ordered(lines: list[str]) -> list[str]:
    """The lines in EXPECTED's order (each expected entry matches exactly one line)."""
    found = []
    for where, _ in EXPECTED:
        matching = [line for line in lines if where in line]
        assert len(matching) == 1, (where, lines)
        found.append(matching[0])
    return found


def test_analyze_rejects_a_broken_gate_table(tree, capsys, tmp_path):
    root = tree({"pyproject.toml": '[tool.advisor.gate]\nexclude_tags = ["sometimes"]\n',
                 "shop/__init__.py": ""})
    assert main(["analyze", str(root), "--no-git", "-o", str(tmp_path / "out")]) == 2
    assert "[tool.advisor.gate]: 'exclude_tags' has unknown tag 'sometimes'" in \
        capsys.readouterr().err


def test_check_rejects_broken_signal_values(tree, capsys):
    root = tree({"pyproject.toml": "[tool.advisor.signals]\ncochange = 1e400\n",
                 "shop/__init__.py": ""})
    assert main(["check", str(root)]) == 2
    err = capsys.readouterr().err
    assert "[tool.advisor.signals]: 'cochange' must be a number >= 0 and <= 100" in err
    assert len(err.splitlines()) == 1  # one error, one line, as before


def test_patterns_that_match_no_module_are_reported_together(tree, capsys):
    """Checked once the module names are known, still all at once: every pattern of every
    contract and context that matches nothing."""
    root = tree({"pyproject.toml": """
[tool.advisor.gate]
contexts = { sales = ["shop.nothing"] }
[[tool.advisor.gate.contracts]]
name = "one"
type = "forbidden"
source = ["shop.nope", "shop.nada"]
target = ["shop"]
[[tool.advisor.gate.contracts]]
name = "two"
type = "forbidden"
source = ["shop"]
target = ["shpo"]
""", "shop/__init__.py": "", "shop/a.py": "import shop\n"})
    assert main(["check", str(root), "--no-cache"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(": '")[1].split("'")[0] for line in lines] == [
        "shop.nothing", "shop.nope", "shop.nada", "shpo"]
    assert "pyproject.toml [tool.advisor.gate.contexts] 'sales'" in lines[0]
    assert "did you mean 'shop'?" in lines[3]
