"""Typed, bounded fields for configuration values: the one check every section's parser uses.

Configuration comes from the analysed repository, which is untrusted input: every number is
finite and within a range (a NaN weight gave bare ``NaN`` in the assessment; ``seeds =
100000000`` took 6 GB), and every error names the key, the allowed range and the value.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from advisor.errors import ConfigError, ConfigErrors

T = TypeVar("T")

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


class Problems:
    """The errors of one or more settings tables, collected so that a user sees all of them at
    once: each key is checked in ``with problems.check():`` (or ``problems.value(...)``), and
    ``raise_any`` raises the lot (the error itself when there is one)."""

    def __init__(self) -> None:
        self.errors: list[ConfigError] = []

    def add(self, error: ConfigError) -> None:
        found = error.errors if isinstance(error, ConfigErrors) else (error,)
        known = {str(e) for e in self.errors}
        self.errors += [e for e in found if str(e) not in known]

    @contextmanager
    def check(self) -> Iterator[None]:
        try:
            yield
        except ConfigError as exc:
            self.add(exc)

    def value(self, parse: Callable[..., T], *args: Any, default: Any = None, **kwargs: Any) -> T:
        """``parse(*args, **kwargs)``, or ``default`` once its error is recorded."""
        try:
            return parse(*args, **kwargs)
        except ConfigError as exc:
            self.add(exc)
            return default

    def raise_any(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise ConfigErrors(self.errors)


def unknown_keys(table: dict[str, Any], known, where: str, hint: str) -> list[ConfigError]:
    """One error per key of ``table`` not in ``known``, in sorted order."""
    return [ConfigError(f"{where}: unknown key '{key}'", hint)
            for key in sorted(str(k) for k in table if k not in known)]
