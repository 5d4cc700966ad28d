"""API keys: clients send ``Authorization: Bearer <key>``; only sha256 digests are configured."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from crm.core.config import Settings


@dataclass(frozen=True)
class Principal:
    name: str
    scopes: frozenset[str]

    def can(self, scope: str) -> bool:
        return "admin" in self.scopes or scope in self.scopes


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def parse_keys(raw: str) -> dict[str, Principal]:
    """``name:scope1,scope2:digest;...`` -> {digest: Principal}."""
    keys: dict[str, Principal] = {}
    for entry in filter(None, (part.strip() for part in raw.split(";"))):
        name, scopes, hexdigest = entry.split(":", 2)
        keys[hexdigest.lower()] = Principal(name, frozenset(s for s in scopes.split(",") if s))
    return keys


def authenticate(settings: Settings, key: str) -> Principal | None:
    wanted = digest(key)
    for known, principal in parse_keys(settings.api_keys).items():
        if hmac.compare_digest(known, wanted):
            return principal
    return None
