"""``[tool.advisor]`` parsed once, strictly, into typed values. Unknown keys are errors."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from typing import Any

from advisor.errors import ConfigError
from analyzers.codebase import ScanOptions


@dataclass(frozen=True)
class AdvisorConfig:
    scan: ScanOptions = field(default_factory=ScanOptions)
    source: str | None = None  # the file the configuration came from, for messages
    raw: dict[str, Any] = field(default_factory=dict)  # sections later stages parse themselves


def _strings(value: Any, key: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: '{key}' must be a list of strings")
    return tuple(value)


def _number(value: Any, key: str, where: str, minimum: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise ConfigError(f"{where}: '{key}' must be a number >= {minimum:g}")
    return value


_SCAN_KEYS = {
    "include": "glob patterns of files to analyse (default: every .py file)",
    "exclude": "glob patterns of files or folders to leave out",
    "source_roots": "folders that hold top-level packages, relative to the root (default: "
                    "guessed from __init__.py files and imports)",
    "default_excludes": "skip hidden folders, virtualenvs, node_modules, build, dist (true)",
    "max_file_size_kb": "files larger than this are skipped and listed (1000)",
    "parse_timeout_s": "a file that takes longer to parse is skipped and listed (60)",
    "jobs": "worker processes for parsing (0 = one per core)",
    "cache_dir": "where parsed facts are cached (default ~/.cache/monolith-advisor)",
}
# Sections parsed by the stages that own them; accepted here so they can be validated there.
_SECTIONS: set[str] = {"gate", "signals", "contexts", "readiness", "verdict"}


def load_config(root: str, config_path: str | None = None) -> AdvisorConfig:
    """Read ``--config FILE`` or ``ROOT/pyproject.toml``; missing file or table -> defaults."""
    path = config_path or os.path.join(root, "pyproject.toml")
    if not os.path.isfile(path):
        if config_path:
            raise ConfigError(f"{config_path}: no such file", "check the --config path")
        return AdvisorConfig()
    try:
        with open(path, "rb") as fh:
            document = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    table = document.get("tool", {}).get("advisor")
    if table is None:
        table = document if config_path and "tool" not in document else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.advisor] must be a table")
    return parse_table(table, path, root)


def parse_table(table: dict[str, Any], where: str, root: str = ".") -> AdvisorConfig:
    where = f"{where} [tool.advisor]"
    unknown = sorted(k for k in table if k not in _SCAN_KEYS and k not in _SECTIONS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key '{unknown[0]}'",
            "known keys: " + ", ".join(sorted([*_SCAN_KEYS, *_SECTIONS])),
        )
    kwargs: dict[str, Any] = {}
    for key in ("include", "exclude", "source_roots"):
        if key in table:
            kwargs[key] = _strings(table[key], key, where)
    if "default_excludes" in table:
        if not isinstance(table["default_excludes"], bool):
            raise ConfigError(f"{where}: 'default_excludes' must be true or false")
        kwargs["default_excludes"] = table["default_excludes"]
    if "max_file_size_kb" in table:
        kwargs["max_file_bytes"] = int(_number(table["max_file_size_kb"], "max_file_size_kb",
                                               where, 1) * 1000)
    if "parse_timeout_s" in table:
        kwargs["parse_timeout_s"] = float(_number(table["parse_timeout_s"], "parse_timeout_s",
                                                  where, 0.1))
    if "jobs" in table:
        kwargs["jobs"] = int(_number(table["jobs"], "jobs", where, 0))
    if "cache_dir" in table:
        if not isinstance(table["cache_dir"], str):
            raise ConfigError(f"{where}: 'cache_dir' must be a string")
        kwargs["cache_dir"] = os.path.expanduser(table["cache_dir"])
    for root_dir in kwargs.get("source_roots", ()):
        if root_dir.startswith("/") or ".." in root_dir.split("/"):
            raise ConfigError(f"{where}: source root '{root_dir}' must be a folder inside the "
                              "analysed root, written relative to it")
    return AdvisorConfig(scan=ScanOptions(**kwargs), source=where,
                         raw={k: v for k, v in table.items() if k in _SECTIONS})
