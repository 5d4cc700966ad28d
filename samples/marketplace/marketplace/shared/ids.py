"""Sortable, prefixed identifiers (ULID-like), e.g. ``ord_01HV6Z...``.

Domains reference each other's records by these ids only, never by foreign keys.
"""

from __future__ import annotations

import os
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIXES = frozenset({"prd", "cat", "ord", "pay", "evt", "idx"})


def _encode(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, rem = divmod(value, 32)
        chars.append(_ALPHABET[rem])
    return "".join(reversed(chars))


def new_id(prefix: str, *, now_ms: int | None = None, entropy: bytes | None = None) -> str:
    if prefix not in PREFIXES:
        raise ValueError(f"unknown id prefix {prefix!r}")
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    rand = int.from_bytes(entropy if entropy is not None else os.urandom(10), "big")
    return f"{prefix}_{_encode(ms, 10)}{_encode(rand, 16)}"


def prefix_of(identifier: str) -> str:
    prefix, sep, body = identifier.partition("_")
    if not sep or prefix not in PREFIXES or len(body) != 26:
        raise ValueError(f"not a marketplace id: {identifier!r}")
    return prefix

