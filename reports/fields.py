"""Reading a possibly partial or hand-edited assessment document without tripping over it.

Every accessor returns the expected type or the given default: a missing key, ``null`` or a
value of the wrong type is "absent". Renderers call these instead of indexing the document, so
a section whose data is not computed yet renders as empty rather than failing.
"""

from __future__ import annotations

import math
from typing import Any


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def get(document: Any, *keys: str) -> Any:
    """``get(doc, "recommendation", "verdict")``: the nested value or None."""
    value = document
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def text(value: Any, default: str = "") -> str:
    """A string for display: numbers and booleans are written out, other types are absent."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)) and not (isinstance(value, float) and math.isnan(value)):
        return fmt_number(value)
    return default


def number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if math.isnan(value) or math.isinf(value):
        return None
    return float(value)


def integer(value: Any) -> int | None:
    n = number(value)
    return int(n) if n is not None else None


def fmt_number(value: float | None, digits: int = 2) -> str:
    """1234 -> '1,234'; 0.4567 -> '0.46'; None -> '–'."""
    if value is None or isinstance(value, bool):
        return "\u2013"
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{digits}f}"


def strings(value: Any, key_order: tuple[str, ...] = ("name", "title", "path")) -> list[str]:
    """A list of display strings from a list of strings or of dicts (first key that is text)."""
    out = []
    for item in as_list(value):
        if isinstance(item, dict):
            label = next((text(item.get(k)) for k in key_order if text(item.get(k))), "")
            if label:
                out.append(label)
        else:
            label = text(item)
            if label:
                out.append(label)
    return out


def location(path: Any, line: Any) -> str:
    """'pkg/mod.py:12', 'pkg/mod.py' or ''."""
    p = text(path)
    n = integer(line)
    return f"{p}:{n}" if p and n else p
