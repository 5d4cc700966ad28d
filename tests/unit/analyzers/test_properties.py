"""Properties of the analyzers over generated input (hypothesis): import statements rendered
from structured values parse back to exactly those values; reading and parsing never raise on
any bytes or text; discovery and naming of generated package trees agree with their paths.
"""

from __future__ import annotations

import marshal

import os
import tempfile
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzers.discovery import discover
from analyzers.facts import (
    CONDITIONAL,
    DYNAMIC,
    FROM,
    IMPORT,
    LAZY,
    TYPE_CHECKING,
    ImportFact,
)
from analyzers.naming import assign_names
from analyzers.pyparse import parse_source
from analyzers.source import Rejected, decode
from analyzers.workers import parse_one

SETTINGS = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# identifiers Python allows, including soft keywords and non-ASCII ones
IDENTIFIERS = ("a", "b", "pkg", "_x", "match", "case", "type", "é", "数据", "Ωmega", "x1")
name = st.sampled_from(IDENTIFIERS)
dotted = st.lists(name, min_size=1, max_size=3).map(".".join)


@dataclass(frozen=True)
class Statement:
    code: str  # one or more lines, unindented
    facts: tuple[ImportFact, ...]  # with line 1 and no contexts; fixed up when placed


@st.composite
def statements(draw) -> Statement:
    kind = draw(st.sampled_from(["import", "from", "relative", "star", "dynamic"]))
    if kind == "import":
        aliases = draw(st.lists(st.tuples(dotted, st.none() | name), min_size=1, max_size=3))
        code = "import " + ", ".join(m + (f" as {a}" if a else "") for m, a in aliases)
        return Statement(code, tuple(ImportFact(1, IMPORT, m, asname=a) for m, a in aliases))
    if kind == "star":
        level = draw(st.integers(0, 3))
        module = draw(dotted if level == 0 else st.just("") | dotted)
        return Statement(f"from {'.' * level}{module} import *",
                         (ImportFact(1, FROM, module, level=level, star=True),))
    if kind == "dynamic":
        module = draw(dotted)
        call = draw(st.sampled_from(["importlib.import_module", "__import__", "import_module"]))
        return Statement(f"{call}({module!r})", (ImportFact(1, DYNAMIC, module),))
    level = 0 if kind == "from" else draw(st.integers(1, 4))
    module = draw(dotted if level == 0 else st.just("") | dotted)
    names = tuple(draw(st.lists(st.tuples(name, st.none() | name), min_size=1, max_size=3)))
    listed = ", ".join(n + (f" as {a}" if a else "") for n, a in names)
    if draw(st.booleans()):
        listed = "(\n    " + listed.replace(", ", ",\n    ") + ",\n)"
    return Statement(f"from {'.' * level}{module} import {listed}",
                     (ImportFact(1, FROM, module, level=level, names=names),))


# wrapper -> (template with {body} at four spaces of indentation, contexts, lines before body)
WRAPPERS = {
    "none": ("{body}", (), 0),
    "def": ("def f():\n{body}", (LAZY,), 1),
    "type_checking": ("if TYPE_CHECKING:\n{body}", (TYPE_CHECKING,), 1),
    "try": ("try:\n{body}\nexcept ImportError:\n    pass", (CONDITIONAL,), 1),
    "if": ("if flag:\n{body}\nelse:\n    pass", (CONDITIONAL,), 1),
    "method": ("class C:\n    def m(self):\n{body}", (LAZY,), 2),
}


def _indent(code: str, depth: int) -> str:
    return "\n".join("    " * depth + line if line else line for line in code.split("\n"))


@SETTINGS
@given(st.lists(st.tuples(statements(), st.sampled_from(sorted(WRAPPERS))), max_size=6))
def test_generated_imports_parse_back_to_their_facts(placed):
    lines: list[str] = ["x = 1"]
    expected: list[ImportFact] = []
    for statement, wrapper in placed:
        template, contexts, before = WRAPPERS[wrapper]
        depth = 0 if wrapper == "none" else (2 if wrapper == "method" else 1)
        body = _indent(statement.code, depth)
        first = len(lines) + 1 + before
        lines += template.format(body=body).split("\n")
        for fact in statement.facts:
            expected.append(ImportFact(first, fact.form, fact.module, fact.level, fact.names,
                                       fact.asname, fact.star, contexts))
    parsed = parse_source("\n".join(lines) + "\n")
    assert list(parsed.imports) == expected
    assert parsed.lines == len(lines)


@SETTINGS
@given(st.text(max_size=300))
def test_parsing_any_text_never_raises_and_says_why_in_one_line(text):
    ok, value = parse_one(text)
    if ok:
        assert isinstance(marshal.loads(value), tuple)
    else:
        assert isinstance(value, str) and value and "\n" not in value


python_ish = st.lists(st.sampled_from(
    ["import a\n", "from . import (\n", "x = [", "]\n", "def f(:\n", "\t", "    ", "print 'x'\n",
     "'''", '"', "#", "\\\n", "\r", "\x0c", "lambda: (yield)\n", "async ", "match x:\n",
     "f'{", "}'", "type X = int\n", "\ufeff", "é = 1\n", "@", "except* E:\n"]),
    max_size=20).map("".join)


@SETTINGS
@given(python_ish)
def test_parsing_broken_python_never_raises_and_says_why_in_one_line(text):
    ok, value = parse_one(text)
    assert ok is True or (isinstance(value, str) and "\n" not in value)


@SETTINGS
@given(st.binary(max_size=200))
def test_decoding_any_bytes_gives_text_or_a_one_line_reason(data):
    try:
        source = decode(data)
    except Rejected as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert isinstance(source.text, str) and not source.text.startswith("\ufeff")


@SETTINGS
@given(st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
               max_size=200), st.booleans())
def test_utf8_text_decodes_to_itself(text, bom):
    head = "\n".join(text.splitlines()[:2])
    if "coding" in head or text.startswith("\ufeff"):
        return  # a coding cookie or a second BOM changes the meaning of the bytes
    data = ("\ufeff" if bom else "").encode() + text.encode("utf-8")
    assert decode(data).text == text


def test_valid_python_libcst_cannot_read_is_not_called_a_syntax_error():
    ok, reason = parse_one("x = (" + "'a' " * 4000 + ")\n")
    assert ok is False
    assert reason.startswith("valid Python that the parser (libcst) cannot read")


def test_dynamic_imports_of_strings_that_are_no_module_name_are_ignored():
    parsed = parse_source("import importlib\nimportlib.import_module('<img src=x onerror=1>')\n"
                          "__import__('not a module')\n")
    assert [i.form for i in parsed.imports] == [IMPORT]


# --- discovery and naming of generated package trees ------------------------------------------

segment = st.sampled_from(("app", "core", "é", "数据", "m1", "models", "api"))


@st.composite
def package_files(draw) -> list[str]:
    """Relative .py paths of a tree of regular packages: every folder has an __init__.py."""
    modules = draw(st.lists(st.lists(segment, min_size=1, max_size=4), min_size=1,
                            max_size=10))
    files = set()
    for parts in modules:
        for k in range(1, len(parts)):
            files.add("/".join(parts[:k]) + "/__init__.py")
        files.add("/".join(parts) + ".py")
    # a module and a package of the same name cannot both exist: keep the package
    packages = {f[: -len("/__init__.py")] for f in files if f.endswith("/__init__.py")}
    return sorted(f for f in files if f[:-3] not in packages)


def _expected_name(path: str) -> str:
    stem = path[:-3]
    stem = stem.removesuffix("/__init__")
    return stem.replace("/", ".")


@SETTINGS
@given(package_files(), st.sampled_from(["", "src/"]), st.booleans())
def test_names_of_regular_package_trees_are_their_paths(files, prefix, noise):
    with tempfile.TemporaryDirectory() as root:
        for rel in files:
            path = os.path.join(root, prefix + rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as fh:
                fh.write("")
        if noise:  # things discovery must leave out
            for extra in ("README.md", ".git/hooks/x.py", "node_modules/x.py",
                          "build/lib/y.py", "__pycache__/z.py", "data.pyc"):
                path = os.path.join(root, prefix + extra)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                open(path, "w").close()
        found = discover(root)
        paths = [f.path for f in found.files]
        assert paths == sorted(prefix + f for f in files)
        assert found.skipped == ()
        naming = assign_names(paths, found.package_dirs, [], os.path.basename(root))
        assert {p: n for p, (n, _) in naming.names.items()} == {
            prefix + f: _expected_name(f) for f in files}
        assert naming.source_roots == ((prefix.rstrip("/") or "."),)
        assert naming.notes == ()


@st.composite
def linked_folders(draw) -> tuple[list[str], list[tuple[str, str]]]:
    """Folders (some nested) and links between them, in any pattern, loops included."""
    folders = sorted(set(draw(st.lists(st.lists(st.sampled_from("abc"), min_size=1,
                                                max_size=3).map("/".join),
                                       min_size=1, max_size=6))))
    for folder in list(folders):  # parents exist
        parts = folder.split("/")
        folders += ["/".join(parts[:k]) for k in range(1, len(parts))]
    folders = sorted(set(folders))
    links = draw(st.lists(st.tuples(st.sampled_from(folders), st.sampled_from(folders)),
                          max_size=15, unique_by=lambda t: t[0]))
    return folders, links


@SETTINGS
@given(linked_folders())
def test_every_real_folder_is_walked_once_however_folders_link(layout):
    folders, links = layout
    with tempfile.TemporaryDirectory() as root:
        for folder in folders:
            os.makedirs(os.path.join(root, folder), exist_ok=True)
            with open(os.path.join(root, folder, "m_" + folder.replace("/", "_") + ".py"),
                      "w") as fh:
                fh.write("")
        for i, (source, target) in enumerate(links):
            os.symlink(os.path.join(root, target), os.path.join(root, source, f"link{i}"))
        found = discover(root)
        # one file per folder, found at its own path
        assert [f.path for f in found.files] == sorted(
            f"{folder}/m_{folder.replace('/', '_')}.py" for folder in folders)
        # every link is recorded as not followed, with the reason
        assert sorted(s.path for s in found.skipped) == sorted(
            f"{source}/link{i}" for i, (source, _) in enumerate(links))
        for s in found.skipped:
            assert s.reason.startswith(("symlink loop", "symlink to a folder analysed at"))
