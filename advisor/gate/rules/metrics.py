"""Threshold rules on coupling metrics (definitions in ``advisor.metrics``).

Each measures values per subject ("project" or a package), fails a value above ``max``, and
hands its values to the baseline, which fails growth beyond ``max_growth`` and ratchets known
breaches (a breach in the baseline passes only while it gets no worse).
"""

from __future__ import annotations

from typing import Any

from advisor.errors import ConfigError
from advisor.gate import selectors
from advisor.gate.context import GateContext
from advisor.gate.model import Finding
from advisor.gate.options import check_keys, number, patterns
from advisor.gate.rules.base import Limits, rounded
from advisor.graph import Edge
from advisor.metrics import propagation_cost

PROJECT = "project"


class MetricRule:
    default_severity = "off"  # a threshold has no sensible default: configure it to turn it on
    unit_max: float | None = None  # values live in [0, unit_max]
    packages_required = False
    per_package = False
    noun = "the value"  # how messages name the metric

    def __init__(self) -> None:
        self.options = {
            "max": "fail when the value is above this",
            "max_growth": "fail when the value grew more than this over the baseline value",
        }
        if self.per_package:
            self.options["packages"] = "package names or globs the rule applies to" + (
                "" if self.packages_required else " (default: every package)")

    def parse(self, table: dict[str, Any], where: str) -> Limits:
        check_keys(table, {**self.options, "severity": "", "guidance": ""}, where)
        if "max" not in table and "max_growth" not in table:
            raise ConfigError(f"{where}: set 'max', 'max_growth' or both",
                              "or set severity = \"off\" to switch the rule off")
        limit = number(table["max"], "max", where, self.unit_max) if "max" in table else None
        growth = number(table["max_growth"], "max_growth", where) if "max_growth" in table \
            else None
        pkgs: tuple[str, ...] = ("**",) if self.per_package else ()
        if "packages" in table:
            pkgs = patterns(table["packages"], "packages", where)
        elif self.packages_required:
            raise ConfigError(f"{where}: 'packages' is required",
                              "list the packages meant to be stable, e.g. ['shop.domain']")
        return Limits(limit, growth, pkgs, where)

    def measure(self, ctx: GateContext, edges: tuple[Edge, ...],
                params: Limits | None) -> dict[str, float]:
        raise NotImplementedError

    def values(self, ctx: GateContext, edges: tuple[Edge, ...],
               params: Limits | None) -> dict[str, float]:
        """``measure``, computed once per context, edge set and package selection."""
        key = (self.id, id(edges), params.packages if params else ())
        if key not in ctx.memo:
            ctx.memo[key] = self.measure(ctx, edges, params)
        return ctx.memo[key]

    def check(self, ctx: GateContext, edges: tuple[Edge, ...], params: Limits) -> list[Finding]:
        if params.max is None:
            return []
        findings = []
        for subject, value in sorted(self.values(ctx, edges, params).items()):
            if value > params.max:
                path, line = self.location(ctx, subject)
                findings.append(Finding(key=subject, message=self.breach(subject, value,
                                                                         params.max),
                                        path=path, line=line, value=value))
        return findings

    def location(self, ctx: GateContext, subject: str) -> tuple[str | None, int | None]:
        return ctx.project_location() if subject == PROJECT else ctx.package_location(subject)

    def breach(self, subject: str, value: float, limit: float) -> str:
        raise NotImplementedError

    def selected_packages(self, ctx: GateContext, params: Limits) -> list[str]:
        found: set[str] = set()
        for pattern in params.packages:
            roots = set(ctx.select((pattern,), f"{params.where} 'packages'"))
            chosen = [p for p in ctx.packages if selectors.owner(p, roots)]
            if not chosen:
                raise ConfigError(f"{params.where} 'packages': '{pattern}' names modules but no "
                                  "package", "give a package name, e.g. the folder of the "
                                  "modules")
            found.update(chosen)
        return sorted(found)


class PropagationCost(MetricRule):
    id = "propagation-cost"
    title = "Propagation cost"
    noun = "propagation cost"
    unit_max = 1.0
    description = ("The share of module pairs where a change in the first can reach the second "
                   "through dependencies (MacCormack et al.): the ripple radius of a change.")
    guidance = ("Cut long dependency chains: depend on narrow interfaces, move shared helpers "
                "down into leaf modules, and break cycles, which make everything in them reach "
                "everything else.")

    def measure(self, ctx, edges, params):
        return {PROJECT: rounded(propagation_cost(list(ctx.graph.modules), edges))}

    def breach(self, subject, value, limit):
        return f"propagation cost is {value:.4f}, above the maximum {limit:g}"


class CrossPackageEdges(MetricRule):
    id = "cross-package-edges"
    title = "Cross-package dependencies"
    noun = "the number of cross-package dependencies"
    description = "The number of module dependencies whose two ends sit in different packages."
    guidance = ("Keep dependencies inside packages: move code next to its only users, or route "
                "other packages through one public module instead of many internals.")

    def measure(self, ctx, edges, params):
        owners = ctx.owners
        return {PROJECT: sum(1 for e in edges if owners[e.source] != owners[e.target])}

    def breach(self, subject, value, limit):
        return f"{value:g} module dependencies cross package boundaries, above the maximum " \
               f"{limit:g}"


class CrossContextEdges(MetricRule):
    id = "cross-context-edges"
    title = "Cross-context dependencies"
    noun = "the number of cross-context dependencies"
    description = ("The number of module dependencies between two different bounded contexts "
                   "of [tool.advisor.gate.contexts]: the coupling a later extraction must cut.")
    guidance = ("Keep contexts apart: call the other context through its public API or an "
                "event, or move the code to the context that owns the data it uses.")

    def measure(self, ctx, edges, params):
        contexts = ctx.contexts
        if contexts is None:
            raise ConfigError(f"[tool.advisor.gate] '{self.id}': no contexts to count between",
                              "list them in [tool.advisor.gate.contexts] (advisor analyze "
                              "proposes them in advisor-gate.toml)")
        return {PROJECT: sum(1 for e in edges if e.source in contexts and e.target in contexts
                             and contexts[e.source] != contexts[e.target])}

    def breach(self, subject, value, limit):
        return f"{value:g} module dependencies cross context boundaries, above the maximum " \
               f"{limit:g}"


class Instability(MetricRule):
    id = "instability"
    title = "Stable packages stay stable"
    noun = "instability"
    unit_max = 1.0
    per_package = True
    packages_required = True
    description = ("Instability I = Ce / (Ca + Ce) of the packages listed as stable: 0 when "
                   "others depend on it and it depends on nothing, 1 the other way round.")
    guidance = ("A stable package should not lean on others: move the outgoing dependencies "
                "behind interfaces it owns (dependency inversion), or move the code that needs "
                "them out of the stable package.")

    def measure(self, ctx, edges, params):
        return {p: ctx.packages[p].instability for p in self.selected_packages(ctx, params)}

    def breach(self, subject, value, limit):
        return f"package {subject} has instability {value:.4f}, above the maximum {limit:g} " \
               "for a stable package"


class MainSequenceDistance(MetricRule):
    id = "main-sequence-distance"
    title = "Distance from the main sequence"
    noun = "distance from the main sequence"
    unit_max = 1.0
    per_package = True
    description = ("D = |A + I - 1|: how far a package is from balancing abstractness A against "
                   "instability I. Near 1: concrete and depended upon (zone of pain) or abstract "
                   "and unused (zone of uselessness).")
    guidance = ("Balance the package: if many depend on it, give them abstractions to depend on; "
                "if it is abstract and unused, fold it into its users.")

    def measure(self, ctx, edges, params):
        return {p: ctx.packages[p].distance for p in self.selected_packages(ctx, params)}

    def breach(self, subject, value, limit):
        return f"package {subject} is {value:.4f} from the main sequence, above the maximum " \
               f"{limit:g}"


PROPAGATION_COST = PropagationCost()
CROSS_PACKAGE_EDGES = CrossPackageEdges()
CROSS_CONTEXT_EDGES = CrossContextEdges()
INSTABILITY = Instability()
MAIN_SEQUENCE_DISTANCE = MainSequenceDistance()
