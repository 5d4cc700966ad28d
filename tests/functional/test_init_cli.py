"""``advisor init`` through the real CLI: the gate table and baseline a project starts from."""

from __future__ import annotations

import difflib
import shutil
import tomllib
from pathlib import Path

import pytest

from tests.functional.cli import advisor_here as advisor

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
NAMES = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir())


def copy_sample(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(SAMPLES / name, target,
                    ignore=shutil.ignore_patterns("__pycache__", ".advisor-baseline.json"))
    return target


def only_insertions(before: str, after: str) -> bool:
    """``after`` is ``before`` with lines added, every other line kept as it was."""
    opcodes = difflib.SequenceMatcher(None, before.splitlines(True), after.splitlines(True),
                                      autojunk=False).get_opcodes()
    return all(tag in ("equal", "insert") for tag, *_ in opcodes)


@pytest.fixture(scope="module")
def initialised(tmp_path_factory):
    """Every sample copied and initialised once: name -> (root, init's run, the pyproject.toml
    before). One facts cache for the module (``--cache-dir``), so later checks are warm."""
    base = tmp_path_factory.mktemp("init-samples")
    out = {}
    for name in NAMES:
        root = copy_sample(name, base)
        pyproject = root / "pyproject.toml"
        before = pyproject.read_text(encoding="utf-8") if pyproject.exists() else ""
        out[name] = (root, advisor("init", "-q", "--cache-dir", base / "cache", cwd=root),
                     before)
    return out


def check(root: Path, *args) -> object:
    return advisor("check", ".", "--cache-dir", root.parent / "cache", *args, cwd=root)


@pytest.mark.parametrize("name", NAMES)
def test_after_init_every_sample_passes_its_gate(name, initialised):
    root, run, before = initialised[name]
    assert run.code == 0, run.err
    assert run.out.splitlines()[-3:] == [
        "next:",
        "  git add pyproject.toml .advisor-baseline.json && git commit -m 'Gate coupling with "
        "advisor'",
        "  advisor check ."]
    after = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert only_insertions(before, after)
    gate = tomllib.loads(after)["tool"]["advisor"]["gate"]
    assert gate["package-cycles"] == "warn"  # the wiring package's cycles by design
    assert (root / ".advisor-baseline.json").exists()
    result = check(root)
    assert result.code == 0, result.out + result.err


def test_marketplace_fails_the_default_gate_and_passes_after_init(initialised, tmp_path):
    """The issue's showcase: package cycles from the top package that wires its sub-packages."""
    root, run, _ = initialised["marketplace"]
    assert run.out.startswith("wrote [tool.advisor.gate] to pyproject.toml: 4 context(s), ")
    gate = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["advisor"]["gate"]
    assert sorted(gate["contexts"]) == ["catalog", "orders", "payments", "search"]
    fresh = copy_sample("marketplace", tmp_path)  # no table, no baseline: the default gate
    default = advisor("check", ".", "-q", "--cache-dir", root.parent / "cache", cwd=fresh)
    assert default.code == 1
    assert "package-cycles [error]" in default.out
    assert "package-cycles [error]" not in check(root, "-q").out


def test_a_new_violation_after_init_fails_with_the_finding(initialised):
    root = initialised["marketplace"][0]
    client = root / "marketplace" / "payments" / "client.py"
    original = client.read_text()
    client.write_text("import marketplace.search.indexer\n" + original)
    try:
        run = check(root)
    finally:
        client.write_text(original)
    assert run.code == 1
    assert "contract/payments-does-not-depend-on-catalog-orders-search [error]" in run.out
    assert "marketplace/payments/client.py:1: error: marketplace.payments.client" in run.out
    assert check(root, "-q").code == 0  # fixed


SMALL = {
    "pyproject.toml": '[project]\nname = "shop"  # keep this comment\n\n'
                      '[tool.advisor]\ninclude = ["shop/**"]\n\n[tool.ruff]\nline-length = 99\n',
    "shop/__init__.py": "",
    "shop/a.py": "from shop import b\n",
    "shop/b.py": "X = 1\n",
}


def test_rerunning_keeps_the_table_and_the_baseline(tree):
    root = tree(SMALL)
    first = advisor("init", "-q", cwd=root)
    assert first.code == 0, first.err
    text = (root / "pyproject.toml").read_text()
    assert only_insertions(SMALL["pyproject.toml"], text)
    assert text.index("[tool.advisor.gate]") < text.index("[tool.ruff]")  # in its place
    edited = text.replace('package-cycles = "warn"', 'package-cycles = "error"  # ours')
    (root / "pyproject.toml").write_text(edited)
    baseline = (root / ".advisor-baseline.json").read_bytes()
    again = advisor("init", "-q", cwd=root)
    assert again.code == 0, again.err
    assert again.out.splitlines()[:2] == [
        "kept the [tool.advisor.gate] table in pyproject.toml (--force replaces it)",
        "kept the baseline .advisor-baseline.json (--force rewrites it)"]
    assert (root / "pyproject.toml").read_text() == edited
    assert (root / ".advisor-baseline.json").read_bytes() == baseline
    forced = advisor("init", "--force", "-q", cwd=root)
    assert forced.code == 0, forced.err
    assert forced.out.startswith("wrote [tool.advisor.gate] to pyproject.toml")
    assert (root / "pyproject.toml").read_text() == text  # the proposal again, in its place


def test_a_kept_table_gets_the_baseline_it_lacks(tree):
    files = {**SMALL, "pyproject.toml": SMALL["pyproject.toml"] + '\n[tool.advisor.gate]\n'
             'module-cycles = "error"\n', "shop/b.py": "from shop import a\n"}
    root = tree(files)
    assert advisor("check", ".", "-q", cwd=root).code == 1  # a cycle today
    run = advisor("init", "-q", cwd=root)
    assert run.code == 0, run.err
    assert run.out.splitlines()[:2] == [
        "kept the [tool.advisor.gate] table in pyproject.toml (--force replaces it)",
        "wrote the baseline .advisor-baseline.json: 2 violation(s) and 2 metric value(s) "
        "accepted as known debt"]
    assert (root / "pyproject.toml").read_text() == files["pyproject.toml"]
    assert advisor("check", ".", "-q", cwd=root).code == 0


def test_init_into_a_config_file_outside_the_project(tree, tmp_path):
    root = tree(SMALL)
    config, baseline = tmp_path / "ci" / "gate.toml", tmp_path / "ci" / "baseline.json"
    run = advisor("init", root, "--config", config, "--baseline", baseline, "-q")
    assert run.code == 0, run.err
    assert run.out.splitlines()[-1] == (f"  advisor check {root} --config {config} "
                                        f"--baseline {baseline}")
    assert (root / "pyproject.toml").read_text() == SMALL["pyproject.toml"]
    assert not (root / ".advisor-baseline.json").exists()
    assert "[tool.advisor.gate]" in config.read_text()
    check = advisor("check", root, "--config", config, "--baseline", baseline, "-q")
    assert check.code == 0, check.out + check.err


def test_a_broken_pyproject_is_one_line_naming_the_file(tree):
    root = tree({**SMALL, "pyproject.toml": "[project\n"})
    run = advisor("init", "-q", cwd=root)
    assert run.code == 2
    assert len(run.err.splitlines()) == 1
    assert "pyproject.toml: not valid TOML" in run.err
    assert (root / "pyproject.toml").read_text() == "[project\n"
    assert not (root / ".advisor-baseline.json").exists()


def test_a_file_it_cannot_edit_in_place_is_left_alone(tree):
    text = '[project]\nname = "shop"\n\n[tool]\nadvisor = {include = ["shop/**"]}\n'
    root = tree({**SMALL, "pyproject.toml": text})
    run = advisor("init", "-q", cwd=root)
    assert run.code == 2
    assert run.err == (f"advisor: error: {root}/pyproject.toml: cannot add the gate table without "
                       "changing the rest of the file (paste it yourself: 'advisor analyze' "
                       "writes it to advisor-report/advisor-gate.toml)\n")
    assert (root / "pyproject.toml").read_text() == text


def test_a_pyproject_linked_out_of_the_project_is_never_read(tree, tmp_path):
    """The project's pyproject.toml is a file of the analysed tree: a link leading out of it is
    refused before anything is read through it, and nothing is written."""
    outside = tmp_path / "outside.toml"
    outside.write_text("not toml: the contents of a file outside the project\n")
    root = tree({k: v for k, v in SMALL.items() if k != "pyproject.toml"})
    (root / "pyproject.toml").symlink_to(outside)
    run = advisor("init", "-q", cwd=root)
    assert run.code == 2 and len(run.err.splitlines()) == 1, run.err
    assert "pyproject.toml" in run.err and "not valid TOML" not in run.err  # never parsed
    assert (root / "pyproject.toml").is_symlink() and not (root / ".advisor-baseline.json").exists()
    assert outside.read_text() == "not toml: the contents of a file outside the project\n"
