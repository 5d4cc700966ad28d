"""Making text from the analysed tree safe to print on one terminal or log line.

File names, module names and reasons come from an untrusted repository. Printed raw, a name
holding a newline starts a new line (``::warning ...`` is then a GitHub Actions workflow
command), an ESC starts a terminal escape sequence, and a bidi control reorders what the reader
sees. ``printable`` keeps such characters visible instead, in Python's escape notation.
"""

from __future__ import annotations

import unicodedata

# Unicode format characters that change how surrounding text is displayed or ordered
# (bidi embeddings, overrides and isolates, and marks), beyond the Cc control category.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = frozenset("\u2028\u2029\x85")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _unsafe(char: str) -> bool:
    if char in _BIDI or char in _LINE_BREAKS:
        return True
    # Cc: C0/C1 controls and DEL; Cs: lone surrogates (from undecodable file names)
    return unicodedata.category(char) in ("Cc", "Cs")


def printable(text: str) -> str:
    """``text`` with every control character, line break and bidi control escaped visibly.

    ESC becomes ``\\x1b``, a newline ``\\n``, a carriage return ``\\r``, a tab ``\\t``,
    RIGHT-TO-LEFT OVERRIDE ``\\u202e``; other text (any script, emoji) is left as is. A
    backslash is kept as is, so the result is for reading, not for reversing. The result never
    holds a line break, so it cannot start a new log line or workflow command.
    """
    text = str(text)
    if text.isprintable():  # the common case, without a per-character walk
        return text  # (bidi controls are format characters, which are not printable)
    return "".join(_escape(c) if _unsafe(c) else c for c in text)
