"""Write the marketplace's generated domains (``domains.py``) as ordinary Python packages.

Every domain ``d`` becomes ``marketplace/d/`` with the same layout as the hand-written ones:
``models.py`` (its own SQLAlchemy base and tables), ``contracts.py`` (views and events),
``rules.py`` (validation and lifecycles), ``repository.py``, ``service.py``, ``schemas.py`` and
``http.py`` (FastAPI), ``api.py`` (what other domains may import) and ``tests/d/``. The text
comes from the templates in ``codegen_templates.py``; this module plans the files, the wiring
of the composition roots and the history commits. Deterministic: same spec, same bytes.
"""

from __future__ import annotations

import re

from codegen_http import render_domain
from codegen_templates import Entity
from codegen_tests import render_tests
from domains import DOMAINS, PEOPLE

M = "marketplace/"
HANDWRITTEN_APIS = {  # the hand-written domains' lookups generated code may call
    "catalog.product": ("get_product", False),  # returns None when unknown
    "orders.order": ("get_order", True),  # raises OrderError when unknown
}


class SpecError(Exception):
    pass


def parse(name: str, spec: dict) -> list[Entity]:
    entities = [Entity.parse(name, *raw) for raw in spec["entities"]]
    known = {e.name for e in entities}
    for e in entities:
        for f in e.fields:
            if f.kind == "ref" and f.arg not in known:
                raise SpecError(f"domains.py: {name}.{e.name}.{f.name} refers to unknown "
                                f"entity {f.arg!r}")
    return entities


def dependencies(name: str, entities: list[Entity]) -> set[str]:
    return {f.arg.split(".")[0] for e in entities for f in e.fields if f.kind == "ext"} - {name}


def check_acyclic(deps: dict[str, set[str]]) -> None:
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        if state.get(node) == 1:
            raise SpecError("domains.py: cross-domain references form a cycle: "
                            + " -> ".join(path + [node]))
        if state.get(node) == 2:
            return
        state[node] = 1
        for dep in sorted(deps.get(node, ())):
            visit(dep, path + [node])
        state[node] = 2

    for node in sorted(deps):
        visit(node, [])


def generated_files() -> dict[str, str]:
    """Every generated file, path -> text."""
    parsed = {name: parse(name, spec) for name, spec in DOMAINS.items()}
    check_acyclic({name: dependencies(name, ents) for name, ents in parsed.items()})
    lookups = dict(HANDWRITTEN_APIS)
    for name, ents in parsed.items():
        for e in ents:
            lookups[f"{name}.{e.snake}"] = (f"get_{e.snake}", False)
    files: dict[str, str] = {}
    for name, ents in parsed.items():
        for ref in {f.arg for e in ents for f in e.fields if f.kind == "ext"}:
            if ref not in lookups:
                raise SpecError(f"domains.py: {name} refers to {ref!r}, which no domain's api "
                                "offers")
        for path, text in render_domain(name, ents, lookups).items():
            files[f"{M}{name}/{path}"] = text
        for path, text in render_tests(name, ents).items():
            files[f"tests/{name}/{path}"] = text
    return files


def wire(core: dict[str, str]) -> dict[str, str]:
    """The composition roots and ownership files of the core, with the generated domains in."""
    out = {}
    names = sorted(DOMAINS)
    app = core[M + "app.py"]
    imports = "".join(f"from marketplace.{n}.http import router as {n}_router\n" for n in names)
    app = _once(app, "from marketplace.settings import get_settings\n",
                imports + "from marketplace.settings import get_settings\n")
    routers = ", ".join(["catalog_router", "orders_router", "payments_router", "search_router"]
                        + [f"{n}_router" for n in names])
    app = _once(app, "    for router in (catalog_router, orders_router, payments_router, "
                     "search_router):\n", "    for router in (\n" + _wrap(routers, 8) + "\n    ):\n")
    out[M + "app.py"] = app
    owners = core[".github/CODEOWNERS"].rstrip("\n") + "\n"
    for n in names:  # one GitHub team per domain; a group of people may sit in several
        owners += f"/marketplace/{n}/{' ' * (21 - len(n))}@acme-market/{n}\n"
        owners += f"/tests/{n}/{' ' * (26 - len(n))}@acme-market/{n}\n"
    out[".github/CODEOWNERS"] = owners
    return out


def _once(text: str, old: str, new: str) -> str:
    if text.count(old) != 1:
        raise SpecError(f"codegen: expected one {old.strip()!r} in the core, found "
                        f"{text.count(old)}")
    return text.replace(old, new)


def _wrap(items: str, indent: int) -> str:
    lines, line = [], ""
    for word in items.split(", "):
        if line and len(line) + len(word) + indent > 94:
            lines.append(" " * indent + line.rstrip())
            line = ""
        line += word + ", "
    lines.append(" " * indent + line.rstrip())
    return "\n".join(lines)


def history(files: dict[str, str]) -> tuple[dict, list[dict], list[dict]]:
    """(authors, early commits, day-to-day commits) for the generated domains: each domain is
    built by its team, one entity per commit, then maintained (a later function per entity)."""
    authors = {key: (name, f"{key}@acme-market.example") for key, (name, _) in PEOPLE.items()}
    by_team: dict[str, list[str]] = {}
    for key, (_, team) in PEOPLE.items():
        by_team.setdefault(team, []).append(key)
    build, daily = [], []
    for n, spec in DOMAINS.items():
        team = by_team[spec["team"]]
        ents = [Entity.parse(n, *raw) for raw in spec["entities"]]
        base = [f"{M}{n}/{p}" for p in ("__init__.py",)] + [f"tests/{n}/__init__.py"]
        for i, e in enumerate(ents):
            owned = [p for p in files if re.fullmatch(rf"(marketplace|tests)/{n}/.*", p)]
            add = base if i == 0 else []
            if i == 0:
                add += [p for p in owned if p not in base and "/test_" not in p]
            add += [f"tests/{n}/test_{e.snake}.py"]
            grow = [] if i == 0 else [f"{M}{n}/{p}::{d}" for p, d in e.defs()]
            build.append({"author": team[i % len(team)], "message":
                          f"{n}: {e.titles}" + (" (models, rules, service, HTTP API)"
                                                        if i == 0 else ""),
                          "add": add, "grow": grow, "tweak": []})
        for i, e in enumerate(ents):
            daily.append({"author": team[(i + 1) % len(team)], "message":
                          f"{n}: {e.title.lower()} summary by status",
                          "add": [], "grow": [f"{M}{n}/service.py::summarise_{e.many}",
                                              f"{M}{n}/http.py::{e.snake}_summary"],
                          "tweak": []})
    return authors, build, daily



def interleave(core: list[dict], extra: list[dict]) -> list[dict]:
    """``extra`` spread evenly between ``core``'s commits, both in their own order."""
    out, step = [], (len(core) + 1) / (len(extra) + 1)
    queue = list(extra)
    for i, commit in enumerate(core):
        out.append(commit)
        while queue and len(extra) - len(queue) + 1 <= (i + 1) / step:
            out.append(queue.pop(0))
    return out + queue


def at_scale(core: dict[str, str], spec: dict) -> tuple[dict[str, str], dict]:
    """The hand-written marketplace grown to full scale: its files with the generated domains
    and the wiring, and its history with the generated domains' teams. The domains are built
    after the core's set-up commits and maintained between its day-to-day ones."""
    files = {**core, **wire(core), **generated_files()}
    authors, build, daily = history(files)
    commits = spec["commits"]
    cut = next(i for i, c in enumerate(commits) if c["message"].startswith("Dedicated search"))
    return files, {**spec, "authors": {**spec["authors"], **authors},
                   "commits": commits[:cut + 1] + build + interleave(commits[cut + 1:], daily)}
