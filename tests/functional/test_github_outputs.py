"""``advisor check`` on GitHub Actions: the job summary and capped annotations, via the real CLI.

GitHub shows ten annotations of each kind per step and nothing more; the job summary
(``$GITHUB_STEP_SUMMARY``, appended to) is where a run's counts, first findings and baseline
news are visible. Names from the analysed tree (here: a contract's name and guidance, which
the repository's own pyproject.toml sets) must stay text there.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import write_tree
from tests.functional.cli import Run, advisor_here


@pytest.fixture
def advisor(monkeypatch):
    """The real CLI in this process: ``advisor(*args, cwd=..., env=...) -> Run``."""

    def run(*args, cwd: Path | None = None, env: dict | None = None) -> Run:
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        run = advisor_here(*args, "--no-cache", cwd=cwd)
        for name in env or {}:
            monkeypatch.delenv(name)
        return run

    return run

HOSTILE = "web <img src=x onerror=alert(1)> | @octocat [click](https://evil.example) **now**"
GATE = f"""\
[tool.advisor.gate]
package-cycles = "warn"

[[tool.advisor.gate.contracts]]
name = {json.dumps(HOSTILE)}
id = "no-web"
type = "forbidden"
source = ["shop.domain"]
target = ["shop.web"]
guidance = "Ask @admins <b>first</b>"
"""
SHOP = {
    "pyproject.toml": GATE,
    "shop/__init__.py": "",
    "shop/common.py": "X = 1\n",
    "shop/domain/__init__.py": "",
    "shop/domain/models.py": "from shop import common\n",
    "shop/web/__init__.py": "",
    "shop/web/views.py": "from shop.domain import models\n",
}
VIOLATION = "from shop.web import views\n"

# a ring of 12 top-level packages: 12 module-cycle errors and 12 package-cycle warnings
RING = 12
RING_TREE = {"pyproject.toml": '[tool.advisor.gate]\npackage-cycles = "warn"\n',
             **{f"p{i}/__init__.py": "" for i in range(RING)},
             **{f"p{i}/m.py": f"import p{(i + 1) % RING}.m\n" for i in range(RING)}}


def test_summary_is_appended_with_counts_findings_and_baseline_delta(advisor, tree, tmp_path):
    root = tree(SHOP)
    assert advisor("baseline", root, "-q").code == 0  # accepts the state: no violation yet
    (root / "shop/domain/models.py").write_text(VIOLATION, encoding="utf-8")  # a new one
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    env = {"GITHUB_STEP_SUMMARY": str(summary)}
    run = advisor("check", root, "--format", "github", "-q", cwd=root, env=env)
    assert run.code == 1, run.err
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n### advisor check FAILED\n")  # appended, not replaced
    assert "**3 new errors, 2 new warnings**" in text
    rows = [line for line in text.splitlines() if line.startswith("| <code>")]
    assert rows[:3] == [
        "| <code>module-cycles</code> No new module cycles | error | 2 | 0 |",
        "| <code>package-cycles</code> No new package cycles | warning | 2 | 0 |",
        "| <code>contract/no-web</code> web &lt;img src=x onerror=alert(1)&gt; \\| "
        "@\u200doctocat \\[click\\](https://evil.example) \\*\\*now\\*\\* | error | 1 | 0 |"]
    assert "| <code>shop/domain/models.py:1</code> | <code>contract/no-web</code> error | " \
           in text
    assert "#### Baseline\n\n- <code>.advisor-baseline.json</code>: 0 known violations" in text
    # nothing from the tree reads as markup, a link or a mention
    assert "<img" not in text and "<b>" not in text
    assert not re.search(r"(?<!\\)\]\(", text)  # no link: every "](" is escaped
    assert "@octocat" not in text and "@\u200doctocat" in text
    assert "web &lt;img src=x onerror=alert(1)&gt; \\| @\u200doctocat \\[click\\]" in text
    # a second step appends a second summary
    assert advisor("check", root, "-q", cwd=root, env=env).code == 1
    assert summary.read_text(encoding="utf-8").count("### advisor check FAILED") == 2


def test_summary_reports_what_the_baseline_gained_and_lost(advisor, tree, tmp_path):
    files = {**SHOP, "shop/domain/models.py": VIOLATION}
    root = tree(files)
    assert advisor("baseline", root, "-q").code == 0  # the violation is known debt
    (root / "shop/domain/models.py").write_text("from shop import common\n", encoding="utf-8")
    summary = tmp_path / "summary.md"
    run = advisor("check", root, "-q", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert run.code == 0, run.err
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("### advisor check passed\n\n**0 new errors, 0 new warnings**\n")
    assert "No violation of any rule." in text
    # the contract breach and the module and package cycles it made are fixed
    assert "- 5 entries no longer found (fixed, or the rule is gone); " in text
    assert "  - <code>contract/no-web</code> shop.domain.models -&gt; shop.web.views" in text
    assert "  - <code>package-cycles</code> shop.web -&gt; shop.domain\n" in text


def test_summary_path_must_be_a_regular_file(advisor, tree, tmp_path):
    root = tree(SHOP)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    run = advisor("check", root, "-q", env={"GITHUB_STEP_SUMMARY": str(fifo)})
    assert run.code == 2 and run.out == ""
    assert run.err.count("\n") == 1 and f"{fifo}: not a regular file (a FIFO)" in run.err
    folder = tmp_path / "folder"
    folder.mkdir()
    assert advisor("check", root, "-q", env={"GITHUB_STEP_SUMMARY": str(folder)}).code == 2


def test_annotations_are_capped_per_level_with_a_pointer_to_the_rest(advisor, tree, tmp_path):
    root = tree(RING_TREE)
    summary = tmp_path / "summary.md"
    run = advisor("check", root, "--format", "github", "-q", cwd=root,
                  env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert run.code == 1, run.err
    lines = run.out.splitlines()
    assert sum(line.startswith("::error ") for line in lines) == 10
    assert sum(line.startswith("::warning ") for line in lines) == 10
    assert lines[-2] == ("::notice title=advisor check::2 more errors and 2 more warnings not "
                         "shown as annotations (GitHub shows 10 of each per step): see the job "
                         "summary, the SARIF upload in code scanning, or 'advisor check --format "
                         "text'")
    assert lines[-1] == "advisor check FAILED: 12 errors, 12 warnings"
    text = summary.read_text(encoding="utf-8")
    findings = [line for line in text.splitlines() if re.match(r"\| <code>p\d", line)]
    assert len(findings) == 20  # the first 20 (errors first), then a pointer to the rest
    assert all(" error | " in line for line in findings[:12])
    assert "…and 4 more: the SARIF upload shows every one" in text


def test_no_notice_when_nothing_is_hidden(advisor, tree):
    count = 10  # exactly as many as GitHub shows
    files = {"pyproject.toml": '[tool.advisor.gate]\npackage-cycles = "off"\n',
             **{f"p{i}/__init__.py": "" for i in range(count)},
             **{f"p{i}/m.py": f"import p{(i + 1) % count}.m\n" for i in range(count)}}
    run = advisor("check", tree(files), "--format", "github", "-q")
    assert run.code == 1
    lines = run.out.splitlines()
    assert sum(line.startswith("::error ") for line in lines) == count
    assert not any(line.startswith("::notice") for line in lines)


def test_annotation_paths_are_relative_to_the_repository_root(advisor, tmp_path):
    """GitHub reads ``file=`` from the checkout's root, whatever the step's working-directory:
    the same path from inside the analysed folder and from above the repository."""
    repo = tmp_path / "repo"
    write_tree(repo / "backend", {**SHOP, "shop/domain/models.py": VIOLATION})
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    for cwd, path in ((repo / "backend", "."), (tmp_path, "repo/backend")):
        run = advisor("check", path, "--format", "github", "-q", cwd=cwd)
        assert run.code == 1, run.err
        files = {re.match(r"::\w+ file=([^,]+),", line).group(1)
                 for line in run.out.splitlines() if line.startswith("::error")}
        assert files == {"backend/shop/domain/models.py", "backend/shop/web/views.py"}, cwd
