"""A gate over a graph with no internal dependencies must not pass silently.

Zero edges between two or more modules usually means the gate cannot see the code's imports
(wrong source roots, files that failed to parse, every import filtered out by ``kinds`` /
``exclude_tags``), so every contract and cycle rule would pass vacuously. The finding is a
warning by default (a brand-new project may really have no dependencies yet); set
``empty-graph = "error"`` to fail instead.
"""

from __future__ import annotations

from typing import Any

from advisor.gate.context import GateContext
from advisor.gate.model import Finding
from advisor.gate.options import check_keys
from advisor.graph import Edge


class EmptyGraph:
    id = "empty-graph"
    title = "The gate sees dependencies to check"
    description = ("Warns when the gate sees no dependency between the analysed modules, so "
                   "every contract and cycle rule would pass without checking anything.")
    default_severity = "warn"
    guidance = ("Check that the gate sees the imports: the source_roots and include/exclude "
                "settings of [tool.advisor], and 'kinds' / 'exclude_tags' of the gate.")
    options: dict[str, str] = {}

    def parse(self, table: dict[str, Any], where: str) -> None:
        check_keys(table, {"severity": "", "guidance": ""}, where)

    def check(self, ctx: GateContext, edges: tuple[Edge, ...], params: Any) -> list[Finding]:
        if edges or len(ctx.graph.modules) < 2:
            return []
        path, line = ctx.project_location()
        rules = f"its {ctx.contracts} contract(s) and rules" if ctx.contracts else "its rules"
        return [Finding(key="project", path=path, line=line, baselinable=False,
                        message=f"the gate sees no dependency between the "
                                f"{len(ctx.graph.modules)} analysed modules: {rules} check "
                                "nothing")]


EMPTY_GRAPH = EmptyGraph()
