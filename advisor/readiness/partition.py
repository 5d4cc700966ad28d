"""A stand-in partition by declared packages, for when no proposed contexts are given.

The domain packages are the children of the package holding the most Django/SQLAlchemy "apps"
(packages with a ``models`` module), or of the single top-level package when no parent holds
two apps. Packages named like a shared kernel (core, common, shared, utils...) and project
packages (holding ``settings``, ``wsgi`` or ``asgi``) are not domains.
A module belongs to the domain package that contains it; everything else (composition roots,
settings, the kernel, tests, migrations) maps to None.
"""

from __future__ import annotations

from collections import Counter

from advisor.data_ownership import is_support_module
from advisor.graph import DependencyGraph

KERNEL_NAMES = frozenset({"core", "common", "shared", "utils", "util", "lib", "libs", "kernel",
                          "helpers", "base", "config", "settings", "conf", "tests", "test",
                          "migrations", "management", "templatetags", "static", "templates"})


_PROJECT_MODULES = ("settings", "wsgi", "asgi")  # a project package: configuration, not a domain


def package_partition(graph: DependencyGraph) -> dict[str, str | None]:
    names = [n for n, m in graph.modules.items() if not is_support_module(m.path)]
    packages = {n.rpartition(".")[0] if not graph.modules[n].is_package else n for n in names}
    apps = sorted({p for p in (n.rpartition(".")[0] for n in names if n.rpartition(".")[2]
                               == "models") if p})
    parents = Counter(a.rpartition(".")[0] for a in apps)
    parent = None
    if parents:
        best, count = max(sorted(parents.items()), key=lambda kv: kv[1])
        if count >= 2:
            parent = best
    if parent is None:
        tops = sorted({n.partition(".")[0] for n in names if "." in n or graph.modules[n]
                       .is_package})
        parent = tops[0] if len(tops) == 1 else ""
    depth = parent.count(".") + 1 if parent else 0
    domains = set()
    for p in packages:
        parts = p.split(".")
        if len(parts) > depth and (not parent or p.startswith(parent + ".")):
            root = ".".join(parts[:depth + 1])
            project = any(f"{root}.{m}" in graph.modules for m in _PROJECT_MODULES)
            if parts[depth] not in KERNEL_NAMES and not project:
                domains.add(root)
    out: dict[str, str | None] = {}
    for name in graph.modules:
        parts = name.split(".")
        root = ".".join(parts[:depth + 1])
        domain = root if root in domains and name in names else None
        if domain is not None and name == root and not graph.modules[name].is_package:
            domain = None  # a module at the parent level, not a package
        out[name] = domain.rpartition(".")[2] if domain else None
    return out
