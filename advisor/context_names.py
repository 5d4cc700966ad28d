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
COVER = 0.9  # share of a context's modules under one package that makes it the context's name


def _plain(word: str, layers) -> bool:
    """A word that names no domain: a layer, an API version, a generic module name."""
    return word in layers or word in _GENERIC or bool(_VERSION.match(word))


def data_apps(graph: DependencyGraph, owners) -> frozenset[str]:
    """Packages that own concrete models (``hc/api/models.py`` -> ``hc.api``; a ``models``
    package counts as its parent). Such a package is a domain whatever its name: a Django app
    called ``api`` or ``app`` is no layer and no generic word."""
    apps = set()
    for owner in owners:
        module = graph.modules.get(owner)
        if module is None:
            continue
        parts = package_of(module).split(".")
        if len(parts) > 1 and parts[-1] in ("models", "model"):
            parts.pop()
        apps.add(".".join(parts))
    return frozenset(apps)


def _domain_package(module, layers, apps=frozenset()) -> str:
    parts = package_of(module).split(".")
    while len(parts) > 1 and parts[-1] in layers and ".".join(parts) not in apps:
        parts.pop()
    return ".".join(parts)


def _ranked_packages(graph: DependencyGraph, members, layers, apps=frozenset()) -> list[str]:
    counts = Counter(_domain_package(graph.modules[m], layers, apps) for m in members)
    return sorted(counts, key=lambda p: (-counts[p], p.count("."), p))


def dominant_package(graph: DependencyGraph, members, layers, apps=frozenset()) -> str:
    return _ranked_packages(graph, members, layers, apps)[0]


def _tokens(members, exclude: set[str], layers) -> list[str]:
    """Domain words of the module names, most common first."""
    counts = Counter(t for m in members for t in m.rpartition(".")[2].lower().split("_")
                     if t and t not in exclude and not _plain(t, layers)
                     and not t[0].isdigit())
    return sorted(counts, key=lambda t: (-counts[t], t))


def _covering(graph: DependencyGraph, members, dominant: str, layers, apps) -> str:
    """The package that names the context: its dominant package, or an ancestor of it below
    the top level that holds at least COVER of the members (``feedback/incident`` and
    ``feedback/service`` together are ``feedback``)."""
    homes = [_domain_package(graph.modules[m], layers, apps) for m in members]
    parts = dominant.split(".")
    for i in range(len(parts), 1, -1):
        ancestor = ".".join(parts[:i])
        inside = sum(h == ancestor or h.startswith(ancestor + ".") for h in homes)
        if inside >= COVER * len(homes):
            if i == len(parts) or (not _plain(parts[i - 1], layers)
                                   and parts[i - 1] not in _CONTAINERS):
                return ancestor
            break
    return dominant


def _strip(package: str, layers, apps) -> list[str]:
    parts = package.split(".")
    while (len(parts) > 1 and (parts[-1] in layers or _VERSION.match(parts[-1]))
           and ".".join(parts) not in apps):
        parts = parts[:-1]
    return parts


def name_contexts(graph, groups: dict[str, list[str]], layers, taken: set[str],
                  apps=frozenset()) -> dict[str, str]:
    """label -> readable name (see the module docstring). Bigger contexts choose first."""
    ranked = {lab: _ranked_packages(graph, ms, layers, apps) for lab, ms in groups.items()}
    names: dict[str, str] = {}
    used = set(taken)
    app_words = {a.rpartition(".")[2] for a in apps}  # saleor/graphql/app serves saleor/app
    bases: dict[str, tuple[str, list[str], list[str]]] = {}
    for lab, ms in groups.items():
        home = _covering(graph, ms, ranked[lab][0], layers, apps)
        full = home.split(".")
        parts = _strip(home, layers, apps)
        tokens = _tokens(ms, {parts[-1]}, layers)
        base = parts[-1]
        layer_only = len(parts) == 1 and len(full) > 1  # shop/api/v1: the project's layer
        if tokens and ".".join(parts) not in apps and base not in app_words and (
                layer_only or (_plain(base, layers) and (len(parts) > 1 or base in layers))):
            base, tokens = tokens[0], tokens[1:]
        bases[lab] = base, parts, tokens
    # the context holding a data app chooses before bigger ones that merely serve it
    # (oscar's dashboard/catalogue views are not the catalogue)
    for lab in sorted(groups, key=lambda k: (".".join(bases[k][1]) not in apps,
                                             -len(groups[k]), ranked[k][0], k)):
        base, parts, tokens = bases[lab]
        options = [base]
        # on a clash: the next domain package its members live in (unless another context is
        # named after it), then the parent package, then a word of its module names
        for other in ranked[lab][1:3]:
            rest = _strip(other, layers, apps)
            if (len(rest) > 1 and (".".join(rest) in apps or not _plain(rest[-1], layers))
                    and not any(b[0] == rest[-1] for k, b in bases.items() if k != lab)):
                options.append(rest[-1])
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
