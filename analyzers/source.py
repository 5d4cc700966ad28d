"""Reading one source file safely: size cap, binary detection, PEP 263 encodings."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import tokenize
from dataclasses import dataclass

DEFAULT_MAX_FILE_BYTES = 1_000_000


class Rejected(Exception):
    """A file that will not be parsed; ``str(exc)`` is the one-line reason."""


@dataclass(frozen=True, slots=True)
class SourceText:
    text: str
    sha256: str


def read_bytes(real_path: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> bytes:
    """Read a regular file (never a device or fifo), at most ``max_bytes``."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(real_path, flags)
    except OSError as exc:
        raise Rejected(f"not readable: {exc.strerror}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Rejected("not a regular file")
        if st.st_size > max_bytes:
            raise Rejected(
                f"larger than the file size limit ({st.st_size:,} > {max_bytes:,} bytes); "
                "raise max_file_size_kb in [tool.advisor] to analyse it"
            )
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(max_bytes + 1)
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise Rejected(f"larger than the file size limit ({max_bytes:,} bytes)")
    return data


def decode(data: bytes) -> SourceText:
    """Bytes to text the way Python would read them (BOM, coding cookie, default UTF-8)."""
    if b"\x00" in data:
        raise Rejected("contains NUL bytes: binary or corrupt, not Python source")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if "invalid or missing encoding declaration" not in str(exc):
            raise Rejected(f"bad encoding declaration: {exc}") from None
        encoding = "utf-8"  # undeclared and not UTF-8: the decode below says where
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        detail = f"at byte {exc.start}" if isinstance(exc, UnicodeDecodeError) else str(exc)
        raise Rejected(
            f"not valid {encoding} text ({detail}); add a '# -*- coding: ... -*-' line "
            "or re-save the file as UTF-8"
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return SourceText(text=text, sha256=hashlib.sha256(data).hexdigest())
