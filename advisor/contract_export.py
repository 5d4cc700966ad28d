"""The proposed boundaries as contracts CI can enforce: a ``[tool.advisor.gate]`` snippet for
``advisor check`` (the schema of ``advisor.gate.config``) and an import-linter INI file.

What is proposed, per domain context C (its modules named by the fewest packages that hold
only C's code, its *roots*):
- forbidden: C may not depend on the contexts it does not depend on today, nor on those it
  should stop depending on to break a cycle (the suggested cut edges); today's allowed
  direction stays allowed;
- public-interface (gate only; import-linter has no equivalent): other code may use C only
  through the modules application code uses today, so the surface cannot grow unnoticed;
- forbidden: the shared kernel the contexts use may not depend on any context.
Tests and migrations that break a contract today get ``ignore_imports`` entries (they may reach
into internals); a contract that application code breaks today says so in a comment: take a
baseline (``advisor baseline``) and burn the violations down.

One semantics in both files: every contract checks imports only (``kinds = ["import"]`` in the
gate; the edges import-linter sees), so "breaks today" counts the same dependencies in both;
an ignore entry covers whole subtrees on both sides (``pkg.tests -> shop.orders`` also allows a
test added tomorrow), written in import-linter as the ``A``/``A.**`` x ``B``/``B.**``
expressions that say the same, with unmatched-entry alerts off (an entry for a subtree that
has no such import yet is not a mistake); both check direct imports only (the gate's
``transitive = false``, import-linter's ``allow_indirect_imports = True``).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, replace

from advisor.data_ownership import is_support_module
from advisor.readiness.inputs import STRING, Inputs

IMPORT = "import"  # the one edge kind import-linter sees


@dataclass(frozen=True)
class Contract:
    name: str
    type: str  # forbidden | public-interface
    source: tuple[str, ...] = ()
    target: tuple[str, ...] = ()
    interface: tuple[str, ...] = ()
    violations: int = 0  # module edges of application code that break it today
    guidance: str = ""
    ignore: tuple[tuple[str, str], ...] = ()  # (source, target) subtrees tests need today


_SUPPORT = "\0support"  # the label of tests and migrations in ``_labels_under``


def _labels_under(inp: Inputs) -> dict[str, set]:
    """package prefix -> labels (context, None for the kernel, _SUPPORT) of the modules in it."""
    found: dict[str, set] = {}
    for n in inp.graph.modules:
        own = _SUPPORT if _support(inp, n) else inp.partition.get(n)
        parts = n.split(".")
        for cut in range(1, len(parts) + 1):
            found.setdefault(".".join(parts[:cut]), set()).add(own)
    return found


def _highest(labels: dict[str, set], module: str, allowed: set) -> str:
    """The highest package holding ``module`` whose modules' labels are all in ``allowed``."""
    best, parts = module, module.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        prefix = ".".join(parts[:cut])
        if labels.get(prefix, {None}) <= allowed:
            best = prefix
        else:
            break
    return best


def context_roots(inp: Inputs, c: str, labels: dict[str, set] | None = None,
                  whole: bool = False) -> tuple[str, ...]:
    """The highest packages (or modules) whose application modules all belong to ``c``.
    ``whole``: only names whose whole subtree is ``c``'s, as a contract needs. A package module
    of ``c`` holding other contexts' modules (``shop.api`` above ``shop.api.billing``) means
    its subtree there: import-linter skips every pair inside it and the gate would not, so the
    two files would disagree; its sub-packages of ``c`` are named instead."""
    labels = _labels_under(inp) if labels is None else labels
    roots = {_highest(labels, m, {c, _SUPPORT}) for m in inp.members.get(c, ())}
    if whole:
        roots = {r for r in roots if labels.get(r, {c}) <= {c, _SUPPORT}}
    return tuple(sorted(r for r in roots if not any(r.startswith(o + ".") for o in roots)))


def _support(inp: Inputs, module: str) -> bool:
    return _support_path(inp.path_of(module))


_support_path = functools.lru_cache(maxsize=1 << 16)(is_support_module)  # once per path


def _owner(module: str, roots) -> str | None:
    """The first of ``roots`` that ``module`` is inside (by its dotted prefixes: linear in the
    module's depth, not in the roots)."""
    where = _first_index(tuple(roots))
    found = [i for prefix in _prefixes(module) if (i := where.get(prefix)) is not None]
    return roots[min(found)] if found else None


@functools.lru_cache(maxsize=1 << 17)
def _prefixes(module: str) -> tuple[str, ...]:
    """``a``, ``a.b``, ``a.b.c`` for ``a.b.c``: built once per module, not once per edge."""
    parts = module.split(".")
    return tuple(".".join(parts[:cut]) for cut in range(1, len(parts) + 1))


def _between(sources, targets):
    """Whether an edge goes from inside ``sources`` to inside ``targets`` (roots), each
    module's answer computed once per contract."""
    inside_source: dict[str, bool] = {}
    inside_target: dict[str, bool] = {}

    def test(edge) -> bool:
        src = inside_source.get(edge.source)
        if src is None:
            src = inside_source[edge.source] = _owner(edge.source, sources) is not None
        if not src:
            return False
        tgt = inside_target.get(edge.target)
        if tgt is None:
            tgt = inside_target[edge.target] = _owner(edge.target, targets) is not None
        return tgt

    return test


@functools.lru_cache(maxsize=64)
def _first_index(roots: tuple[str, ...]) -> dict[str, int]:
    return {r: i for i, r in reversed(tuple(enumerate(roots)))}


class _Imports:
    """The import edges by source and by target module, indexed once per proposal: a contract
    then looks only at the edges that start (or end) inside its roots, not at every edge."""

    def __init__(self, inp: Inputs) -> None:
        self.by_source: dict[str, list] = {}
        self.by_target: dict[str, list] = {}
        for e in inp.graph.edges:
            if _imports(e):
                self.by_source.setdefault(e.source, []).append(e)
                self.by_target.setdefault(e.target, []).append(e)

    @staticmethod
    def _inside(index: dict[str, list], roots) -> list:
        where = set(roots)
        return [e for module, edges in index.items()
                if not where.isdisjoint(_prefixes(module)) for e in edges]

    def from_inside(self, roots) -> list:
        return self._inside(self.by_source, roots)

    def into(self, roots) -> list:
        return self._inside(self.by_target, roots)


def _split(inp: Inputs, labels: dict[str, set], contract: Contract, broken, edges) -> Contract:
    """Count the imports among ``edges`` breaking ``contract``; those from tests and
    migrations become ``ignore_imports`` entries (the gate and import-linter check
    application code only)."""
    app, ignore = 0, set()
    for e in edges:
        if not broken(e):
            continue
        if _support(inp, e.source):
            target = _owner(e.target, contract.target) or e.target
            ignore.add((_highest(labels, e.source, {_SUPPORT}), target))
        else:
            app += 1
    return replace(contract, violations=app, ignore=tuple(sorted(ignore)))


class Proposal(list):
    """The proposed contracts, and the contexts left without a forbidden contract because
    naming their boundaries would go over the budget (``left_out``, in name order)."""

    left_out: tuple[str, ...] = ()
    budget: int = 0


# The forbidden contracts between contexts list, per context, the roots of every context it
# may not use: contexts x roots names, the square of the code base when contexts do not follow
# packages (a dense graph of 5,000 modules in 146 contexts asked for 286,117). Sources and
# targets together may list this many names, linear in the modules: saleor's 23 contexts
# need 5,765 of the 19,316 its 4,329 modules allow.
NAMES_PER_MODULE, NAMES_FLOOR = 4, 2_000


def propose(inp: Inputs) -> Proposal:
    labels = _labels_under(inp)
    roots = {c: context_roots(inp, c, labels, whole=True) for c in inp.contexts}
    cuts = {pair for cyc in inp.judgement.cycles for pair in cyc.cut}
    wanted: dict[str, list[str]] = {}
    for c in inp.contexts:
        banned = sorted(d for d in inp.contexts if d != c and ((c, d) not in inp.context_edges
                                                               or (c, d) in cuts))
        banned = [d for d in banned if roots[d]]
        if banned and roots[c]:
            wanted[c] = banned
    imports = _Imports(inp)
    contracts = Proposal()
    contracts.budget = NAMES_FLOOR + NAMES_PER_MODULE * len(inp.graph.modules)
    kept = _within_budget({c: len(roots[c]) + sum(len(roots[d]) for d in banned)
                           for c, banned in wanted.items()}, contracts.budget)
    contracts.left_out = tuple(sorted(set(wanted) - kept))
    for c, banned in wanted.items():
        if c not in kept:
            continue
        k = Contract(f"{c} does not depend on {', '.join(banned)}", "forbidden", roots[c],
                     tuple(r for d in banned for r in roots[d]),
                     guidance=f"{c} must not reach into {', '.join(banned)}: publish an event "
                              "or depend the other way round, through the owner's public API.")
        contracts.append(_split(inp, labels, k, _between(k.source, k.target),
                                imports.from_inside(k.source)))
    packages = {n for n, m in inp.graph.modules.items() if m.is_package}
    for c in inp.contexts:
        if len(roots[c]) != 1 or roots[c][0] not in packages:
            continue
        root = roots[c][0]
        used = {e.target for e in imports.into((root,))
                if not _inside(e.source, root) and not _support(inp, e.source)}
        interface = tuple(sorted("__init__" if t == root else t[len(root) + 1:] for t in used))
        if not interface:
            continue
        public = {root if i == "__init__" else f"{root}.{i}" for i in interface}
        k = Contract(f"{c} is used only through {', '.join(interface)}", "public-interface",
                     target=(root,), interface=interface,
                     guidance=f"Use {c} through its public modules; add what you need there.")
        contracts.append(_split(inp, labels, k, lambda e, root=root, public=public: _inside(
            e.target, root) and not _inside(e.source, root) and e.target not in public,
            imports.into((root,))))
    targets = tuple(r for c in inp.contexts for r in roots[c])
    kernel = sorted({e.target for e in inp.graph.edges if _static(e)
                     and inp.partition.get(e.target) is None
                     and inp.partition.get(e.source) is not None
                     and not _support(inp, e.target)})
    kernel = [k for k in kernel if not any(t.startswith(k + ".") for t in targets)]
    if kernel and targets:
        k = Contract("the shared kernel does not depend on any context", "forbidden",
                     tuple(kernel), targets,
                     guidance="Kernel code serves every context; move code that needs a "
                              "context into that context.")
        contracts.append(_split(inp, labels, k, _between(k.source, k.target),
                                imports.from_inside(k.source)))
    return contracts


def _within_budget(sizes: dict[str, int], budget: int) -> set[str]:
    """The contexts whose contracts fit in ``budget`` names, the smallest contracts first
    (the boundaries that take the fewest names to state), ties by name."""
    kept, used = set(), 0
    for c in sorted(sizes, key=lambda c: (sizes[c], c)):
        if used + sizes[c] > budget:
            break
        kept.add(c)
        used += sizes[c]
    return kept


def _inside(module: str, root: str) -> bool:
    return module == root or module.startswith(root + ".")


def _static(edge) -> bool:
    """An edge in code (not only a framework string)."""
    return edge.kinds != (STRING,)


def _imports(edge) -> bool:
    """An edge import-linter sees, and so the exported contracts check: an import statement
    (not ``importlib.import_module``, a name use or a framework string)."""
    return IMPORT in edge.kinds


def _toml_list(values) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def gate_toml(inp: Inputs, contracts: list[Contract] | None = None) -> str:
    contracts = propose(inp) if contracts is None else contracts
    out = ["# Proposed by monolith-advisor from the bounded contexts it found: paste into",
           "# pyproject.toml (or pass with 'advisor check --config'). Contracts marked",
           "# 'breaks today' need a baseline first: advisor baseline PATH.",
           "[tool.advisor.gate]"]
    if inp.judgement.cycles:
        out.append(f"# breaks today: {len(inp.judgement.cycles)} cycle(s) between contexts "
                   "(baseline them)")
    out += _left_out_note(contracts, "#")
    out += ['context-cycles = "error"',
            "# a project package that wires its domain packages together forms package cycles",
            "# by design; the context rules above are the ones for these boundaries",
            'package-cycles = "warn"', "", "[tool.advisor.gate.contexts]"]
    labels = _labels_under(inp)  # once, not once per context
    roots = {c: context_roots(inp, c, labels) for c in inp.contexts}
    out += [f"{json.dumps(c)} = {_toml_list(roots[c])}" for c in inp.contexts if roots[c]]
    out.append("")
    for k in contracts:
        if k.violations:
            out.append(f"# breaks today: {k.violations} module dependencies (baseline them)")
        out += ["[[tool.advisor.gate.contracts]]", f"name = {json.dumps(k.name)}",
                f"type = {json.dumps(k.type)}"]
        if k.type == "forbidden":
            out += [f"source = {_toml_list(k.source)}", f"target = {_toml_list(k.target)}"]
        else:
            out += [f"target = {_toml_list(k.target)}", f"interface = {_toml_list(k.interface)}"]
        out.append(f"kinds = {_toml_list([IMPORT])}  # what import-linter sees")
        if k.ignore:
            out.append(f"ignore_imports = {_toml_list(f'{a} -> {b}' for a, b in k.ignore)}"
                       "  # tests and migrations, with everything under them")
        if k.guidance:
            out.append(f"guidance = {json.dumps(k.guidance)}")
        out.append("")
    return "\n".join(out)


def _left_out_note(contracts, comment: str) -> list[str]:
    """Say which contexts got no forbidden contract, and why (never a silent drop)."""
    left_out = getattr(contracts, "left_out", ())
    if not left_out:
        return []
    return [f"{comment} left out: no 'does not depend on' contract for {len(left_out)} "
            f"context(s), {', '.join(left_out)}:",
            f"{comment} stating them would name more than {contracts.budget:,} modules in all "
            "(their contexts do not follow",
            f"{comment} packages). advisor check's context-cycles rule still covers them; move "
            "their modules into packages, then analyze again."]


def _slug(name: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in name.lower()).split())


def importlinter_ini(inp: Inputs, contracts: list[Contract] | None = None) -> str:
    contracts = propose(inp) if contracts is None else contracts
    tops = sorted({n.partition(".")[0] for n, m in inp.graph.modules.items()
                   if not is_support_module(m.path) and ("." in n or m.is_package)})
    out = ["; Proposed by monolith-advisor: save as .importlinter (or merge into setup.cfg)",
           "; and run lint-imports. Public-interface contracts exist only in advisor-gate.toml.",
           *_left_out_note(contracts, ";"),
           "[importlinter]", "root_packages ="] + [f"    {t}" for t in tops] + [""]
    for k in contracts:
        if k.type != "forbidden":
            continue
        source = [n for n in k.source if _grimp_sees(inp, n)]
        target = [n for n in k.target if _grimp_sees(inp, n)]
        hidden = sorted({*k.source, *k.target} - {*source, *target})
        if hidden:
            out.append(f"; not here, import-linter cannot see them (a folder without "
                       f"__init__.py on the way): {', '.join(hidden)}")
        if not source or not target:
            out += [f"; '{k.name}': nothing left for import-linter to check", ""]
            continue
        if k.violations:
            out.append(f"; breaks today: {k.violations} module dependencies")
        out += [f"[importlinter:contract:{_slug(k.name)}]", f"name = {k.name}",
                "type = forbidden", "source_modules ="] + [f"    {s}" for s in source]
        out += ["forbidden_modules ="] + [f"    {t}" for t in target]
        ignore = [(a, b) for a, b in k.ignore if _grimp_sees(inp, a) and _grimp_sees(inp, b)]
        if ignore:
            out += ["; tests and migrations, with everything under them (as in the gate)",
                    "ignore_imports ="]
            out += [f"    {a} -> {b}" for a, b in _subtree_expressions(inp, ignore)]
            out.append("unmatched_ignore_imports_alerting = none")
        out += ["allow_indirect_imports = True", ""]
    return "\n".join(out)


def _grimp_sees(inp: Inputs, name: str) -> bool:
    """Does import-linter know ``name``? grimp reads packages from their ``__init__.py``
    down, so a module under a folder without one (a namespace portion inside a package) is
    not in its graph, and naming it is an error there."""
    parts = name.split(".")
    return all(".".join(parts[:i]) in inp.graph.modules for i in range(2, len(parts) + 1))


def _subtree_expressions(inp: Inputs, pairs) -> list[tuple[str, str]]:
    """import-linter expressions for gate entries ``a -> b`` (``a`` or anything under it to
    ``b`` or anything under it): import-linter's ``**`` needs at least one segment, so each
    side is the name itself plus ``name.**`` when modules sit under it."""
    parents = {n.rpartition(".")[0] for n in inp.graph.modules}
    nested = {".".join(p.split(".")[:i]) for p in parents if p for i in range(1, p.count(".") + 2)}

    def forms(name: str) -> list[str]:
        return [name, f"{name}.**"] if name in nested else [name]

    return [(a2, b2) for a, b in pairs for a2 in forms(a) for b2 in forms(b)]


def export_document(contracts: list[Contract]) -> list[dict]:
    return [{"name": k.name, "type": k.type, "source": list(k.source), "target": list(k.target),
             "interface": list(k.interface), "violations_today": k.violations,
             "ignore_imports": [f"{a} -> {b}" for a, b in k.ignore]}
            for k in contracts]
