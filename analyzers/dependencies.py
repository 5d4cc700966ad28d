"""Declared dependencies: pyproject (PEP 621, PEP 735 groups, poetry), setup.cfg and
requirements files. Parsed with tomllib and configparser; ``setup.py`` is never run."""

from __future__ import annotations

import configparser
import re
import tomllib

from analyzers.facts import SkippedFile
from analyzers.filetree import Evidence, FileTree, _base, _dist_name, _sorted

_REQUIREMENTS = re.compile(r"(?:.*/)?(?:[\w.-]*requirements[\w.-]*|requirements/[\w.-]+)"
                           r"\.(?:txt|in)")
_DEV_NAME = re.compile(r"dev|test|lint|doc|type", re.I)


def _line_of(lines: list[str], needle: str) -> int:
    return next((i for i, line in enumerate(lines, start=1) if needle in line), 0)


def detect_dependencies(tree: FileTree) -> tuple[Evidence, ...]:
    found: list[Evidence] = []
    for path, text in tree.named(lambda p: _base(p) == "pyproject.toml"):
        found += _pyproject_dependencies(tree, path, text)
    for path, text in tree.named(lambda p: _base(p) == "setup.cfg"):
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(text)
        except configparser.Error as exc:
            tree.skipped.append(SkippedFile(path, f"not a valid setup.cfg: {exc.message}"))
            continue
        lines = text.splitlines()
        sections = [("options", "install_requires", "runtime")] + [
            ("options.extras_require", key, "optional")
            for key in (parser.options("options.extras_require")
                        if parser.has_section("options.extras_require") else ())]
        for section, key, kind in sections:
            for req in parser.get(section, key, fallback="").splitlines():
                if _dist_name(req):
                    found.append(Evidence(path, _line_of(lines, req.strip()), req.strip(), kind))
    for path, text in tree.named(_REQUIREMENTS.fullmatch):
        kind = "dev" if _DEV_NAME.search(_base(path)) else "runtime"
        for number, raw in enumerate(text.splitlines(), start=1):
            req = re.split(r"(?:^|\s)#", raw, maxsplit=1)[0].strip()
            if req and not req.startswith("-") and ("://" not in req or " @ " in req):
                found.append(Evidence(path, number, req, kind))
    return _sorted(found)


def _pyproject_dependencies(tree: FileTree, path: str, text: str) -> list[Evidence]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        tree.skipped.append(SkippedFile(path, f"not valid TOML: {exc}"))
        return []
    lines = text.splitlines()
    project = data.get("project", {})
    poetry = data.get("tool", {}).get("poetry", {})
    reqs: list[tuple[str, str, str]] = []  # (requirement, needle to find its line, kind)
    reqs += [(r, r, "runtime") for r in project.get("dependencies", [])]
    for group in project.get("optional-dependencies", {}).values():
        reqs += [(r, r, "optional") for r in group]
    for group in data.get("dependency-groups", {}).values():
        reqs += [(r, r, "dev") for r in group if isinstance(r, str)]
    tables = [(poetry.get("dependencies", {}), "runtime"),
              (poetry.get("dev-dependencies", {}), "dev")]
    tables += [(g.get("dependencies", {}), "dev") for g in poetry.get("group", {}).values()]
    for table, kind in tables:
        for name, spec in table.items():
            if name.lower() == "python":
                continue
            version = spec if isinstance(spec, str) else spec.get("version", "") \
                if isinstance(spec, dict) else ""
            reqs.append((f"{name} {version}".strip(), name, kind))
    return [Evidence(path, _line_of(lines, needle), req, kind) for req, needle, kind in reqs
            if isinstance(req, str) and _dist_name(req)]
