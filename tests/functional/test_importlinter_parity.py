"""The contracts ``advisor analyze`` exports mean the same thing in both files: import-linter
(``lint-imports``, run in a subprocess over a copy of the tangled sample) and ``advisor check``
keep and break the same contracts, on the same module pairs, directly and transitively, before
and after a change to the tree.

import-linter only parses the copied tree (grimp reads the files; ``PYTHONPATH`` points at the
copy so it can find them); nothing of the sample is imported or run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "tangled"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
_LINK = re.compile(r"^(-)?\s+(\S+) -> (\S+) \(l\.")
_STATUS = re.compile(r"^(.+) (KEPT|BROKEN)( \(.*\))?$")
_NAMES = re.compile(r"^(\S+) is not allowed to import (\S+):$")
_REASON = re.compile(r": (\S+) may not depend on (\S+)$")

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(),
                                reason="import-linter is not installed (pip install -e .[test])")


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple[Path, str, str]:
    """The tangled sample with its tests in a package (so an ignore entry covers a subtree),
    and the two contract files ``advisor analyze`` exports for it."""
    base = tmp_path_factory.mktemp("parity")
    tree = base / "tree"
    shutil.copytree(SAMPLE, tree)
    (tree / "orders" / "tests").mkdir()
    (tree / "orders" / "tests" / "__init__.py").write_text("")
    (tree / "orders" / "tests.py").rename(tree / "orders" / "tests" / "test_services.py")
    out = base / "out"
    cache = base / "cache"  # shared with the checks below, so they read the facts warm
    assert main(["analyze", str(tree), "-o", str(out), "--no-git", "--cache-dir", str(cache),
                 "-q"]) == 0
    gate, ini = (out / "advisor-gate.toml").read_text(), (out / "importlinter.ini").read_text()
    assert "orders.tests -> inventory.**" in ini  # the fixture exercises a subtree entry
    return tree, gate, ini


class Broken:
    """What a tool found wrong with one contract: the (upstream, downstream) module pairs at
    the ends of its chains, and the (source, target) names of the contract they break."""

    def __init__(self) -> None:
        self.pairs: set[tuple[str, str]] = set()
        self.names: set[tuple[str, str]] = set()

    def __eq__(self, other) -> bool:
        return (self.pairs, self.names) == (other.pairs, other.names)

    def __repr__(self) -> str:
        return f"Broken(pairs={sorted(self.pairs)}, names={sorted(self.names)})"


def lint_imports(tree: Path, ini: str) -> dict[str, Broken]:
    """contract name -> what lint-imports' report says is broken (nothing when kept)."""
    config = tree.parent / "importlinter.ini"
    config.write_text(ini)
    env = {**os.environ, "PYTHONPATH": str(tree), "COLUMNS": "10000"}  # no wrapped lines
    proc = subprocess.run([str(LINT_IMPORTS), str(config), "--no-cache"], cwd=tree, env=env,
                          capture_output=True, text=True)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    found: dict[str, Broken] = {}
    current, chain, broken_section = None, [], False
    lines = proc.stdout.splitlines() + [""]
    for i, line in enumerate(lines):
        status = _STATUS.match(line)
        if status and not broken_section:
            found[status.group(1)] = Broken()
        if line == "Broken contracts":
            broken_section = True
        elif broken_section and line in found and set(lines[i + 1]) == {"-"}:
            current = found[line]
        elif current and (names := _NAMES.match(line)):
            current.names.add((names.group(1), names.group(2)))
        link = _LINK.match(line)
        if link and link.group(1):
            chain = [link.group(2), link.group(3)]
        elif link:
            chain.append(link.group(3))
        elif chain:
            current.pairs.add((chain[0], chain[-1]))
            chain = []
    return found


def advisor_check(tree: Path, gate: str) -> dict[str, Broken]:
    config = tree.parent / "advisor-gate.toml"
    config.write_text(gate)
    proc = subprocess.run([sys.executable, "-m", "advisor", "check", str(tree), "--config",
                           str(config), "--format", "json", "--cache-dir",
                           str(tree.parent / "cache"), "-q"],
                          capture_output=True, text=True)
    assert proc.returncode in (0, 1), proc.stderr
    document = json.loads(proc.stdout)
    found = {r["title"]: Broken() for r in document["rules"] if r["kind"] == "contract"}
    titles = {r["id"]: r["title"] for r in document["rules"]}
    for v in document["violations"]:
        if v["rule"] in titles and titles[v["rule"]] in found:
            broken = found[titles[v["rule"]]]
            broken.pairs.add(tuple(v["key"].split(" -> ")))
            broken.names.add(_REASON.search(v["message"]).groups())
    return found


def only_forbidden(gate: str) -> str:
    """The gate file without the public-interface contracts (import-linter has none)."""
    blocks = gate.split("\n\n")
    return "\n\n".join(b for b in blocks if 'type = "public-interface"' not in b)


def test_the_exported_contracts_break_on_the_same_pairs(exported):
    tree, gate, ini = exported
    linted, checked = lint_imports(tree, ini), advisor_check(tree, only_forbidden(gate))
    assert linted == checked
    assert any(b.pairs for b in linted.values())


def test_a_new_test_module_is_allowed_by_both_and_a_new_app_import_broken_by_both(exported):
    tree, gate, ini = exported
    tests = tree / "orders" / "tests" / "test_new.py"
    app = tree / "orders" / "reports.py"
    tests.write_text("import inventory.services\n")
    app.write_text("from inventory import services\n")
    try:
        linted, checked = lint_imports(tree, ini), advisor_check(tree, only_forbidden(gate))
    finally:
        tests.unlink()
        app.unlink()
    assert linted == checked
    broken = set().union(*(b.pairs for b in linted.values()))
    assert ("orders.reports", "inventory.services") in broken
    assert not any(a.startswith("orders.tests") for a, _ in broken)


def test_transitive_contracts_break_the_same_names_and_find_every_chain(exported):
    """import-linter shows a covering set of shortest chains (it drops each chain's imports
    before looking for the next); the gate reports every module pair joined by a chain. So:
    the same contracts broken for the same (source, target) names, and every chain
    import-linter shows is one the gate reports."""
    tree, gate, ini = exported
    chained = tree / "customers" / "loyalty.py"
    chained.write_text("import orders.services\n")  # customers -> orders -> inventory
    indirect_ini = ini.replace("allow_indirect_imports = True", "allow_indirect_imports = False")
    indirect_gate = re.sub(r'(?m)^type = "forbidden"$', 'type = "forbidden"\ntransitive = true',
                           only_forbidden(gate))
    try:
        linted = lint_imports(tree, indirect_ini)
        checked = advisor_check(tree, indirect_gate)
    finally:
        chained.unlink()
    assert set(linted) == set(checked)
    for name, broken in linted.items():
        assert broken.names == checked[name].names, name
        assert broken.pairs <= checked[name].pairs, name
    linted_pairs = set().union(*(b.pairs for b in linted.values()))
    assert any(a == "customers.loyalty" for a, _ in linted_pairs)  # its pick among ties varies
    assert {("customers.loyalty", "inventory.models"),
            ("customers.loyalty", "inventory.services")} <= set().union(
        *(b.pairs for b in checked.values()))
