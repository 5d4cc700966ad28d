"""``[tool.advisor]`` parsed once, strictly, into typed values. Unknown keys are errors.

The analysed repository is untrusted input, and so are its settings: its ``pyproject.toml`` is
read only as a regular file inside the root (``analyzers.source.read_inside``), every number is
finite and bounded (``advisor.fields``), and it may only make the tool do less: lower the file
size and parse time limits, never raise them (the command line can), and never choose where
the facts cache goes (``cache_dir`` comes from ``--cache-dir``, ``ADVISOR_CACHE_DIR``,
``XDG_CACHE_HOME`` or a ``--config`` file of the user's own, outside the analysed root).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from typing import Any

from advisor.errors import ConfigError
from advisor.fields import Problems, real, unknown_keys, whole
from analyzers.codebase import DEFAULT_PARSE_TIMEOUT_S, ScanOptions
from analyzers.source import DEFAULT_MAX_FILE_BYTES, Rejected, read_inside, read_named
from analyzers.treewalk import is_within

CONFIG_MAX_BYTES = 1_000_000  # a pyproject.toml or --config file larger than this is refused
MAX_FILE_SIZE_KB = DEFAULT_MAX_FILE_BYTES // 1000  # settings files may only lower these two
MAX_PARSE_TIMEOUT_S = DEFAULT_PARSE_TIMEOUT_S
MAX_JOBS = 256  # and never more than the cores or the files (analyzers.codebase)
CACHE_DIR_HINT = ("set it with --cache-dir DIR or the ADVISOR_CACHE_DIR environment variable, "
                  "or in a --config file of your own outside the analysed repository")


@dataclass(frozen=True)
class AdvisorConfig:
    scan: ScanOptions = field(default_factory=ScanOptions)
    source: str | None = None  # the file the configuration came from, for messages
    raw: dict[str, Any] = field(default_factory=dict)  # sections later stages parse themselves
    file: str | None = None  # the real path of the file read; None: defaults
    trusted: bool = False  # the user's own file (outside the analysed root), not the repo's


def _strings(value: Any, key: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: '{key}' must be a list of strings")
    return tuple(value)


_SCAN_KEYS = {
    "include": "glob patterns of files to analyse (default: every .py file)",
    "exclude": "glob patterns of files or folders to leave out",
    "source_roots": "folders that hold top-level packages, relative to the root (default: "
                    "guessed from __init__.py files and imports)",
    "default_excludes": "skip hidden folders, virtualenvs, node_modules, build, dist (true)",
    "max_file_size_kb": f"files larger than this are skipped and listed (1 to "
                        f"{MAX_FILE_SIZE_KB}, the default; only --max-file-size-kb raises it)",
    "parse_timeout_s": f"a file that takes longer to parse is skipped and listed (0.1 to "
                       f"{MAX_PARSE_TIMEOUT_S:g}, the default; only --parse-timeout raises it)",
    "jobs": f"worker processes for parsing (0 = one per core, the default; at most {MAX_JOBS}, "
            "never more than the cores or the files)",
    "cache_dir": "where parsed facts are cached: only in a --config file of your own, outside "
                 "the analysed repository (default $ADVISOR_CACHE_DIR, else "
                 "$XDG_CACHE_HOME/monolith-advisor, else ~/.cache/monolith-advisor)",
}
# Sections parsed by the stages that own them; accepted here so they can be validated there.
_SECTIONS: set[str] = {"gate", "signals", "contexts", "readiness", "verdict"}


def read_toml(path: str, root: str | None = None) -> dict[str, Any]:
    """A TOML document: ``path`` inside ``root`` (the repository's own file) when ``root`` is
    given, else a file the user named. Errors name the file and say what to do."""
    return parse_toml(read_toml_text(path, root), path)


def read_toml_text(path: str, root: str | None = None) -> str:
    """The text of ``read_toml``'s file, read the same guarded way (``advisor init`` edits it)."""
    try:
        data = (read_inside(root, path, CONFIG_MAX_BYTES) if root is not None
                else read_named(path, CONFIG_MAX_BYTES))
    except Rejected as exc:
        hint = (f"the analysed repository's settings are read only from a regular file of at "
                f"most {CONFIG_MAX_BYTES // 1_000_000} MB inside it; pass --config FILE to use "
                "another" if root is not None else
                f"pass a regular TOML file of at most {CONFIG_MAX_BYTES // 1_000_000} MB")
        raise ConfigError(f"{path}: {exc}", hint) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid UTF-8 (at byte {exc.start})",
                          "TOML files are UTF-8") from None


def parse_toml(text: str, path: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML: nested too deeply") from None


def load_config(root: str, config_path: str | None = None,
                problems: Problems | None = None) -> AdvisorConfig:
    """Read ``--config FILE`` or ``ROOT/pyproject.toml``; missing file or table -> defaults.
    ``problems``: collects the errors of ``[tool.advisor]`` for the caller to raise with the
    other sections' (``advisor.analysis.load_settings``); without it they are raised here."""
    real_root = os.path.realpath(root)
    if config_path:
        if not os.path.lexists(config_path):
            raise ConfigError(f"{config_path}: no such file", "check the --config path")
        path = config_path
        document = read_toml(config_path)
        trusted = not is_within(os.path.realpath(config_path), real_root)
    else:
        path = os.path.join(root, "pyproject.toml")
        if not os.path.lexists(path):
            return AdvisorConfig()
        document = read_toml(path, real_root)
        trusted = False
    tool = document.get("tool", {})
    table = tool.get("advisor") if isinstance(tool, dict) else None
    if table is None:
        table = document if config_path and "tool" not in document else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.advisor] must be a table")
    found = problems if problems is not None else Problems()
    config = parse_table(table, path, root, trusted=trusted, problems=found)
    if problems is None:
        found.raise_any()
    scan = config.scan
    if scan.cache_dir and not os.path.isabs(scan.cache_dir):  # relative to the file saying it
        scan = replace(scan, cache_dir=os.path.join(
            os.path.dirname(os.path.realpath(path)), scan.cache_dir))
    return AdvisorConfig(scan, config.source, config.raw, os.path.realpath(path), trusted)


def parse_table(table: dict[str, Any], where: str, root: str = ".", *,
                trusted: bool = False, problems: Problems | None = None) -> AdvisorConfig:
    """``trusted``: the table comes from the user's own file, which may also set ``cache_dir``.
    Errors go to ``problems`` when given (the caller raises them), else all are raised here."""
    where = f"{where} [tool.advisor]"
    found = problems if problems is not None else Problems()
    for error in unknown_keys(table, {*_SCAN_KEYS, *_SECTIONS}, where,
                              "known keys: " + ", ".join(sorted([*_SCAN_KEYS, *_SECTIONS]))):
        found.add(error)
    kwargs: dict[str, Any] = {}
    for key in ("include", "exclude", "source_roots"):
        if key in table:
            with found.check():
                kwargs[key] = _strings(table[key], key, where)
    with found.check():
        _scan_values(table, where, trusted, kwargs)
    with found.check():
        if "cache_dir" in table:
            kwargs["cache_dir"] = _cache_dir(table["cache_dir"], where, trusted)
    for root_dir in kwargs.get("source_roots", ()):
        if root_dir.startswith("/") or ".." in root_dir.split("/"):
            found.add(ConfigError(f"{where}: source root '{root_dir}' must be a folder inside "
                                  "the analysed root, written relative to it"))
    if problems is None:
        found.raise_any()
    return AdvisorConfig(scan=ScanOptions(**kwargs), source=where,
                         raw={k: v for k, v in table.items() if k in _SECTIONS}, trusted=trusted)


def _scan_values(table: dict[str, Any], where: str, trusted: bool,
                 kwargs: dict[str, Any]) -> None:
    problems = Problems()
    if "default_excludes" in table:
        if not isinstance(table["default_excludes"], bool):
            problems.add(ConfigError(f"{where}: 'default_excludes' must be true or false"))
        else:
            kwargs["default_excludes"] = table["default_excludes"]
    if "max_file_size_kb" in table:
        with problems.check():
            kwargs["max_file_bytes"] = int(1000 * real(
                table["max_file_size_kb"], "max_file_size_kb", where, 1, MAX_FILE_SIZE_KB,
                hint="settings may only lower it; raise it with --max-file-size-kb"))
    if "parse_timeout_s" in table:
        with problems.check():
            kwargs["parse_timeout_s"] = real(
                table["parse_timeout_s"], "parse_timeout_s", where, 0.1, MAX_PARSE_TIMEOUT_S,
                hint="settings may only lower it; raise it with --parse-timeout")
    if "jobs" in table:
        with problems.check():
            kwargs["jobs"] = whole(table["jobs"], "jobs", where, 0, MAX_JOBS,
                                   hint="0 = one per core")
    problems.raise_any()


def _cache_dir(value: Any, where: str, trusted: bool) -> str:
    if not trusted:
        raise ConfigError(f"{where}: 'cache_dir' cannot be set by the analysed repository",
                          CACHE_DIR_HINT)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where}: 'cache_dir' must be the path of a folder")
    return os.path.expanduser(value)
