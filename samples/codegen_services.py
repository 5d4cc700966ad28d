"""Templates for the generated domains' repositories, services, HTTP routes, public API and
tests (the data layer is in ``codegen_templates``)."""

from __future__ import annotations

from codegen_templates import PY, Entity, _cap, snake


def _lines(out: list[str]) -> str:
    return "\n".join(out).rstrip("\n") + "\n"


# -------------------------------------------------------------------------- repository.py

def repository(domain: str, ents: list[Entity]) -> str:
    out = [f'"""Queries over {domain}\'s tables. Only ``{domain}.service`` uses them."""', "",
           "from __future__ import annotations", "",
           "from collections.abc import Iterator",
           "from dataclasses import dataclass", "",
           "from sqlalchemy import func, select",
           "from sqlalchemy.orm import Session", "",
           f"from marketplace.{domain}.models import "
           + ", ".join(f"{e.name}Row" for e in ents), "",
           "MAX_PAGE_SIZE = 200", ""]
    for e in ents:
        filters = [f for f in e.fields if f.kind in ("ref", "ext", "enum", "bool")]
        dates = [f for f in e.fields if f.kind == "date"]
        row = f"{e.name}Row"
        out += ["", "@dataclass(frozen=True)", f"class {e.name}Filter:",
                "    status: str | None = None"]
        out += [f"    {f.name}: {PY[f.kind]} | None = None" for f in filters]
        for f in dates:
            out += [f"    {f.name}_from: date | None = None",
                    f"    {f.name}_to: date | None = None"]
        out += ["", "", f"class {e.name}Repository:",
                f'    """{e.titles.capitalize()}, newest first unless asked otherwise."""', "",
                "    def __init__(self, session: Session) -> None:",
                "        self.session = session", "",
                f"    def get(self, {e.snake}_id: str) -> {row} | None:",
                f"        return self.session.get({row}, {e.snake}_id)", "",
                f"    def add(self, row: {row}) -> {row}:",
                "        self.session.add(row)", "        self.session.flush()",
                "        return row", "",
                f"    def delete(self, row: {row}) -> None:",
                "        self.session.delete(row)", "",
                f"    def _where(self, query, flt: {e.name}Filter):",
                "        if flt.status is not None:",
                f"            query = query.where({row}.status == flt.status)"]
        for f in filters:
            out += [f"        if flt.{f.name} is not None:",
                    f"            query = query.where({row}.{f.name} == flt.{f.name})"]
        for f in dates:
            out += [f"        if flt.{f.name}_from is not None:",
                    f"            query = query.where({row}.{f.name} >= flt.{f.name}_from)",
                    f"        if flt.{f.name}_to is not None:",
                    f"            query = query.where({row}.{f.name} <= flt.{f.name}_to)"]
        out += ["        return query", "",
                f"    def page(self, flt: {e.name}Filter, *, offset: int = 0, limit: int = 50)"
                f" -> list[{row}]:",
                "        limit = max(1, min(limit, MAX_PAGE_SIZE))",
                f"        query = self._where(select({row}), flt)",
                f"        query = query.order_by({row}.created_at.desc(), {row}.id)",
                "        return list(self.session.scalars(query.offset(max(offset, 0))"
                ".limit(limit)))", "",
                f"    def count(self, flt: {e.name}Filter) -> int:",
                f"        query = self._where(select(func.count()).select_from({row}), flt)",
                "        return int(self.session.scalar(query) or 0)", "",
                "    def count_by_status(self) -> dict[str, int]:",
                f"        query = select({row}.status, func.count()).group_by({row}.status)",
                "        return {status: int(n) for status, n in self.session.execute(query)}",
                "",
                f"    def iter_all(self, batch_size: int = 500) -> Iterator[{row}]:",
                '        """Every row in id order, a batch at a time (exports, backfills)."""',
                '        last = ""', "        while True:",
                f"            query = select({row}).where({row}.id > last).order_by({row}.id)",
                "            batch = list(self.session.scalars(query.limit(batch_size)))",
                "            if not batch:", "                return",
                "            yield from batch", "            last = batch[-1].id", ""]
        money = [f for f in e.fields if f.kind == "money"]
        if money:
            m = money[0]
            out += [f"    def total_{m.name}_by_status(self) -> dict[tuple[str, str], int]:",
                    f'        """Sum of {m.label} per (status, currency), in minor units."""',
                    f"        query = select({row}.status, {row}.{m.name}_currency, "
                    f"func.sum({row}.{m.name}_minor)).group_by({row}.status, "
                    f"{row}.{m.name}_currency)",
                    "        return {(s, c): int(n or 0) for s, c, n in "
                    "self.session.execute(query)}", ""]
    text = _lines(out)
    if any(f.kind == "date" for e in ents for f in e.fields):
        text = text.replace("from dataclasses import dataclass\n",
                            "from dataclasses import dataclass\nfrom datetime import date\n", 1)
    return text


# ----------------------------------------------------------------------------- service.py

def _ext_helpers(ents: list[Entity], lookups: dict) -> tuple[list[str], list[str]]:
    """Imports of other domains' ``api`` and one ``_known_<thing>`` helper per target."""
    targets = sorted({f.arg for e in ents for f in e.fields if f.kind == "ext"})
    imports = sorted({f"from marketplace.{t.split('.')[0]} import api as "
                      f"{t.split('.')[0]}_api" for t in targets})
    helpers: list[str] = []
    for t in targets:
        dom, thing = t.split(".")
        func, raises = lookups[t]
        helpers += ["", "", f"def _known_{dom}_{thing}({thing}_id: str) -> bool:"]
        if raises:
            helpers += ["    try:", f"        {dom}_api.{func}({thing}_id)",
                        f"    except {dom}_api.{_cap(dom).rstrip('s')}Error:",
                        "        return False", "    return True"]
        else:
            helpers += [f"    return {dom}_api.{func}({thing}_id) is not None"]
    return imports, helpers


def service(domain: str, ents: list[Entity], lookups: dict) -> str:
    cap = _cap(domain)
    kinds = {f.kind for e in ents for f in e.fields}
    ext_imports, helpers = _ext_helpers(ents, lookups)
    out = [f'"""Use cases of {domain}: validate, persist, publish. One service per entity; the '
           'HTTP\nlayer and ``api`` call these, never the repository."""', "",
           "from __future__ import annotations", "", "import logging",
           "from collections.abc import Iterator",
           "from functools import lru_cache", "",
           "from sqlalchemy.orm import Session, sessionmaker", ""]
    out += ext_imports
    out += [f"from marketplace.{domain}.contracts import ("]
    out += [f"    {e.name}{s}," for e in ents for s in ("Created", "StatusChanged", "View")]
    out += [")", f"from marketplace.{domain}.models import "
            + ", ".join(f"{e.name}Row" for e in ents)]
    out += [f"from marketplace.{domain}.repository import ("]
    out += [f"    {e.name}{s}," for e in ents for s in ("Filter", "Repository")]
    out += [")", f"from marketplace.{domain}.rules import ("]
    out += [f"    {p}{e.snake}{s}," for e in ents for p, s in
            (("check_", "_transition"), ("validate_", ""))]
    out += [")", "from marketplace.shared.db import session_scope",
            "from marketplace.shared.events import EventBus, bus",
            "from marketplace.shared.ids import new_id"]
    if "money" in kinds:
        out.append("from marketplace.shared.money import Money")
    out += ["", "log = logging.getLogger(__name__)", "", "",
            f"class {cap}Error(ValueError):", f'    """A request {domain} refuses; the message '
            'says why."""', "", "",
            f"class NotFound({cap}Error):", "    pass", "", "",
            f"class Conflict({cap}Error):",
            '    """The row changed since the caller read it (optimistic locking)."""']
    out += helpers
    out.append("")
    for e in ents:
        out += _service_class(domain, e)
    return _lines(out)


def _assign(e: Entity, target: str, source: str, only_present: bool) -> list[str]:
    out = []
    for f in e.fields:
        pad = "    " if only_present else ""
        if only_present:
            out.append(f'        if "{f.name}" in {source}:')
        if f.kind == "money":
            out += [f'        {pad}{f.name} = Money.of({source}["{f.name}"]["amount"], '
                    f'{source}["{f.name}"].get("currency", "EUR"))',
                    f"        {pad}{target}.{f.name}_minor = {f.name}.minor",
                    f"        {pad}{target}.{f.name}_currency = {f.name}.currency"]
        else:
            out.append(f'        {pad}{target}.{f.name} = {source}["{f.name}"]'
                       if not only_present and f.kind not in ("date", "text", "bool")
                       else f'        {pad}{target}.{f.name} = {source}.get("{f.name}")')
    return out


def _service_class(domain: str, e: Entity) -> list[str]:
    cap, s, n = _cap(domain), e.snake, e.name
    refs = [f for f in e.fields if f.kind == "ref"]
    exts = [f for f in e.fields if f.kind == "ext"]
    money = [f for f in e.fields if f.kind == "money"]
    out = ["", f"def {s}_view(row: {n}Row) -> {n}View:", f"    return {n}View(",
           "        id=row.id,"]
    for f in e.fields:
        out.append(f"        {f.name}=Money(row.{f.name}_currency, row.{f.name}_minor),"
                   if f.kind == "money" else f"        {f.name}=row.{f.name},")
    out += ["        status=row.status,", "        version=row.version,",
            "        updated_at=row.updated_at,", "    )", "", "",
            f"class {n}Service:",
            f'    """Creates {e.titles}, changes them and moves them through their lifecycle '
            f'({" > ".join(e.states[:3])}...)."""', "",
            "    def __init__(self, sessions: sessionmaker[Session] | None = None,",
            "                 events: EventBus = bus) -> None:",
            "        self.sessions = sessions", "        self.events = events", "",
            "    def _references(self, data: dict) -> list[str]:"]
    out += ['        """Ids of other domains\' rows that do not exist."""',
            "        problems: list[str] = []"] if exts else ["        return []"]
    for f in exts:
        dom, thing = f.arg.split(".")
        out += [f'        if data.get("{f.name}") and not _known_{dom}_{thing}(data["{f.name}"]):',
                f'            problems.append(f"unknown {thing.replace("_", " ")} '
                f'{{data[\'{f.name}\']}}")']
    out += ["        return problems"] if exts else []
    out += ["",
            f"    def _require(self, session: Session, {s}_id: str) -> {n}Row:",
            f"        row = {n}Repository(session).get({s}_id)",
            "        if row is None:",
            f'            raise NotFound(f"unknown {e.title} {{{s}_id}}")',
            "        return row", "",
            f"    def create(self, data: dict) -> {n}View:",
            f"        problems = validate_{s}(data) or self._references(data)",
            "        if problems:",
            f'            raise {cap}Error("; ".join(problems))',
            "        with session_scope(self.sessions) as session:"]
    for f in refs:
        target = f.arg
        out += [f'            if session.get({target}Row, data["{f.name}"]) is None:',
                f'                raise NotFound(f"unknown {snake_title(target)} '
                f'{{data[\'{f.name}\']}}")']
    out += [f'            row = {n}Row(id=new_id("{e.prefix}"), status="{e.states[0]}")']
    out += ["    " + line for line in _assign(e, "row", "data", False)]
    out += [f"            view = {s}_view({n}Repository(session).add(row))",
            f"        self.events.publish({n}Created({s}_id=view.id"
            + "".join(f", {f.name}=view.{f.name}" for f in refs + exts) + "))",
            f'        log.info("{e.title} created", extra={{"{s}_id": view.id}})',
            "        return view", "",
            f"    def get(self, {s}_id: str) -> {n}View:",
            "        with session_scope(self.sessions) as session:",
            f"            return {s}_view(self._require(session, {s}_id))", "",
            f"    def list(self, flt: {n}Filter, *, offset: int = 0, limit: int = 50"
            f") -> tuple[list[{n}View], int]:",
            "        with session_scope(self.sessions) as session:",
            f"            repo = {n}Repository(session)",
            "            rows = repo.page(flt, offset=offset, limit=limit)",
            f"            return [{s}_view(r) for r in rows], repo.count(flt)", "",
            f"    def update(self, {s}_id: str, changes: dict, *, "
            f"expected_version: int | None = None) -> {n}View:",
            '        if "status" in changes:',
            f'            raise {cap}Error("status changes go through transition()")',
            f"        problems = validate_{s}(changes, partial=True) or self._references(changes)",
            "        if problems:",
            f'            raise {cap}Error("; ".join(problems))',
            "        with session_scope(self.sessions) as session:",
            f"            row = self._require(session, {s}_id)",
            "            if expected_version is not None and row.version != expected_version:",
            f'                raise Conflict(f"{e.title} {{{s}_id}} is at version '
            '{row.version}, not {expected_version}")']
    out += ["    " + line for line in _assign(e, "row", "changes", True)]
    out += ["            row.version += 1", f"            return {s}_view(row)", "",
            f"    def transition(self, {s}_id: str, new_status: str, reason: str = \"\") -> "
            f"{n}View:",
            "        with session_scope(self.sessions) as session:",
            f"            row = self._require(session, {s}_id)",
            "            old_status = row.status",
            f"            refused = check_{s}_transition(old_status, new_status)",
            "            if refused:", "                raise Conflict(refused)",
            "            row.status = new_status", "            row.version += 1",
            f"            view = {s}_view(row)",
            f"        self.events.publish({n}StatusChanged({s}_id={s}_id, old_status=old_status,",
            "                                               new_status=new_status, "
            "reason=reason))",
            "        return view", "",
            "    def export(self) -> Iterator[dict]:",
            f'        """Every {e.title} as a flat dict (CSV exports, the data warehouse)."""',
            "        with session_scope(self.sessions) as session:",
            f"            for row in {n}Repository(session).iter_all():",
            f"                view = {s}_view(row)",
            "                flat = {k: v for k, v in vars(view).items() if k not in ("
            + "".join(f'"{f.name}", ' for f in money) + ")}"]
    for f in money:
        out += [f'                {f.name} = flat.pop("{f.name}")',
                f'                flat["{f.name}_minor"] = {f.name}.minor',
                f'                flat["{f.name}_currency"] = {f.name}.currency']
    out += ["                yield flat", "", "",
            "@lru_cache(maxsize=1)", f"def {s}_service() -> {n}Service:",
            f"    return {n}Service()", "", "",
            f"def summarise_{e.many}(service: {n}Service | None = None) -> dict:",
            f'    """How many {e.titles} are in each status'
            + (f", and their {money[0].label} per currency" if money else "") + '."""',
            f"    service = service or {s}_service()",
            "    with session_scope(service.sessions) as session:",
            f"        repo = {n}Repository(session)",
            "        counts = repo.count_by_status()"]
    if money:
        out += [f"        totals = repo.total_{money[0].name}_by_status()",
                "    per_currency: dict[str, int] = {}",
                "    for (_status, currency), minor in sorted(totals.items()):",
                "        per_currency[currency] = per_currency.get(currency, 0) + minor",
                '    return {"by_status": counts, "total": sum(counts.values()), '
                f'"{money[0].name}_minor": per_currency}}']
    else:
        out += ['    return {"by_status": counts, "total": sum(counts.values())}']
    out.append("")
    return out


def snake_title(name: str) -> str:
    return snake(name).replace("_", " ")

