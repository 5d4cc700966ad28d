"""Strict validators for ``[tool.advisor.gate]`` values. Every error names the key and the fix."""

from __future__ import annotations

from typing import Any

from advisor import fields
from advisor.errors import ConfigError
from advisor.gate import selectors
from advisor.gate.model import SEVERITIES
from advisor.graph import IMPORT_TAGS


def check_keys(table: dict[str, Any], known: dict[str, str], where: str) -> None:
    """One error per unknown key, all raised together."""
    problems = fields.Problems()
    for error in fields.unknown_keys(table, known, where,
                                     "known keys: " + ", ".join(sorted(known))):
        problems.add(error)
    problems.raise_any()


def require(table: dict[str, Any], key: str, where: str) -> Any:
    if key not in table:
        raise ConfigError(f"{where}: '{key}' is required")
    return table[key]


def severity(value: Any, where: str) -> str:
    if value not in SEVERITIES:
        raise ConfigError(f"{where}: 'severity' must be one of {', '.join(SEVERITIES)}, "
                          f"not {value!r}")
    return value


def text(value: Any, key: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: '{key}' must be a non-empty string")
    return value.strip()


def number(value: Any, key: str, where: str, maximum: float | None = None) -> float:
    """A finite number from 0 to ``maximum`` (metric values without a unit: 10^9)."""
    checked = fields.real(value, key, where, 0, fields.MAX_COUNT if maximum is None else maximum)
    return value if isinstance(value, int) else checked


def strings(value: Any, key: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if (not isinstance(value, list) or not value
            or not all(isinstance(v, str) and v for v in value)):
        raise ConfigError(f"{where}: '{key}' must be a non-empty list of strings")
    return tuple(value)


def patterns(value: Any, key: str, where: str) -> tuple[str, ...]:
    return tuple(selectors.validate(p, f"{where} '{key}'") for p in strings(value, key, where))


def tags(value: Any, key: str, where: str) -> tuple[str, ...]:
    if value == []:
        return ()
    found = strings(value, key, where)
    bad = [t for t in found if t not in IMPORT_TAGS]
    if bad:
        raise ConfigError(f"{where}: '{key}' has unknown tag '{bad[0]}'",
                          "choose from " + ", ".join(IMPORT_TAGS))
    return tuple(sorted(set(found)))
