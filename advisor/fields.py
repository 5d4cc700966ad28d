"""Typed, bounded fields for configuration values: the one check every section's parser uses.

Configuration comes from the analysed repository, which is untrusted input: every number is
finite and within a range (a NaN weight gave bare ``NaN`` in the assessment; ``seeds =
100000000`` took 6 GB), and every error names the key, the allowed range and the value.
"""

from __future__ import annotations

import math
from typing import Any

from advisor.errors import ConfigError

MAX_COUNT = 1_000_000_000  # an upper bound for counts and sizes that have no natural one
MAX_WEIGHT = 100.0  # weights are relative: 100 times the default is already all-dominant


def _is_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float))


def _show(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else f"{bound:g}"


def _fail(kind: str, key: str, where: str, bound: str, hint: str, value: Any) -> ConfigError:
    suffix = f" ({hint})" if hint else ""
    return ConfigError(f"{where}: '{key}' must be {kind} {bound}{suffix}, not {value!r}")


def real(value: Any, key: str, where: str, low: float = 0.0, high: float = MAX_COUNT, *,
         above: bool = False, hint: str = "") -> float:
    """A finite number in [low, high] (``above``: strictly greater than ``low``)."""
    if (not _is_number(value) or not math.isfinite(value) or value > high
            or (value <= low if above else value < low)):
        bound = f"{'>' if above else '>='} {_show(low)} and <= {_show(high)}"
        raise _fail("a number", key, where, bound, hint, value)
    return float(value)


def whole(value: Any, key: str, where: str, low: int = 0, high: int = MAX_COUNT, *,
          hint: str = "") -> int:
    """A whole number in [low, high]; ``3.0`` counts as 3, ``3.5`` does not."""
    number = value
    if isinstance(value, float) and value.is_integer():
        number = int(value)
    if not isinstance(number, int) or isinstance(number, bool) or not low <= number <= high:
        raise _fail("a whole number", key, where, f">= {low} and <= {high}", hint, value)
    return number
