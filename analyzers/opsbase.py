"""Shared ground of the operations detectors: which files are application files (support code
and documentation never are), the known libraries per topic, and the first import or declared
dependency of each.

Documentation, for Python files: a file under a folder named ``docs``, ``doc``,
``documentation`` or ``docs_*`` that is not a Python package (no ``__init__.py`` in it: a
``plugins/google/docs/`` package is application code), and a Sphinx configuration anywhere (a
``conf.py`` that sets ``extensions`` and a Sphinx option such as ``html_theme``). Their
environment reads, timeouts and examples describe how the docs build, not the application."""

from __future__ import annotations

import re
from collections.abc import Iterator
from weakref import WeakKeyDictionary

from analyzers.dependencies import detect_dependencies
from analyzers.filetree import Evidence, FileTree, _dist_name, _hits
from analyzers.support import path_kind, text_kind


_KINDS: WeakKeyDictionary[FileTree, dict[str, str | None]] = WeakKeyDictionary()
_PACKAGES: WeakKeyDictionary[FileTree, frozenset[str]] = WeakKeyDictionary()
_DOCS = "documentation"
_DOC_DIRS = frozenset({"doc", "docs", "documentation"})
_SPHINX = re.compile(r"^extensions[ \t]*(?::[^=\n]*)?=", re.M)
_SPHINX_OPTION = re.compile(r"^(?:html_theme|master_doc|root_doc|source_suffix|templates_path"
                            r"|exclude_patterns|intersphinx_mapping)[ \t]*(?::[^=\n]*)?=", re.M)


def _in_docs(tree: FileTree, path: str) -> bool:
    """Does ``path`` sit in a documentation folder that is not a Python package?"""
    parts = path.split("/")[:-1]
    docs = [i for i, p in enumerate(parts)
            if p.lower() in _DOC_DIRS or p.lower().startswith(("docs_", "docs-"))]
    if not docs:
        return False
    if tree not in _PACKAGES:
        _PACKAGES[tree] = frozenset(p[:-len("/__init__.py")] for p in tree.paths
                                    if p.endswith("/__init__.py"))
    return any("/".join(parts[:i + 1]) not in _PACKAGES[tree] for i in docs)


def _kind(tree: FileTree, path: str, text: str) -> str | None:
    found = tree.memo("kind", path, text, lambda p, t: (text_kind(p, t),))[0]
    if found or not path.endswith(".py"):
        return found
    if _in_docs(tree, path) or (path.rpartition("/")[2] == "conf.py" and _SPHINX.search(text)
                                and _SPHINX_OPTION.search(text)):
        return _DOCS
    return None


def _application(tree: FileTree, predicate=None) -> Iterator[tuple[str, str]]:
    """(path, text) of the files that are neither support code nor documentation, among those
    ``predicate`` (default: Python files) accepts. Each file is classified once per tree."""
    kinds = _KINDS.setdefault(tree, {})
    for path, text in tree.named(predicate or (lambda p: p.endswith(".py"))):
        if path not in kinds:
            kinds[path] = _kind(tree, path, text)
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
    ("retrying", "retrying", "resilience", "retry"),
    ("retry", "retry", "resilience", "retry"),
    ("stamina", "stamina", "resilience", "retry"),
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




def _deps(tree: FileTree, deps: tuple[Evidence, ...] | None) -> tuple[Evidence, ...]:
    return detect_dependencies(tree) if deps is None else deps
