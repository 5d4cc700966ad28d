"""Support code: tests, migrations, fixtures and test settings, told apart from application code
by path and by content. A fact about one file, so it lives with the other facts; the rule that
needs the whole graph (a fixture module used only by tests) is ``advisor.support``.

Kinds:
- ``test``: a folder named ``tests``, ``test``, ``testing``, ``e2e``, ``*_tests``, ``tests_*``
  or ``test_*`` (``functional_tests/``, ``test_utils/``), or a file named ``test_*.py``,
  ``tests_*.py`` (``tests_pre_start.py``), ``*_test.py``, ``*_tests.py``, ``tests.py`` or
  ``conftest.py``. By content: a module that
  imports a test library (pytest, unittest, django.test, hypothesis, responses...) and either
  defines a test (``def test...``, ``class Test...``, ``class ...TestCase``, a base ending in
  ``TestCase``) or whose imports are mostly test libraries (a pytest plugin of fixtures).
- ``migration``: a folder named ``migrations`` or ``alembic``; by content, a Django migration
  (imports ``django.db.migrations`` and defines ``Migration``) or an Alembic script (imports
  ``alembic.op`` or ``alembic.context``, or defines ``revision``, ``down_revision`` and
  ``upgrade``; a program that only runs ``alembic.command`` is not one).
- ``fixture``: a folder named ``fixtures`` or ``factories``.
- ``test-settings``: ``settings/test*.py``, ``settings_test*.py``, ``test_settings.py``.
The rules are general (framework conventions), never the names of one code base.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from analyzers.facts import FROM, ParsedSource

TEST, MIGRATION, FIXTURE, SETTINGS = "test", "migration", "fixture", "test-settings"
KINDS = (TEST, MIGRATION, FIXTURE, SETTINGS)

# Libraries that only tests import (import names; a dotted entry covers its submodules).
TEST_LIBRARIES = frozenset({
    "pytest", "_pytest", "unittest", "doctest", "nose", "nose2", "hypothesis", "mock",
    "responses", "respx", "freezegun", "time_machine", "testfixtures", "parameterized", "ddt",
    "vcr", "betamax", "moto", "fakeredis", "httpretty", "requests_mock", "aioresponses",
    "asynctest", "testcontainers", "pyfakefs", "syrupy", "snapshottest", "webtest", "behave",
    "django_webtest", "flask_testing", "pytest_django", "pytest_mock", "pytest_asyncio",
    "django.test", "rest_framework.test", "fastapi.testclient", "starlette.testclient",
    "channels.testing", "aiohttp.test_utils", "graphene.test", "sqlalchemy.testing",
    "werkzeug.test", "tornado.testing", "twisted.trial",
})
FIXTURE_LIBRARIES = frozenset({"factory", "faker", "model_bakery", "model_mommy", "mixer",
                               "polyfactory", "pytest_factoryboy"})
_TEST_DIRS = frozenset({"tests", "test", "testing", "e2e"})
_MIGRATION_DIRS = frozenset({"migrations", "south_migrations", "alembic"})
_FIXTURE_DIRS = frozenset({"fixtures", "factories"})
_TEST_CLASS_ENDINGS = ("Test", "Tests", "TestCase", "TestMixin", "TestBase")
_ALEMBIC_REVISION = frozenset({("variable", "revision"), ("variable", "down_revision"),
                               ("function", "upgrade")})


def _is_test_dir(part: str) -> bool:
    return (part in _TEST_DIRS or part.endswith("_tests") or part.startswith(("tests_", "test_"))
            or part.endswith("_e2e"))


def support_folder(part: str) -> bool:
    """A folder name that holds support code only (tests, migrations, fixtures)."""
    return _is_test_dir(part) or part in _MIGRATION_DIRS or part in _FIXTURE_DIRS


def path_kind(path: str) -> str | None:
    """The support kind a file's path shows (posix path, relative to the root), or None."""
    parts = path.split("/")
    dirs, base = parts[:-1], parts[-1]
    stem = base[:-3] if base.endswith(".py") else base
    if any(d in _MIGRATION_DIRS for d in dirs):
        return MIGRATION
    if any(_is_test_dir(d) for d in dirs):
        return TEST
    if (dirs and dirs[-1] == "settings" and stem.startswith("test")) or stem.startswith(
            ("settings_test", "test_settings", "testsettings")):
        return SETTINGS
    if stem.startswith(("test_", "tests_")) or stem.endswith(("_test", "_tests")) or stem in (
            "tests", "conftest"):
        return TEST
    if any(d in _FIXTURE_DIRS for d in dirs):
        return FIXTURE
    return None


def _library(name: str, libraries: frozenset[str]) -> bool:
    parts = name.split(".")
    return any(".".join(parts[:k]) in libraries for k in range(1, len(parts) + 1))


def imported_names(source: ParsedSource) -> list[set[str]]:
    """Per absolute import statement fact: the dotted names it may bind (``from a import b``
    gives ``a`` and ``a.b``, since ``b`` may be a submodule)."""
    out = []
    for fact in source.imports:
        if fact.level or not fact.module or fact.module == "__future__":
            continue
        names = {fact.module}
        if fact.form == FROM:
            names |= {f"{fact.module}.{n}" for n, _ in fact.names}
        out.append(names)
    return out


def uses_libraries(source: ParsedSource, libraries: frozenset[str]) -> bool:
    return any(_library(n, libraries) for names in imported_names(source) for n in names)


def _defines_tests(definitions: Iterable[tuple[str, str, tuple[str, ...]]]) -> bool:
    """``definitions``: top-level (kind, name, bases)."""
    for kind, name, bases in definitions:
        if kind == "function" and (name == "test" or name.startswith("test_")):
            return True
        if kind == "class" and (
                name.startswith("Test") or name.endswith(_TEST_CLASS_ENDINGS)
                or any(b.rpartition(".")[2].endswith(_TEST_CLASS_ENDINGS) for b in bases)):
            return True
    return False


def _decide(imports: list[set[str]], definitions: list[tuple[str, str, tuple[str, ...]]]
            ) -> str | None:
    """The content rules, on import statements (each: the dotted names it may bind) and
    top-level definitions, whether they come from parsed facts or from text."""
    flat = {n for names in imports for n in names}
    if "django.db.migrations" in flat and any(
            kind == "class" and name == "Migration" for kind, name, _ in definitions):
        return MIGRATION
    if {"alembic.op", "alembic.context"} & flat:
        return MIGRATION
    defined = {(kind, name) for kind, name, _ in definitions}
    if _ALEMBIC_REVISION <= defined:  # an Alembic revision script that needs no import
        return MIGRATION
    hits = sum(1 for names in imports if any(_library(n, TEST_LIBRARIES) for n in names))
    if hits and (_defines_tests(definitions) or hits * 2 >= len(imports)):
        return TEST
    return None  # factory_boy or faker alone: a fixture only if tests alone use it


def content_kind(source: ParsedSource) -> str | None:
    """The support kind a parsed module's imports and definitions show, or None."""
    return _decide(imported_names(source),
                   [(d.kind, d.name, d.bases) for d in source.definitions])


def support_kind(path: str, source: ParsedSource | None = None) -> str | None:
    """Path first (conventions are explicit), then content when the source is known."""
    return path_kind(path) or (content_kind(source) if source is not None else None)


# --- the same content rules over raw text (operations evidence reads files, not facts) --------
# Line-anchored, bounded patterns: linear time on any input.
_FROM = re.compile(r"^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t(]+([\w, \t]*)", re.M)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([\w. \t,]+)", re.M)
_TOP_DEF = re.compile(r"^(?:async[ \t]+)?(def|class)[ \t]+(\w+)[ \t]*(?:\(([^()\n]*)\))?", re.M)
_TOP_VARIABLE = re.compile(r"^(\w+)[ \t]*(?::[^=\n]*)?=(?!=)", re.M)


def _text_imports(text: str) -> list[set[str]]:
    out = []
    for m in _FROM.finditer(text):
        if m.group(1) != "__future__":
            names = (n.split()[0] for n in m.group(2).split(",") if n.strip())
            out.append({m.group(1)} | {f"{m.group(1)}.{n}" for n in names})
    for m in _IMPORT.finditer(text):
        out += [{part.split()[0]} for part in m.group(1).split(",") if part.strip()]
    return out


def text_kind(path: str, text: str) -> str | None:
    """``support_kind`` for a file read as text: the path rules, then the content rules
    (``_decide``) on the import statements and top-level definitions the text shows."""
    found = path_kind(path)
    if found or not path.endswith(".py"):
        return found
    definitions = [("class" if m.group(1) == "class" else "function", m.group(2),
                    tuple(b.strip() for b in (m.group(3) or "").split(",") if b.strip()))
                   for m in _TOP_DEF.finditer(text)]
    definitions += [("variable", m.group(1), ()) for m in _TOP_VARIABLE.finditer(text)]
    return _decide(_text_imports(text), definitions)
