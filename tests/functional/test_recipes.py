"""The install and CI recipes of docs/ci.md run as written (issue 16 item 2).

One session builds the sdist and wheel (``python -m build``) from a copy of this working tree
and installs the wheel into a fresh virtualenv; the tests then run, on a throwaway git
repository initialised with ``advisor init``: the GitHub workflow's ``run:`` steps and the GitLab
job's script in a shell, and the pre-commit hook through ``pre-commit try-repo``, each failing on
a violating import with the finding in its output and passing once it is fixed. The recipe files
are validated against SchemaStore's schemas as vendored by check-jsonschema (offline).

Installs need PyPI (pip's cache makes them quick after the first run): without it the tests are
skipped, saying so.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
import urllib.request
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[2]
RECIPES = REPO / "docs" / "recipes"
WORKFLOW, GITLAB, PRE_COMMIT = (RECIPES / "github-workflow.yml", RECIPES / "gitlab-ci.yml",
                                RECIPES / "pre-commit-config.yaml")
VIOLATION = "import marketplace.search.indexer\n"  # payments may not depend on search
VIOLATING_FILE = "marketplace/payments/client.py"
FINDING = "contract/payments-does-not-depend-on-catalog-orders-search"
QUIET = re.compile(r"deprecat", re.IGNORECASE)  # issue 16 item 11: no setuptools warnings


def run(cmd, cwd=None, env=None, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env={**os.environ, **(env or {})},
                          capture_output=True, text=True, timeout=timeout)


def need_pypi() -> None:
    index = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple/").rstrip("/")
    try:
        urllib.request.urlopen(f"{index}/pip/", timeout=10).close()
    except OSError as exc:
        pytest.skip(f"PyPI ({index}) is unreachable, the recipes cannot install: {exc}")


@pytest.fixture(scope="session")
def source(tmp_path_factory):
    """A copy of the files git tracks or would track in this working tree: the builds and
    installs below write nothing into it."""
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                 cwd=REPO)
    assert listed.returncode == 0, listed.stderr
    copy = tmp_path_factory.mktemp("recipes-source") / "monolith-advisor"
    for name in filter(None, listed.stdout.split("\0")):
        if (REPO / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, copy / name)
    return copy


@pytest.fixture(scope="session")
def offline(source, tmp_path_factory):
    """pip settings that install from a local folder of wheels only: the dependencies and the
    build backend, downloaded once (from pip's cache when it has them). Every install below
    (the builds, the virtualenv, pre-commit's hook environment) then asks no index."""
    need_pypi()
    wheels = tmp_path_factory.mktemp("recipes-wheels")
    project = tomllib.loads((source / "pyproject.toml").read_text())
    fetched = run([sys.executable, "-m", "pip", "download", "--disable-pip-version-check",
                   "-q", "-d", wheels, *project["build-system"]["requires"],
                   *project["project"]["dependencies"]])
    assert fetched.returncode == 0, fetched.stdout[-3000:] + fetched.stderr[-3000:]
    # no byte-compiling of what is installed: half the install time, for code run once
    return {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels), "PIP_COMPILE": "0",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONDONTWRITEBYTECODE": "1"}


@pytest.fixture(scope="session")
def dist(source, offline, tmp_path_factory):
    """(folder with the sdist and the wheel, the build's output)."""
    folder = tmp_path_factory.mktemp("recipes-dist")
    built = run([sys.executable, "-m", "build", "--outdir", folder, source], env=offline)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return folder, built.stdout + built.stderr


@pytest.fixture(scope="session")
def venv(dist, offline, tmp_path_factory):
    """(bin folder of a fresh virtualenv with the wheel installed, pip's output)."""
    folder = tmp_path_factory.mktemp("recipes-venv")
    made = run([sys.executable, "-m", "venv", folder])
    assert made.returncode == 0, made.stderr
    wheel = next(dist[0].glob("*.whl"))
    installed = run([folder / "bin" / "python", "-m", "pip", "install", wheel], env=offline)
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    return folder / "bin", installed.stdout + installed.stderr


def venv_env(bin_dir: Path) -> dict:
    """The virtualenv first on PATH, then only the system folders (no other Graphviz); one
    facts cache for the session, as the workflow's cache step restores it."""
    return {"PATH": f"{bin_dir}:/usr/bin:/bin", "VIRTUAL_ENV": str(bin_dir.parent),
            "XDG_CACHE_HOME": str(bin_dir.parent / "xdg-cache")}


GIT = {"GIT_AUTHOR_NAME": "Recipe Test", "GIT_AUTHOR_EMAIL": "recipes@example.invalid",
       "GIT_COMMITTER_NAME": "Recipe Test", "GIT_COMMITTER_EMAIL": "recipes@example.invalid",
       "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(project: Path, *args: str) -> None:
    done = run(["git", *args], cwd=project, env=GIT)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="session")
def project(venv, tmp_path_factory):
    """A throwaway git repository (the marketplace sample) set up as docs/ci.md says: the
    installed ``advisor init``, then a commit. Tests add the violation and take it out again."""
    root = tmp_path_factory.mktemp("recipes-project") / "shop"
    shutil.copytree(REPO / "samples" / "marketplace", root,
                    ignore=shutil.ignore_patterns("__pycache__"))
    git(root, "init", "-q", "-b", "main")
    made = run(["advisor", "init", "-q"], cwd=root, env=venv_env(venv[0]))
    assert made.returncode == 0, made.stderr
    assert "advisor check ." in made.stdout
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Gate coupling with advisor")
    return root


class Violation:
    """The violating import, added to the committed project; ``fix()`` takes it out."""

    def __init__(self, project: Path) -> None:
        self.path = project / VIOLATING_FILE
        self.original = self.path.read_text()
        self.path.write_text(VIOLATION + self.original)

    def fix(self) -> None:
        self.path.write_text(self.original)


@pytest.fixture
def violation(project):
    made = Violation(project)
    yield made
    made.fix()


def test_build_gives_an_sdist_and_a_wheel_twine_accepts_quietly(dist):
    folder, output = dist
    names = sorted(p.name for p in folder.iterdir())
    assert sorted(n.rsplit(".", 1)[-1] for n in names) == ["gz", "whl"], names
    checked = run([sys.executable, "-m", "twine", "check", "--strict", *folder.iterdir()])
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("PASSED") == 2, checked.stdout
    assert not QUIET.findall(output), [line for line in output.splitlines()
                                       if QUIET.search(line)]


def test_the_wheel_installs_quietly_and_draws_the_diagrams(venv, project, tmp_path):
    bin_dir, output = venv
    assert not QUIET.findall(output), output
    out = tmp_path / "report"
    made = run([bin_dir / "advisor", "analyze", project, "-o", out, "-q"],
               env=venv_env(bin_dir))
    assert made.returncode == 0, made.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count("<svg") >= 2  # the context map and the dependency diagrams
    assert "no Graphviz found" not in html + made.stderr


@pytest.mark.parametrize("recipe, schema", [(WORKFLOW, "vendor.github-workflows"),
                                            (GITLAB, "vendor.gitlab-ci")])
def test_the_ci_recipes_match_the_published_schemas(recipe, schema):
    checked = run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, recipe])
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_pre_commit_recipes_are_valid_and_pinned_by_commit():
    for command, path in (("validate-config", PRE_COMMIT),
                          ("validate-manifest", REPO / ".pre-commit-hooks.yaml")):
        checked = run([sys.executable, "-m", "pre_commit", command, path])
        assert checked.returncode == 0, checked.stdout + checked.stderr
    (entry,) = yaml.safe_load(PRE_COMMIT.read_text())["repos"]
    assert re.fullmatch(r"[0-9a-f]{40}", entry["rev"]), entry["rev"]
    assert [h["id"] for h in entry["hooks"]] == ["advisor-check"]
    package = yaml.safe_load(WORKFLOW.read_text())["env"]["ADVISOR_PACKAGE"]
    assert package == f"monolith-advisor @ git+{entry['repo']}@{entry['rev']}"
    assert Requirement(package).url == f"git+{entry['repo']}@{entry['rev']}"  # PEP 508
    gitlab = yaml.safe_load(GITLAB.read_text())["coupling-gate"]["variables"]
    assert gitlab["ADVISOR_PACKAGE"] == package


def workflow_steps() -> tuple[dict, list[dict]]:
    document = yaml.safe_load(WORKFLOW.read_text())
    (job,) = document["jobs"].values()
    return {**document.get("env", {}), **job.get("env", {})}, job["steps"]


def run_workflow(project: Path, bin_dir: Path, wheel: Path, offline: dict
                 ) -> list[tuple[str, int, str]]:
    """Every ``run:`` step as GitHub runs it (bash -eo pipefail; after a failure only the
    ``if: always()`` steps), the package to install being the built wheel. ``uses:`` steps
    (checkout, setup-python, cache, upload) are GitHub's own and left out."""
    env, steps = workflow_steps()
    env = {**env, "ADVISOR_PACKAGE": str(wheel), **venv_env(bin_dir), **offline}
    results, failed = [], False
    for step in steps:
        if "run" not in step or (failed and step.get("if") != "always()"):
            continue
        assert "${{" not in step["run"]  # the shell sees exactly what GitHub's would
        done = run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                   cwd=project, env={**env, **step.get("env", {})})
        results.append((step["run"], done.returncode, done.stdout + done.stderr))
        failed = failed or done.returncode != 0
    return results


def test_the_github_workflow_fails_on_the_finding_then_passes(project, venv, dist, offline,
                                                              violation):
    wheel = next(dist[0].glob("*.whl"))
    steps = run_workflow(project, venv[0], wheel, offline)
    codes = {command: code for command, code, _ in steps}
    assert codes == {'python -m pip install "$ADVISOR_PACKAGE"': 0,
                     "advisor check . --format github": 1,
                     "advisor check . --format sarif -o advisor.sarif || test $? -eq 1": 0}
    annotations = steps[1][2]
    assert f"::error file={VIOLATING_FILE},line=1," in annotations
    assert FINDING in annotations
    assert FINDING in (project / "advisor.sarif").read_text()
    violation.fix()
    steps = run_workflow(project, venv[0], wheel, offline)
    assert [code for _, code, _ in steps] == [0, 0, 0], steps


def run_gitlab_job(project: Path, bin_dir: Path, wheel: Path, offline: dict
                   ) -> tuple[int, str]:
    """before_script and script in one shell, as the runner does, then after_script in
    another; the package to install being the built wheel."""
    job = yaml.safe_load(GITLAB.read_text())["coupling-gate"]
    env = {**job["variables"], "ADVISOR_PACKAGE": str(wheel), **venv_env(bin_dir), **offline}
    main = run(["bash", "-eo", "pipefail", "-c",
                "\n".join(job["before_script"] + job["script"])], cwd=project, env=env)
    after = run(["bash", "-eo", "pipefail", "-c", "\n".join(job["after_script"])],
                cwd=project, env=env)
    assert after.returncode == 0, after.stderr
    return main.returncode, main.stdout + main.stderr


def test_the_gitlab_job_fails_on_the_finding_then_passes(project, venv, dist, offline,
                                                         violation):
    wheel = next(dist[0].glob("*.whl"))
    code, log = run_gitlab_job(project, venv[0], wheel, offline)
    assert code == 1, log
    assert f"{VIOLATING_FILE}:1: error:" in log and FINDING in log
    assert FINDING in (project / "advisor-junit.xml").read_text()
    violation.fix()
    code, log = run_gitlab_job(project, venv[0], wheel, offline)
    assert code == 0, log


def test_the_pre_commit_hook_fails_on_the_finding_then_passes(project, venv, tmp_path_factory,
                                                               offline, violation):
    """``pre-commit try-repo`` clones this repository at HEAD and pip-installs the clone, as a
    pinned ``rev`` (or a ``git+URL@commit`` install) does, then runs the hook on the project."""
    head = run(["git", "rev-parse", "HEAD"], cwd=REPO).stdout.strip()
    env = {"PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")), **GIT,
           **offline, "XDG_CACHE_HOME": venv_env(venv[0])["XDG_CACHE_HOME"]}
    command = [sys.executable, "-m", "pre_commit", "try-repo", REPO, "advisor-check",
               "--ref", head, "--all-files"]
    failed = run(command, cwd=project, env=env)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert f"{VIOLATING_FILE}:1: error:" in failed.stdout and FINDING in failed.stdout
    violation.fix()
    passed = run(command, cwd=project, env=env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "advisor check (coupling gate)" in passed.stdout
