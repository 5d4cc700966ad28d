"""Text from the analysed tree, made safe for each kind of output.

Names, paths and messages come from an untrusted repository. ``safe_line`` makes one line of
terminal or CI log text (nothing in it starts another line, moves the cursor, reorders the text
or reads as a GitHub Actions workflow command); ``xml_text`` keeps only what XML 1.0 can hold;
``dump_json`` writes strict JSON (no bare ``NaN`` or ``Infinity``, which Python's ``json``
would otherwise write and strict readers reject).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from reports.terminal import printable

_COMMAND_STARTS = ("::", "##[")  # workflow commands (v2, v1); the runner skips leading blanks


def safe_line(line: str) -> str:
    """``line`` with control, line-break and bidi characters shown as escapes (``printable``),
    and the first character escaped too if the line would still start a workflow command."""
    line = printable(line)
    body = line.lstrip()
    if body.startswith(_COMMAND_STARTS):
        cut = len(line) - len(body)
        line = f"{line[:cut]}\\x{ord(body[0]):02x}{body[1:]}"
    return line


# everything outside XML 1.0's Char production: #x9 | #xA | #xD | [#x20-#xD7FF] |
# [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def xml_text(value: object) -> str:
    """``value`` as text XML 1.0 can hold: a character it cannot (a C0 control such as BEL, a
    lone surrogate, U+FFFE) is written as a visible escape (``\\x07``)."""
    return _NOT_XML.sub(_escape, str(value))


def finite(value: Any) -> Any:
    """``value`` with every NaN or infinite float, at any depth, replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


def dump_json(value: Any) -> str:
    """Indented JSON text with a final newline; non-ASCII kept as is, non-finite numbers null.
    The text is exactly ``json.dumps(value, indent=2, ensure_ascii=False)``'s."""
    try:  # the common case: plain values, all finite
        return _indented(value) + "\n"
    except (TypeError, ValueError):  # a subclass, or "Out of range float values"
        pass
    try:
        return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    except ValueError:
        return json.dumps(finite(value), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


_string = json.encoder.encode_basestring  # the C function json itself uses for ensure_ascii=False
_INDENT = "  "


def _indented(value: Any) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)`` for dicts, lists,
    tuples, str, int, float, bool and None (exactly those types, no subclass), 2.5 times faster:
    with ``indent`` set, json encodes in Python through nested generators; this appends to one
    list and encodes the scalars with json's own C and ``repr`` functions. TypeError on any
    other type, ValueError on a non-finite float: the caller then falls back to ``json``."""
    out: list[str] = []
    put = out.append

    def scalar(o: Any) -> str:
        t = type(o)
        if t is str:
            return _string(o)
        if o is None:
            return "null"
        if o is True:
            return "true"
        if o is False:
            return "false"
        if t is int:
            return int.__repr__(o)
        if t is float and math.isfinite(o):
            return float.__repr__(o)
        raise ValueError("Out of range float values") if t is float else TypeError(t.__name__)

    def key(k: Any) -> str:  # json's keys: None, bool, int and float as their JSON text
        return _string(scalar(k))

    def encode(o: Any, level: int) -> None:
        t = type(o)
        if t is dict:
            if not o:
                put("{}")
                return
            inner = "\n" + _INDENT * (level + 1)
            put("{")
            separator = inner
            for k, v in o.items():
                put(separator)
                separator = "," + inner
                put(_string(k) if type(k) is str else key(k))
                put(": ")
                tv = type(v)  # the common scalars inline: a call per value costs a third
                if tv is str:
                    put(_string(v))
                elif tv is int:
                    put(int.__repr__(v))
                else:
                    encode(v, level + 1)
            put("\n" + _INDENT * level + "}")
        elif t is list or t is tuple:
            if not o:
                put("[]")
                return
            inner = "\n" + _INDENT * (level + 1)
            put("[")
            separator = inner
            for v in o:
                put(separator)
                separator = "," + inner
                tv = type(v)  # the same inline scalars as for a dict's values (a shared
                if tv is str:  # helper, or one loop for both, measured 45% slower)
                    put(_string(v))
                elif tv is int:
                    put(int.__repr__(v))
                else:
                    encode(v, level + 1)
            put("\n" + _INDENT * level + "]")
        else:
            put(scalar(o))

    encode(value, 0)
    return "".join(out)
