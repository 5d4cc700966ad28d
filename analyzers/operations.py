"""Operations evidence: CI, containers, IaC, observability, resilience, messaging, configuration,
tests, enforced boundaries and declared dependencies, found in the repository's files.

Everything is static and cheap: file names, regular expressions over text, ``tomllib`` and
``configparser`` for declarations. Nothing is imported or executed (``setup.py`` is never run).
Files are listed once by ``FileTree``, which never leaves the root (links whose real path lies
outside are recorded as skipped and never read), skips ``.git``, ``node_modules``, virtualenvs
(directories holding ``pyvenv.cfg``), this tool's own ``advisor-report`` folder (and the folder
a run writes to, whatever its name) and hidden
directories except ``.github``, ``.gitlab``,
``.circleci`` and container folders (``.devcontainer``), and caps the number of files and the
size of each file read. The detectors live in ``analyzers.delivery`` (CI, deploys,
containers, IaC) and ``analyzers.runtime`` (health, resilience, workers and queues,
configuration); README's "How it decides" says what each reads.

Support code (tests, fixtures, migrations, test settings: ``analyzers.support``, by path and
by content) is never evidence of how the application runs: a ``queue="..."`` in a test, a
health URL a test requests, a Dockerfile of an e2e suite or a manifest among test fixtures
count for nothing. Only CI pipelines and the test suite itself are read from it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from analyzers.delivery import detect_ci, detect_containers, detect_iac, pipeline_kind
from analyzers.dependencies import detect_dependencies
from analyzers.facts import SkippedFile
from analyzers.filetree import (
    MAX_FILE_BYTES,
    MAX_FILES,
    Evidence,
    FileTree,
    _base,
    _dist_name,
    _hits,
    _sorted,
)
from analyzers.opsbase import LIBRARIES, library_dependencies, library_imports
from analyzers.runtime import (
    detect_config,
    detect_messaging,
    detect_observability,
    detect_resilience,
)

__all__ = ["Evidence", "FileTree", "OperationsFacts", "SuiteStats", "collect_operations",
           "detect_ci", "detect_config", "detect_containers", "detect_dependencies", "detect_iac",
           "detect_messaging", "detect_observability", "detect_resilience", "LIBRARIES",
           "library_dependencies", "library_imports", "pipeline_kind", "MAX_FILES",
           "MAX_FILE_BYTES"]


@dataclass(frozen=True, slots=True)
class SuiteStats:
    test_files: int = 0
    test_functions: int = 0
    test_lines: int = 0
    code_lines: int = 0  # lines of non-test Python files
    coverage_fail_under: float | None = None  # the highest threshold found

    @property
    def test_to_code_ratio(self) -> float:
        return round(self.test_lines / self.code_lines, 3) if self.code_lines else 0.0


@dataclass(frozen=True, slots=True)
class OperationsFacts:
    ci: tuple[Evidence, ...] = ()  # kinds: pipeline, test_runner, runs_tests, deploys
    containers: tuple[Evidence, ...] = ()  # dockerfile, compose
    iac: tuple[Evidence, ...] = ()  # kubernetes, kustomize, helm, terraform, pulumi, ...
    observability: tuple[Evidence, ...] = ()  # tracing, metrics, error_tracking, logging, health
    resilience: tuple[Evidence, ...] = ()  # retry, circuit_breaker, timeout, no_timeout
    messaging: tuple[Evidence, ...] = ()  # celery, rq, dramatiq, kafka, amqp, queues, worker
    config: tuple[Evidence, ...] = ()  # env_vars, django-environ, pydantic-settings, ...
    tests: tuple[Evidence, ...] = ()  # test_files, test_config, coverage_threshold
    boundaries: tuple[Evidence, ...] = ()  # import-linter, contract, tach, advisor-gate
    dependencies: tuple[Evidence, ...] = ()  # runtime, optional, dev; detail = requirement
    test_stats: SuiteStats = SuiteStats()
    files_scanned: int = 0
    skipped: tuple[SkippedFile, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ci_runs_tests(self) -> bool:
        return any(e.kind == "runs_tests" for e in self.ci)

    @property
    def ci_deploys(self) -> bool:
        return any(e.kind == "deploys" for e in self.ci)

    @property
    def requests_without_timeout(self) -> int:
        return sum(1 for e in self.resilience if e.kind == "no_timeout")

    @property
    def declared_dependencies(self) -> tuple[str, ...]:
        return tuple(sorted({_dist_name(e.detail) for e in self.dependencies} - {""}))


# --- tests and boundaries ----------------------------------------------------------------------
_TEST_FUNC = re.compile(r"^[ \t]*(?:async[ \t]+)?def[ \t]+test\w*[ \t]*\(", re.M)
_COVERAGE = re.compile(r"(?:--cov-fail-under|--fail-under)[ \t]*[= ][ \t]*(\d+(?:\.\d+)?)"
                       r"|^[ \t]*fail_under[ \t]*=[ \t]*(\d+(?:\.\d+)?)", re.M)
_PYTEST_CONFIG = re.compile(r"^\[(tool\.pytest\.ini_options|tool:pytest|pytest)\]", re.M)
_CONFIG_FILES = frozenset({".coveragerc", "setup.cfg", "tox.ini", "pyproject.toml", "pytest.ini",
                           "noxfile.py", "Makefile", ".importlinter"})
_BOUNDARY = re.compile(r"^\[\[?(tool\.importlinter\.contracts|importlinter:contract:[^\]]*"
                       r"|importlinter|tool\.importlinter|tool\.advisor\.gate|tool\.tach)\]", re.M)


def is_test_module(path: str) -> bool:
    base = _base(path)
    return base.endswith(".py") and (base.startswith("test_") or base.endswith("_test.py")
                                     or base == "tests.py")


def _test_area(path: str) -> str:
    parts = path.split("/")[:-1]
    for i, part in enumerate(parts):
        if part in ("tests", "test"):
            return "/".join(parts[: i + 1])
    return "/".join(parts) or "."


def _test_counts(path: str, text: str) -> tuple[int, int]:
    """(lines, test functions) of one Python file (functions counted in test modules only)."""
    lines = text.count("\n") + (1 if text and not text.endswith("\n") else 0)
    return lines, len(_TEST_FUNC.findall(text)) if is_test_module(path) else 0


def detect_tests(tree: FileTree) -> tuple[tuple[Evidence, ...], SuiteStats]:
    areas: dict[str, Counter] = {}
    files = functions = test_lines = code_lines = 0
    for path, text in tree.python():
        lines, n = tree.memo("tests", path, text, _test_counts)
        area = _test_area(path)
        if is_test_module(path) or _base(path) == "conftest.py" or area.endswith(
                ("tests", "test")):
            test_lines += lines
            if is_test_module(path):
                files, functions = files + 1, functions + n
                areas.setdefault(area, Counter()).update(files=1, functions=n)
        else:
            code_lines += lines
    found = [Evidence(area, 0, f"{c['files']} test files, {c['functions']} test functions",
                      "test_files") for area, c in areas.items()]
    thresholds = []
    for path, text in tree.named(lambda p: _base(p) in _CONFIG_FILES or bool(pipeline_kind(p))):
        for line, m in _hits(_COVERAGE, text):
            value = float(m.group(1) or m.group(2))
            thresholds.append(value)
            found.append(Evidence(path, line, f"coverage must stay >= {value:g}%",
                                  "coverage_threshold"))
        found += [Evidence(path, line, f"pytest configuration [{m.group(1)}]", "test_config")
                  for line, m in _hits(_PYTEST_CONFIG, text)]
    stats = SuiteStats(files, functions, test_lines, code_lines,
                       max(thresholds) if thresholds else None)
    return _sorted(found), stats


def detect_boundaries(tree: FileTree) -> tuple[Evidence, ...]:
    found = [Evidence(p, 0, "tach configuration", "tach") for p in tree.paths
             if _base(p) == "tach.toml"]
    kinds = {"importlinter": "import-linter", "tool.importlinter": "import-linter",
             "tool.advisor.gate": "advisor-gate", "tool.tach": "tach"}
    names = {".importlinter", "setup.cfg", "pyproject.toml"}
    for path, text in tree.named(lambda p: _base(p) in names):
        found += [Evidence(path, line, f"[{m.group(1)}]", kinds.get(m.group(1), "contract"))
                  for line, m in _hits(_BOUNDARY, text)]
    return _sorted(found)


# --- all together --------------------------------------------------------------------------------
def collect_operations(root: str, *, max_files: int = MAX_FILES,
                       max_file_bytes: int = MAX_FILE_BYTES, cache=None,
                       skip: tuple[str, ...] = ()) -> OperationsFacts:
    """All operations evidence for the repository at ``root``. ``cache``: an
    ``analyzers.operations_cache.OperationsCache``, whose result is used if the tree still
    reads as it did for it. ``skip``: folders not read (this run's output folder: its
    reports are no evidence, and would make every next run's listing differ)."""
    tree = FileTree(root, max_files=max_files, max_bytes=max_file_bytes, skip=skip)
    if cache is not None and (known := cache.load(tree)) is not None:
        return known
    facts = _detect(tree, max_files)
    if cache is not None:
        cache.save(tree, facts)
    return facts


def _detect(tree: FileTree, max_files: int) -> OperationsFacts:
    deps = detect_dependencies(tree)
    tests, stats = detect_tests(tree)
    notes = []
    if tree.truncated:
        notes.append(f"stopped listing files at {max_files:,}: operations evidence may be "
                     "incomplete; analyse a smaller root or raise the file limit")
    return OperationsFacts(
        ci=detect_ci(tree), containers=detect_containers(tree), iac=detect_iac(tree),
        observability=detect_observability(tree, deps), resilience=detect_resilience(tree, deps),
        messaging=detect_messaging(tree, deps), config=detect_config(tree, deps), tests=tests,
        boundaries=detect_boundaries(tree), dependencies=deps, test_stats=stats,
        files_scanned=len(tree.paths), notes=tuple(notes),
        skipped=tuple(sorted(set(tree.skipped), key=lambda s: (s.path, s.reason))),
    )
