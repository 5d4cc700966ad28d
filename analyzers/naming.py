"""Module names for files: packages, src layouts, several roots, namespace packages, scripts.

A file's shortest name comes from its chain of ``__init__.py`` directories (``src/shop/cart.py``
with ``src/shop/__init__.py`` -> ``shop.cart``). Directories above that chain without an
``__init__.py`` may be PEP 420 namespace packages (``src/acme/shop`` imported as ``acme.shop``) or
just folders (``src``, ``backend``). Which one is decided by evidence: if the code base imports
``acme.shop...`` the namespace reading wins, otherwise the folder reading. ``source_roots`` in the
configuration overrides the guess.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from analyzers.facts import FROM, ImportFact


@dataclass(frozen=True, slots=True)
class Naming:
    names: dict[str, tuple[str, bool]]  # path -> (module name, is_package)
    source_roots: tuple[str, ...]  # posix dirs relative to the root ("." for the root)
    notes: tuple[str, ...]


def _split(path: str) -> tuple[list[str], str]:
    parts = path.split("/")
    return parts[:-1], parts[-1].rsplit(".", 1)[0]


def _import_evidence(imports: list[ImportFact]) -> Counter[str]:
    """How often each dotted prefix is named by an absolute import."""
    counts: Counter[str] = Counter()
    for fact in imports:
        if fact.level or not fact.module:
            continue
        targets = [fact.module]
        if fact.form == FROM:
            targets += [f"{fact.module}.{name}" for name, _ in fact.names]
        for target in targets:
            parts = target.split(".")
            for j in range(1, len(parts) + 1):
                counts[".".join(parts[:j])] += 1
    return counts


def assign_names(
    paths: list[str],
    package_dirs: frozenset[str],
    imports: list[ImportFact],
    root_name: str,
    source_roots: tuple[str, ...] = (),
) -> Naming:
    notes: list[str] = []
    configured = sorted((r.strip("/") or "." for r in source_roots), key=len, reverse=True)
    # path -> (anchor dir parts, name parts, is_package)
    layout: dict[str, tuple[tuple[str, ...], list[str], bool]] = {}
    for path in paths:
        dirs, stem = _split(path)
        is_package = stem == "__init__"
        root = next((r for r in configured if r == "." or path.startswith(r + "/")), None)
        if root is not None:
            anchor = () if root == "." else tuple(root.split("/"))
            rel = dirs[len(anchor):]
        else:
            i = _enclosing_package(dirs, package_dirs, bool(root_name))
            while i > 0 and "/".join(dirs[:i]) in package_dirs:
                i -= 1
            if i == 0 and "" in package_dirs and root_name:
                # the analysed root is itself a package: its name is the directory's name
                anchor, rel = (), [root_name, *dirs]
            else:
                anchor, rel = tuple(dirs[:i]), dirs[i:]
        parts = rel if is_package else [*rel, stem]
        if not parts:  # an __init__.py directly in a configured root
            parts = [anchor[-1] if anchor else root_name or "__init__"]
        layout[path] = (anchor, parts, is_package)

    prefixes = {} if configured else _namespace_prefixes(layout, imports)
    names: dict[str, tuple[str, bool]] = {}
    roots: set[str] = set()
    for path, (anchor, parts, is_package) in layout.items():
        prefix = prefixes.get(anchor, ())
        names[path] = (".".join([*prefix, *parts]), is_package)
        root_parts = anchor[: len(anchor) - len(prefix)]
        roots.add("/".join(root_parts) or ".")
    _disambiguate(names, layout, notes)
    return Naming(names, tuple(sorted(roots)), tuple(notes))


def _enclosing_package(dirs: list[str], package_dirs: frozenset[str], named_root: bool) -> int:
    """How many of ``dirs`` the file's name is anchored below: all of them, except that folders
    without ``__init__.py`` inside a package (``shop/orders/tasks/`` under ``shop/orders/``) are
    namespace portions of it and keep their place in the name (``shop.orders.tasks.v3``), however
    the file is imported. Folders whose names are no identifiers cannot be imported that way."""
    for k in range(len(dirs), -1, -1):
        if "/".join(dirs[:k]) in package_dirs and (k or named_root):
            if all(part.isidentifier() for part in dirs[k:]):
                return k
            break
    return len(dirs)


def _namespace_prefixes(layout, imports) -> dict[tuple[str, ...], tuple[str, ...]]:
    evidence = _import_evidence(imports)
    tops: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for anchor, parts, _ in layout.values():
        if anchor:
            tops[anchor].add(parts[0])
    chosen: dict[tuple[str, ...], tuple[str, ...]] = {}
    for anchor, top_names in tops.items():
        best, best_score = (), sum(evidence[t] for t in top_names)
        for k in range(1, len(anchor) + 1):
            prefix = anchor[-k:]
            if not all(p.isidentifier() for p in prefix):
                break
            dotted = ".".join(prefix)
            score = sum(evidence[f"{dotted}.{t}"] for t in top_names)
            if score > best_score:
                best, best_score = prefix, score
        if best:
            chosen[anchor] = best
    return chosen


def _disambiguate(names, layout, notes) -> None:
    by_name: dict[str, list[str]] = defaultdict(list)
    for path, (name, _) in names.items():
        by_name[name].append(path)
    taken = set(by_name)
    for name, paths in sorted(by_name.items()):
        if len(paths) < 2:
            continue
        paths.sort(key=lambda p: (p.count("/"), p))
        for path in paths[1:]:
            anchor, parts, is_package = layout[path]
            new = None
            for k in range(1, len(anchor) + 1):
                candidate = ".".join([*anchor[-k:], *parts])
                if candidate not in taken:
                    new = candidate
                    break
            if new is None:
                new = path.rsplit(".", 1)[0].replace("/", ".")
            taken.add(new)
            names[path] = (new, is_package)
        notes.append(
            f"module name {name!r} is used by {len(paths)} files ({', '.join(paths)}); "
            f"{paths[0]} keeps it, the others are named after their folders"
        )

