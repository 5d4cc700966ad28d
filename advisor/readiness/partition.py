"""The declared packages: a signal and a cross-check for the judged contexts, never the answer.

The domain packages are the children of the package holding the most Django/SQLAlchemy "apps"
(packages with a ``models`` module), or of the single top-level package when no parent holds
two apps. Packages named like a shared kernel (core, common, shared, utils...) and project
packages (holding ``settings``, ``wsgi`` or ``asgi``) are not domains.
A module belongs to the domain package that contains it; everything else (composition roots,
settings, the kernel, tests, migrations) maps to None.

Two uses: ``[tool.advisor.verdict] contexts = "packages"`` pins each declared package as a
context before clustering (``package_pins``), and ``partition_notes`` says in at most three
lines where the judged contexts disagree with the declared packages.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping

from advisor.data_ownership import is_support_module
from advisor.graph import DependencyGraph

KERNEL_NAMES = frozenset({"core", "common", "shared", "utils", "util", "lib", "libs", "kernel",
                          "helpers", "base", "config", "settings", "conf", "tests", "test",
                          "migrations", "management", "templatetags", "static", "templates"})


_PROJECT_MODULES = ("settings", "wsgi", "asgi")  # a project package: configuration, not a domain
MINOR = 0.1  # a part of a package smaller than this share of its lines is not worth a note
LISTED = 4  # items named per note line


def declared_roots(graph: DependencyGraph) -> dict[str, str | None]:
    """module -> the dotted name of the declared domain package holding it (None: none)."""
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
    kept = set(names)
    out: dict[str, str | None] = {}
    for name in graph.modules:
        root = ".".join(name.split(".")[:depth + 1])
        domain = root if root in domains and name in kept else None
        if domain is not None and name == root and not graph.modules[name].is_package:
            domain = None  # a module at the parent level, not a package
        out[name] = domain
    return out


def package_partition(graph: DependencyGraph) -> dict[str, str | None]:
    """module -> the declared domain package's name (its last part), None outside them."""
    return {n: r.rpartition(".")[2] if r else None for n, r in declared_roots(graph).items()}


def package_pins(graph: DependencyGraph) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``[tool.advisor.contexts] pins`` that make each declared package a context."""
    roots = sorted({r for r in declared_roots(graph).values() if r})
    return tuple((r.rpartition(".")[2], (r, r + ".*")) for r in roots)


def _names(items: list[str]) -> str:
    shown = items[:LISTED]
    return "; ".join(shown) + (f"; and {len(items) - LISTED} more" if len(items) > LISTED
                               else "")


def partition_notes(judged: Mapping[str, str | None], declared: Mapping[str, str | None],
                    lines: Mapping[str, int], support: Collection[str] = ()) -> tuple[str, ...]:
    """At most three lines: declared packages the judged contexts merge, split, or leave out.

    ``judged`` and ``declared`` map modules to a context / a declared package name (None:
    neither); ``lines`` module -> lines. Support modules and parts under MINOR of a package's
    lines are ignored."""
    spread: dict[str, Counter] = defaultdict(Counter)  # package -> context (None) -> lines
    for m, package in declared.items():
        if package is not None and m not in support:
            spread[package][judged.get(m)] += lines.get(m, 0)
    merged: dict[str, list[str]] = defaultdict(list)  # context -> packages mostly in it
    split, outside = [], []
    for package, by in sorted(spread.items()):
        total = sum(by.values())
        if not total:
            continue
        parts = sorted((c for c, n in by.items() if c is not None and n >= MINOR * total),
                       key=lambda c: (-by[c], c))
        if by.get(None, 0) > total / 2:
            outside.append(f"{package} ({by[None] / total:.0%} of its lines)")
        elif parts:
            merged[parts[0]].append(package)
        if len(parts) > 1:
            split.append(f"{package} over " + ", ".join(f"{c} ({by[c] / total:.0%})"
                                                         for c in parts))
    groups = [f"{' + '.join(ps)} as {c}" for c, ps in sorted(merged.items()) if len(ps) > 1]
    notes = []
    if groups:
        notes.append("Declared packages coupled into one context: " + _names(groups) + ".")
    if split:
        notes.append("Declared packages split across contexts: " + _names(split) + ".")
    if outside:
        notes.append("Declared packages mostly outside any context (shared kernel or "
                     "unplaced): " + _names(outside) + ".")
    return tuple(notes[:3])
