"""How the application runs: observability (health endpoints, probes, tracing, metrics),
resilience (timeouts, retries, circuit breakers), messaging (job systems, queues, worker
processes) and configuration from the environment."""

from __future__ import annotations

import re

from analyzers.delivery import _COMPOSE, _DOCKERFILE, _is_yaml
from analyzers.filetree import Evidence, FileTree, _base, _hits, _sorted
from analyzers.opsbase import (
    _application,
    _application_paths,
    _deps,
    library_dependencies,
    library_imports,
)


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


