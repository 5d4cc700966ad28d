"""Names a reader recognises: a context is named after its domain, its dominant package with
layer, version and generic parts stripped (``shop/api/v1`` is no domain), else the model or
module stem most of its modules share. Unique: on a clash, qualified by a parent package that
is a domain word, or by a further domain word of its module names; numbered only when nothing
else tells two contexts apart.
"""

from __future__ import annotations

import re
from collections import Counter

from advisor.graph import DependencyGraph, package_of

_CONTAINERS = frozenset({"apps", "src", "lib", "libs", "modules", "packages", "components",
                         "domains", "services", "contrib", "plugins", "extensions"})
_GENERIC = frozenset({
    "init", "models", "model", "abstract", "apps", "app", "utils", "util", "signals",
    "receivers", "managers", "exceptions", "base", "core", "helpers", "mixins", "config",
    "settings", "constants", "types", "enums", "enum", "schemas", "schema", "serializers",
    "service", "services", "repository", "repositories", "crud", "tasks", "task", "views",
    "view", "handlers", "api", "apis", "urls", "admin", "forms", "tests", "test", "conftest",
    "factories", "fixtures", "common", "shared", "main", "router", "routers", "endpoints",
    "commands", "management", "migrations", "interfaces", "contracts", "http", "client", "db",
    "deps", "dependencies", "queries", "selectors", "validators", "permissions", "flows",
    "scheduled", "messaging", "events", "ids", "misc", "lib", "libs", "src"})
_VERSION = re.compile(r"v\d+\Z")


def _plain(word: str, layers) -> bool:
    """A word that names no domain: a layer, an API version, a generic module name."""
    return word in layers or word in _GENERIC or bool(_VERSION.match(word))


def _domain_package(module, layers) -> str:
    parts = package_of(module).split(".")
    while len(parts) > 1 and parts[-1] in layers:
        parts.pop()
    return ".".join(parts)


def dominant_package(graph: DependencyGraph, members, layers) -> str:
    counts = Counter(_domain_package(graph.modules[m], layers) for m in members)
    return min(counts, key=lambda p: (-counts[p], p.count("."), p))


def _tokens(members, exclude: set[str], layers) -> list[str]:
    """Domain words of the module names, most common first."""
    counts = Counter(t for m in members for t in m.rpartition(".")[2].lower().split("_")
                     if t and t not in exclude and not _plain(t, layers)
                     and not t[0].isdigit())
    return sorted(counts, key=lambda t: (-counts[t], t))


def name_contexts(graph, groups: dict[str, list[str]], layers, taken: set[str]) -> dict[str, str]:
    """label -> readable name (see the module docstring). Bigger contexts choose first."""
    dominant = {lab: dominant_package(graph, ms, layers) for lab, ms in groups.items()}
    names: dict[str, str] = {}
    used = set(taken)
    for lab in sorted(groups, key=lambda k: (-len(groups[k]), dominant[k], k)):
        parts = full = dominant[lab].split(".")
        while len(parts) > 1 and (parts[-1] in layers or _VERSION.match(parts[-1])):
            parts = parts[:-1]
        tokens = _tokens(groups[lab], {parts[-1]}, layers)
        base = parts[-1]
        layer_only = len(parts) == 1 and len(full) > 1  # shop/api/v1: the project's layer
        if tokens and (layer_only or (_plain(base, layers) and (len(parts) > 1
                                                                 or base in layers))):
            base, tokens = tokens[0], tokens[1:]
        options = [base]
        if len(parts) > 2 and not _plain(parts[-2], layers) and parts[-2] not in _CONTAINERS:
            options.append(f"{parts[-2]}.{base}")  # not the project's name either
        options += [f"{base}.{t}" for t in tokens[:3]]
        name = next((o for o in options if o not in used), None)
        k = 2
        while name is None or name in used:
            name, k = f"{base}-{k}", k + 1
        names[lab] = name
        used.add(name)
    return names
