"""``public-interface``: other code may use a package only through its listed public modules.

``target`` names the protected packages (globs allowed: ``shop.*`` protects each one);
``interface`` names modules relative to each of them, matched exactly: ``"api"`` is
``<package>.api``, ``"api.**"`` adds its sub-modules, ``"__init__"`` is the package itself
(``from shop.billing import charge``). Modules inside a package use it freely.
"""

from __future__ import annotations

from dataclasses import dataclass

from advisor.errors import ConfigError
from advisor.gate import selectors
from advisor.gate.contracts.base import edge_finding, names
from advisor.gate.options import patterns, require

INIT = "__init__"


@dataclass(frozen=True, slots=True)
class Params:
    target: tuple[str, ...]
    interface: tuple[str, ...]
    where: str


class PublicInterface:
    type = "public-interface"
    guidance = ("Use the package's public modules; if they lack what you need, add it there "
                "(a function or re-export) rather than reaching into internals.")
    options = {"target": "packages (or globs) to protect",
               "interface": "their public modules, relative to each package, e.g. 'api'; "
                            "'__init__' for the package itself"}

    def parse(self, table, where):
        interface = patterns(require(table, "interface", where), "interface", where)
        return Params(patterns(require(table, "target", where), "target", where), interface,
                      where)

    def describe(self, params):
        return f"{names(params.target)} used only through {names(params.interface)}"

    def _public(self, ctx, root: str, interface: tuple[str, ...]) -> set[str]:
        public = set()
        inside = [n for n in ctx.names if selectors.within(n, root) and n != root]
        for pattern in interface:
            if pattern == INIT:
                public.add(root)
            else:
                public.update(n for n in inside if selectors.matches(f"{root}.{pattern}", n))
        return public

    def check(self, ctx, edges, params):
        roots = set(ctx.select(params.target, f"{params.where} 'target'"))
        public = {root: self._public(ctx, root, params.interface) for root in roots}
        for pattern in params.interface:
            if pattern != INIT and not any(self._public(ctx, r, (pattern,)) for r in roots):
                raise ConfigError(
                    f"{params.where} 'interface': '{pattern}' matches no module in "
                    f"{', '.join(sorted(roots))}",
                    "interface names are relative to the package, e.g. 'api' for "
                    f"'{sorted(roots)[0]}.api'")
        root_of = selectors.Owners(roots)
        findings = []
        for e in edges:
            root = root_of(e.target)
            if root is None or selectors.within(e.source, root) or e.target in public[root]:
                continue
            findings.append(edge_finding(
                ctx, e, f"other packages may use {root} only through "
                        f"{', '.join(sorted(public[root])) or 'nothing (no public module)'}"))
        return findings


PUBLIC_INTERFACE = PublicInterface()
