"""Operations evidence: CI, containers, IaC, observability, resilience, messaging, configuration,
tests, enforced boundaries and declared dependencies, found in the repository's files.

Everything is static and cheap: file names, regular expressions over text, ``tomllib`` and
``configparser`` for declarations. Nothing is imported or executed (``setup.py`` is never run).
Files are listed once by ``FileTree``, which never leaves the root (links whose real path lies
outside are recorded as skipped and never read), skips ``.git``, ``node_modules``, virtualenvs
(directories holding ``pyvenv.cfg``) and hidden directories except ``.github``, ``.gitlab`` and
``.circleci``, and caps the number of files and the size of each file read.

Support code (tests, fixtures, migrations, test settings: ``analyzers.support``, by path and
by content) is never evidence of how the application runs: a ``queue="..."`` in a test, a
health URL a test requests, a Dockerfile of an e2e suite or a manifest among test fixtures
count for nothing. Only CI pipelines and the test suite itself are read from it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from analyzers.dependencies import detect_dependencies
from analyzers.facts import SkippedFile
from analyzers.support import path_kind, text_kind
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

__all__ = ["Evidence", "FileTree", "OperationsFacts", "SuiteStats", "collect_operations",
           "detect_dependencies", "MAX_FILES", "MAX_FILE_BYTES"]


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


_KINDS: WeakKeyDictionary[FileTree, dict[str, str | None]] = WeakKeyDictionary()


def _application(tree: FileTree, predicate=None) -> Iterator[tuple[str, str]]:
    """(path, text) of the files that are not support code, among those ``predicate`` (default:
    Python files) accepts. Each file is classified once per tree."""
    kinds = _KINDS.setdefault(tree, {})
    for path, text in tree.named(predicate or (lambda p: p.endswith(".py"))):
        if path not in kinds:
            kinds[path] = text_kind(path, text)
        if kinds[path] is None:
            yield path, text


def _application_paths(tree: FileTree) -> list[str]:
    return [p for p in tree.paths if path_kind(p) is None]


def _first_per_key(items: Iterator[tuple[str, Evidence]]) -> list[Evidence]:
    seen: dict[str, Evidence] = {}
    for key, ev in items:
        seen.setdefault(key, ev)
    return list(seen.values())


# Libraries: (import name, distribution name, topic, kind)
LIBRARIES = (
    ("opentelemetry", "opentelemetry-*", "observability", "tracing"),
    ("ddtrace", "ddtrace", "observability", "tracing"),
    ("prometheus_client", "prometheus-client", "observability", "metrics"),
    ("django_prometheus", "django-prometheus", "observability", "metrics"),
    ("statsd", "statsd", "observability", "metrics"),
    ("sentry_sdk", "sentry-sdk", "observability", "error_tracking"),
    ("structlog", "structlog", "observability", "logging"),
    ("tenacity", "tenacity", "resilience", "retry"),
    ("backoff", "backoff", "resilience", "retry"),
    ("pybreaker", "pybreaker", "resilience", "circuit_breaker"),
    ("circuitbreaker", "circuitbreaker", "resilience", "circuit_breaker"),
    ("celery", "celery", "messaging", "celery"),
    ("rq", "rq", "messaging", "rq"),
    ("django_rq", "django-rq", "messaging", "rq"),
    ("dramatiq", "dramatiq", "messaging", "dramatiq"),
    ("kafka", "kafka-python", "messaging", "kafka"),
    ("confluent_kafka", "confluent-kafka", "messaging", "kafka"),
    ("aiokafka", "aiokafka", "messaging", "kafka"),
    ("pika", "pika", "messaging", "amqp"),
    ("kombu", "kombu", "messaging", "amqp"),
    ("aio_pika", "aio-pika", "messaging", "amqp"),
    ("environ", "django-environ", "config", "django-environ"),
    ("decouple", "python-decouple", "config", "python-decouple"),
    ("pydantic_settings", "pydantic-settings", "config", "pydantic-settings"),
    ("dynaconf", "dynaconf", "config", "dynaconf"),
)
_BY_IMPORT = {lib[0]: lib for lib in LIBRARIES}
_NAMES = "|".join(sorted(_BY_IMPORT, key=len, reverse=True))
_TOPIC_NAMES = {t: tuple(lib[0] for lib in LIBRARIES if lib[2] == t)
                for t in {lib[2] for lib in LIBRARIES}}
_IMPORT = re.compile(rf"^[ \t]*(?:from[ \t]+({_NAMES})(?![\w])[\w.]*[ \t]+import\b"
                     rf"|import[ \t]+({_NAMES})(?![\w]))", re.M)


def library_imports(path: str, text: str, topic: str) -> list[Evidence]:
    """The first import of each known library of ``topic`` in one Python file."""
    return _first_per_key(
        (name, Evidence(path, line, f"imports {name}", kind))
        for line, m in _hits(_IMPORT, text, _TOPIC_NAMES[topic])
        for name in [m.group(1) or m.group(2)]
        for _, _, lib_topic, kind in [_BY_IMPORT[name]] if lib_topic == topic
    )


def library_dependencies(deps: tuple[Evidence, ...], topic: str) -> list[Evidence]:
    """Declared runtime dependencies on known libraries of ``topic`` (a development or test
    requirement says nothing about how the application runs)."""
    found = []
    for dep in deps:
        if dep.kind == "dev":
            continue
        name = _dist_name(dep.detail)
        for _, dist, lib_topic, kind in LIBRARIES:
            hit = name.startswith(dist[:-1]) if dist.endswith("*") else name == dist
            if hit and lib_topic == topic:
                found.append(Evidence(dep.path, dep.line, f"depends on {name}", kind))
    return found


# --- CI -----------------------------------------------------------------------------------------
_PIPELINES = (
    (re.compile(r"\.github/workflows/[^/]+\.ya?ml"), "GitHub Actions workflow"),
    (re.compile(r"\.gitlab-ci\.ya?ml"), "GitLab CI pipeline"),
    (re.compile(r"(?:.*/)?Jenkinsfile"), "Jenkins pipeline"),
    (re.compile(r"\.circleci/config\.ya?ml"), "CircleCI pipeline"),
    (re.compile(r"azure-pipelines\.ya?ml"), "Azure Pipelines"),
    (re.compile(r"bitbucket-pipelines\.ya?ml"), "Bitbucket Pipelines"),
)
_TEST_RUNNERS = {"tox.ini": "tox configuration", "noxfile.py": "nox sessions"}
_RUNS_TESTS = re.compile(r"\b(pytest|py\.test|tox|nox|unittest|manage\.py[ \t]+test"
                         r"|coverage[ \t]+run|make[ \t]+test)\b")
_DEPLOYS = re.compile(
    r"(?i)\b(deploy\w*|kubectl|helm[ \t]+(?:upgrade|install)|terraform[ \t]+apply|docker[ \t]+push"
    r"|twine[ \t]+upload|(?:poetry|flit|hatch|uv|npm)[ \t]+publish|pypi-publish"
    r"|serverless[ \t]+deploy)\b|\bpush:[ \t]*true\b")


def pipeline_kind(path: str) -> str | None:
    """The CI system a file configures, or None."""
    return next((label for regex, label in _PIPELINES if regex.fullmatch(path)), None)


def detect_ci(tree: FileTree) -> tuple[Evidence, ...]:
    found = [Evidence(p, 0, _TEST_RUNNERS[_base(p)], "test_runner")
             for p in tree.paths if _base(p) in _TEST_RUNNERS]
    for path, text in tree.named(lambda p: pipeline_kind(p) is not None):
        found.append(Evidence(path, 0, pipeline_kind(path), "pipeline"))
        for number, raw in enumerate(text.splitlines(), start=1):
            step = raw.strip()
            if step.startswith(("#", "//")):
                continue
            if "install" not in step and _RUNS_TESTS.search(step):
                found.append(Evidence(path, number, f"runs tests: {step[:120]}", "runs_tests"))
            if _DEPLOYS.search(step):
                found.append(Evidence(path, number, f"deploys: {step[:120]}", "deploys"))
    return _sorted(found)


# --- containers and infrastructure ------------------------------------------------------------
_DOCKERFILE = re.compile(r"(?:.*/)?(?:Dockerfile(?:\.(?!(?:md|txt|rst)\Z)[\w.-]+)?"
                         r"|[\w.-]+\.[Dd]ockerfile|Containerfile)")
_COMPOSE = re.compile(r"(?:.*/)?(?:docker-compose[\w.-]*|compose)\.ya?ml")
_FROM = re.compile(r"^[ \t]*FROM[ \t]+(\S+)", re.M | re.I)
_IAC_FILES = (
    (re.compile(r"(?:.*/)?Chart\.ya?ml"), "Helm chart", "helm"),
    (re.compile(r".*\.tf"), "Terraform configuration", "terraform"),
    (re.compile(r"(?:.*/)?Pulumi\.ya?ml"), "Pulumi project", "pulumi"),
    (re.compile(r"(?:.*/)?serverless\.ya?ml"), "Serverless Framework service", "serverless"),
    (re.compile(r"(?:.*/)?kustomization\.ya?ml"), "Kustomize overlay", "kustomize"),
    (re.compile(r"(?:.*/)?Procfile"), "Procfile (PaaS process types)", "paas"),
    (re.compile(r"(?:.*/)?fly\.toml"), "Fly.io app", "paas"),
)
_K8S_API = re.compile(r"^apiVersion:", re.M)
_K8S_KIND = re.compile(r"^kind:[ \t]*[\"']?(\w+)", re.M)


def _is_yaml(path: str) -> bool:
    return path.endswith((".yml", ".yaml"))


def detect_containers(tree: FileTree) -> tuple[Evidence, ...]:
    found = [Evidence(p, 0, "Docker Compose file", "compose")
             for p in _application_paths(tree) if _COMPOSE.fullmatch(p)]
    for path, text in _application(tree, _DOCKERFILE.fullmatch):
        base = next(_hits(_FROM, text), None)
        found.append(Evidence(path, base[0], f"Dockerfile (FROM {base[1].group(1)})", "dockerfile")
                     if base else Evidence(path, 0, "Dockerfile", "dockerfile"))
    return _sorted(found)


def detect_iac(tree: FileTree) -> tuple[Evidence, ...]:
    found = []
    for path in _application_paths(tree):
        hit = next(((label, kind) for regex, label, kind in _IAC_FILES if regex.fullmatch(path)),
                   None)
        if hit:
            found.append(Evidence(path, 0, *hit))
    for path, text in _application(tree, _is_yaml):
        if _K8S_API.search(text):
            found += [Evidence(path, line, f"Kubernetes {m.group(1)}", "kubernetes")
                      for line, m in _hits(_K8S_KIND, text)]
    return _sorted(found)


# --- observability and resilience --------------------------------------------------------------
_HEALTH = re.compile(r"[\"']\^?/?(?:[\w.-]+/)*(health|healthz|healthcheck|health-check|ready|readyz"
                     r"|readiness|live|livez|liveness)/?\$?[\"']")
_PROBE = re.compile(r"^[ \t]*(livenessProbe|readinessProbe|startupProbe|healthcheck):", re.M)
_DOCKER_HEALTH = re.compile(r"^[ \t]*HEALTHCHECK\b", re.M)
_HTTP_CALL = re.compile(r"\b(requests|httpx)\.(get|post|put|patch|delete|head|options|request)\(")
_TIMEOUT_KW = re.compile(r"\btimeout[ \t]*=")
_TIMEOUT_OBJ = re.compile(r"\b(aiohttp\.ClientTimeout|httpx\.Timeout)\(")
_RETRY_KW = re.compile(r"\b(max_retries|autoretry_for|retry_backoff)[ \t]*=")


def detect_observability(tree: FileTree, deps: tuple[Evidence, ...] | None = None
                         ) -> tuple[Evidence, ...]:
    found = []
    for path, text in _application(tree):
        found += library_imports(path, text, "observability")
        found += [Evidence(path, line, f"health endpoint {m.group(0)}", "health_check")
                  for line, m in _hits(_HEALTH, text, ("health", "ready", "live"))
                  if any(c in m.group(0) for c in "/^$")]
    for path, text in _application(tree, _is_yaml):
        found += [Evidence(path, line, m.group(1), "health_check")
                  for line, m in _hits(_PROBE, text)]
    for path, text in _application(tree, _DOCKERFILE.fullmatch):
        found += [Evidence(path, line, "Docker HEALTHCHECK", "health_check")
                  for line, _ in _hits(_DOCKER_HEALTH, text)]
    found += library_dependencies(_deps(tree, deps), "observability")
    return _sorted(found)


def _call_args(text: str, start: int, limit: int = 4000) -> str:
    depth = 1
    for i in range(start, min(len(text), start + limit)):
        depth += (text[i] in "([{") - (text[i] in ")]}")
        if depth == 0:
            return text[start:i]
    return text[start:start + limit]


def detect_resilience(tree: FileTree, deps: tuple[Evidence, ...] | None = None
                      ) -> tuple[Evidence, ...]:
    found = []
    for path, text in _application(tree):
        found += library_imports(path, text, "resilience")
        for line, m in _hits(_HTTP_CALL, text, ("requests.", "httpx.")):
            call, args = f"{m.group(1)}.{m.group(2)}", _call_args(text, m.end())
            if _TIMEOUT_KW.search(args):
                found.append(Evidence(path, line, f"{call}(..., timeout=...)", "timeout"))
            elif m.group(1) == "requests" and "**" not in args:
                found.append(Evidence(path, line, f"{call}() without timeout: can hang forever",
                                      "no_timeout"))
        found += [Evidence(path, line, f"{m.group(1)}(...)", "timeout")
                  for line, m in _hits(_TIMEOUT_OBJ, text, ("Timeout(",))]
        found += [Evidence(path, line, f"{m.group(1)}=", "retry")
                  for line, m in _hits(_RETRY_KW, text, ("retr",))]
    found += library_dependencies(_deps(tree, deps), "resilience")
    return _sorted(found)


# --- messaging and configuration ---------------------------------------------------------------
_ROUTES = re.compile(r"\b(task_routes|CELERY_TASK_ROUTES|CELERY_ROUTES|task_queues"
                     r"|CELERY_TASK_QUEUES|RQ_QUEUES)\b[\"']?[ \t]*[=:]")
_QUEUE_KW = re.compile(r"\bqueue[ \t]*=[ \t]*[\"']([\w.:-]+)[\"']")
_TASKISH = ("celery", "shared_task", "apply_async", ".task(", "dramatiq", "django_rq", "rq.")
_WORKER = re.compile(r"\b(?:celery\b[^\n]*\bworker|rq[ \t]+worker|rqworker|dramatiq[ \t]+\w)"
                     r"[^\n]*")
_ENV = re.compile(r"\bos\.(?:environ|getenv)\b|^[ \t]*from[ \t]+os[ \t]+import[^\n]*"
                  r"\b(?:environ|getenv)\b", re.M)
_BASESETTINGS = re.compile(r"^[ \t]*from[ \t]+pydantic(?:_settings)?[ \t]+import[^\n]*"
                           r"\bBaseSettings\b", re.M)
_ENV_TEMPLATE = re.compile(r"(?:.*/)?\.env\.(?:example|sample|template|dist)")


def detect_messaging(tree: FileTree, deps: tuple[Evidence, ...] | None = None
                     ) -> tuple[Evidence, ...]:
    found = []
    for path, text in _application(tree):
        found += library_imports(path, text, "messaging")
        found += [Evidence(path, line, f"task routing: {m.group(1)}", "queues")
                  for line, m in _hits(_ROUTES, text, ("ROUTES", "routes", "QUEUES", "queues"))]
        if any(word in text for word in _TASKISH):
            found += [Evidence(path, line, f"queue={m.group(1)!r}", "queues")
                      for line, m in _hits(_QUEUE_KW, text, ("queue",))]
    processes = (lambda p: _COMPOSE.fullmatch(p) or _DOCKERFILE.fullmatch(p)
                 or _base(p) == "Procfile" or _is_yaml(p))
    for path, text in _application(tree, processes):
        found += [Evidence(path, line, f"worker process: {m.group(0).strip()[:120]}", "worker")
                  for line, m in _hits(_WORKER, text)]
    found += library_dependencies(_deps(tree, deps), "messaging")
    return _sorted(found)


def detect_config(tree: FileTree, deps: tuple[Evidence, ...] | None = None
                  ) -> tuple[Evidence, ...]:
    found = [Evidence(p, 0, "environment template", "env_template")
             for p in _application_paths(tree) if _ENV_TEMPLATE.fullmatch(p)]
    for path, text in _application(tree):
        found += library_imports(path, text, "config")
        found += [Evidence(path, line, "pydantic BaseSettings", "pydantic-settings")
                  for line, _ in _hits(_BASESETTINGS, text, ("BaseSettings",))]
        uses = [line for line, _ in _hits(_ENV, text, ("environ", "getenv"))]
        if uses:
            found.append(Evidence(path, uses[0], f"reads environment variables ({len(uses)} "
                                                 f"use{'s' if len(uses) > 1 else ''})", "env_vars"))
    found += library_dependencies(_deps(tree, deps), "config")
    return _sorted(found)


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


def detect_tests(tree: FileTree) -> tuple[tuple[Evidence, ...], SuiteStats]:
    areas: dict[str, Counter] = {}
    files = functions = test_lines = code_lines = 0
    for path, text in tree.python():
        lines = text.count("\n") + (1 if text and not text.endswith("\n") else 0)
        area = _test_area(path)
        if is_test_module(path) or _base(path) == "conftest.py" or area.endswith(
                ("tests", "test")):
            test_lines += lines
            if is_test_module(path):
                n = len(_TEST_FUNC.findall(text))
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


# --- declared dependencies ----------------------------------------------------------------------
def _deps(tree: FileTree, deps: tuple[Evidence, ...] | None) -> tuple[Evidence, ...]:
    return detect_dependencies(tree) if deps is None else deps


def collect_operations(root: str, *, max_files: int = MAX_FILES,
                       max_file_bytes: int = MAX_FILE_BYTES) -> OperationsFacts:
    """All operations evidence for the repository at ``root``."""
    tree = FileTree(root, max_files=max_files, max_bytes=max_file_bytes)
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
