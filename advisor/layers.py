"""Layers and plumbing recognised by shape and role, not by a list of names.

* Layer-first code bases (``models/deals.py``, ``services/deals.py``, ``api/v1/deals.py``): when
  sibling packages of one project share the stems of their modules, and the data layer is split
  by those stems (two or more of them own concrete models), the shared stems are the domains.
  Each stem's modules across the layers seed one context named after the stem
  (:func:`domain_stems`). Stems are normalised conservatively: equal after a plural or verb
  suffix (``invoice``/``invoices``/``invoicing``) or sharing a prefix of at least six letters.
* Around those domains, modules of the layer packages that are not a domain's are the layers'
  kernel (``models/base.py``, ``api/deps.py``) when they import no domain, and wiring when they
  import two or more (``api/v1/router.py``, ``models/__init__.py``) (:func:`layer_roles`).
* Wiring (composition roots) in any code base (:func:`wiring`): modules that own no table, are
  no domain's layer module (the project's own ``api.py`` or ``cli.py`` may be), depend on
  several contexts and that nothing but wiring depends on (settings,
  root urls, app factories, Celery apps, ``manage.py``); siblings of a root that only wiring
  uses (``wsgi.py``, an observability setup); the project's top-level package ``__init__``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping

from advisor.graph import DependencyGraph

MIN_PREFIX = 6
_SUFFIXES = ("ing", "es", "s")
_NOT_DOMAINS = frozenset({
    "init", "main", "base", "common", "core", "shared", "utils", "util", "helpers", "deps",
    "dependencies", "models", "model", "schemas", "schema", "config", "settings", "constants",
    "types", "enums", "exceptions", "errors", "signals", "receivers", "managers", "mixins",
    "abstract", "router", "routers", "urls", "views", "admin", "apps", "app", "tests", "test",
    "conftest", "factories", "fixtures", "session", "db", "database", "security", "auth",
    "celery", "worker", "tasks", "api", "forms", "serializers", "wsgi", "asgi", "manage"})


def _root(stem: str) -> str:
    for suffix in _SUFFIXES:
        if stem.endswith(suffix) and len(stem) - len(suffix) >= 3:
            return stem[: -len(suffix)]
    return stem


def same_stem(a: str, b: str) -> bool:
    """Conservative: equal roots, or a common prefix of at least MIN_PREFIX letters."""
    if _root(a) == _root(b):
        return True
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n >= MIN_PREFIX


def _canonical(stems: Collection[str]) -> dict[str, str]:
    """stem -> representative of its group (the connected groups of ``same_stem`` pairs), the
    group's first stem in name order. Linear in the stems, not one test per pair (a layer-free
    tree of 5,000 distinct module names made 12.5 million): ``same_stem`` holds exactly for
    stems with the same root, or with the same first MIN_PREFIX letters, so joining each stem
    to the first one met of its root and of its prefix joins the same groups."""
    parent = {s: s for s in stems}

    def find(s: str) -> str:
        while parent[s] != s:
            parent[s] = s = parent[parent[s]]
        return s

    def join(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    first: dict[tuple[str, str], str] = {}
    for s in sorted(stems):
        keys = [("root", _root(s))]
        if len(s) >= MIN_PREFIX:
            keys.append(("prefix", s[:MIN_PREFIX]))
        for key in keys:
            if key in first:
                join(first[key], s)
            else:
                first[key] = s
    return {s: find(s) for s in stems}


def domain_stems(graph: DependencyGraph, support: Collection[str], owners: Collection[str],
                 layers: Collection[str]) -> dict[str, str]:
    """module -> domain name, for layer-first code bases (empty for any other shape).

    The data layer is a package whose modules, two or more, own models under domain stems
    (``crm/models/deals.py``); its parent holds the other layers: packages below that parent
    whose modules share two or more of those stems. A stem found in the data layer and in at
    least two other layers is a domain; its modules across those layers are its members."""
    leaves = [m for n, m in graph.modules.items()
              if n not in support and not m.is_package and "." in n]
    stem_of = {m.name: m.name.rpartition(".")[2].lower().strip("_") for m in leaves}
    stem_of = {n: s for n, s in stem_of.items()
               if s and s not in _NOT_DOMAINS and s not in layers and not s[0].isdigit()}
    canon = {n: c for n, c in zip(stem_of, map(_canonical(set(stem_of.values())).get,
                                               stem_of.values()))}
    children: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for n, c in canon.items():
        children[n.rpartition(".")[0]][c].append(n)
    out: dict[str, str] = {}
    for data in sorted(children):
        stems = {c for c, ns in children[data].items() if any(n in owners for n in ns)}
        parent = data.rpartition(".")[0]
        if len(stems) < 2:
            continue
        others = {p: set(cs) & stems for p, cs in children.items()
                  if p != data and (not parent or p.startswith(parent + "."))}
        others = {p: cs for p, cs in others.items() if len(cs) >= 2}
        found = Counter(c for cs in others.values() for c in cs)
        domains = {c for c in stems if found[c] >= 2}
        if len(domains) < 2 or len(others) < 2:
            continue
        members = [n for p in (data, *others) for c in domains for n in children[p].get(c, ())]
        raw: dict[str, Counter] = defaultdict(Counter)
        for n in members:
            raw[canon[n]][stem_of[n]] += 1
        name = {c: min(k, key=lambda t: (-k[t], len(t), t)) for c, k in raw.items()}
        for n in members:
            out.setdefault(n, name[canon[n]])
    return out


def layer_roles(graph: DependencyGraph, depends: Mapping[str, Collection[str]],
                domain_of: Mapping[str, str], support: Collection[str],
                owners: Collection[str]) -> tuple[set[str], set[str]]:
    """(kernel, wiring) among the other modules of the packages holding domain modules and of
    their ancestors below the top-level package."""
    tops = {n.partition(".")[0] for n in domain_of}
    kernel, wiring = set(), set()
    used_by: dict[str, set[str]] = defaultdict(set)
    for source, targets in depends.items():
        for t in targets:
            if source in domain_of:
                used_by[t].add(domain_of[source])
    for n, m in graph.modules.items():
        if n in domain_of or n in support:
            continue
        if n.partition(".")[0] not in tops or n in tops:
            continue
        reaches = {domain_of[t] for t in depends.get(n, ()) if t in domain_of}
        if len(reaches) >= 2 and n not in owners:
            wiring.add(n)
        elif not reaches and len(used_by[n]) >= 2:
            kernel.add(n)
    return kernel, wiring


def wiring(graph: DependencyGraph, depends: Mapping[str, Collection[str]],
           label: Mapping[str, str], support: Collection[str], owners: Collection[str],
           is_layer, seed: Collection[str] = (), keep: Collection[str] = ()) -> set[str]:
    """Composition roots and the plumbing only they use (see the module docstring)."""
    dependents: dict[str, set[str]] = defaultdict(set)
    for source, targets in depends.items():
        if source in support:
            continue
        for t in targets:
            if t != source:
                dependents[t].add(source)
    named: dict[str, set[str]] = defaultdict(set)  # include=[...], INSTALLED_APPS, routes
    for n, m in graph.modules.items():
        for ref in m.source.strings:
            parts = ref.value.split(".")
            for i in range(len(parts), 0, -1):
                if ".".join(parts[:i]) in graph.modules:
                    named[n].add(".".join(parts[:i]))
                    break
    contexts = len(set(label.values()))
    need = max(2, min(3, contexts - 1))
    out = set(seed)
    roots_pkgs: set[str] = set()

    with_data = {label[o] for o in owners if o in label}
    siblings: dict[str, Counter] = defaultdict(Counter)
    for o, lab in label.items():
        if not graph.modules[o].is_package:
            siblings[o.rpartition(".")[0]][lab] += 1

    def in_domain(n: str) -> bool:
        """Inside a package mostly held by one context (an app's AppConfig, its views, a
        plugin's handlers); not the project's root package, whose modules are the wiring's."""
        pkg = n.rpartition(".")[0]
        counts = siblings[pkg]
        if not counts or "." not in pkg:
            return False
        lab, k = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return k >= 2 and (lab in with_data or k * 2 > sum(counts.values()))

    def candidate(n: str) -> bool:
        return (n not in support and n not in owners and n not in keep and not in_domain(n)
                and (not is_layer(n) or n.rpartition(".")[0] in roots_pkgs))

    def free(n: str) -> bool:  # only wiring, or entry points that may be wiring, use it
        return candidate(n) and all(
            d in out or d in named[n] or (not dependents[d] and candidate(d))
            for d in dependents[n])

    def at_the_root(n: str) -> bool:
        """Where composition roots live: the project's own package, a root's package, or
        nowhere anyone imports from. A domain's module that only wiring loads (a plugin class
        named in settings) stays in its domain."""
        parent = n.rpartition(".")[0]
        return "." not in parent or parent in roots_pkgs or not dependents[n]

    changed = True
    while changed:
        changed = False
        for n in sorted(graph.modules):
            if n in out or not at_the_root(n) or not free(n):
                continue
            reaches = {label[t] for t in set(depends.get(n, ())) | named[n]
                       if t in label and t not in out and label[t] != label.get(n)}
            if len(reaches) >= need:
                out.add(n)
                changed = True
        roots_pkgs |= {n.rpartition(".")[0] for n in out if not graph.modules[n].is_package}
        for n in sorted(graph.modules):
            m = graph.modules[n]
            if n in out or m.is_package or n.rpartition(".")[0] not in roots_pkgs:
                continue
            if free(n) and (dependents[n] or any(t in out for t in depends.get(n, ()))):
                out.add(n)
                changed = True
        for n, m in graph.modules.items():  # entry points: start the wiring, used by none
            deps = {t for t in depends.get(n, ()) if t != n and not graph.modules[t].is_package}
            if (out and n not in out and not m.is_package and free(n) and not dependents[n]
                    and all(t in out or t in keep or t not in label for t in deps)
                    and (any(t in out for t in deps) or (not deps and "." not in n))):
                out.add(n)
                changed = True
    for n, m in graph.modules.items():  # the project's top-level package
        if not m.is_package or "." in n or n in owners or n in support or n in out or n in keep:
            continue
        below = [o for o in graph.modules if o.startswith(n + ".") and o not in support
                 and not graph.modules[o].is_package and o.count(".") == 1]
        holds = {label[o] for o in graph.modules if o.startswith(n + ".") and o in label}
        if (below and all(o in out for o in below)) or len(holds) >= 2:
            out.add(n)
    return out
