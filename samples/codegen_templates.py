"""Templates for the generated domains of the marketplace (see ``codegen.py``).

The code they produce follows the hand-written domains: a domain's own SQLAlchemy base, frozen
views and events in ``contracts``, validation and lifecycles as plain functions in ``rules``,
one repository and one service per entity, pydantic schemas and a FastAPI router, and an
``api`` module that is the only thing other domains import. Field kinds drive the logic:
lengths and ranges are validated, enums and lifecycles are checked, money is kept in minor
units with its currency, references to other domains go through their ``api``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# kind -> (SQLAlchemy column type, Python annotation)
COLUMN = {"str": "String({arg})", "text": "Text", "int": "Integer", "bool": "Boolean",
          "date": "Date", "email": "String(254)", "enum": "String(24)", "ref": "String(32)",
          "ext": "String(32)"}
PY = {"str": "str", "text": "str", "int": "int", "bool": "bool", "date": "date",
      "email": "str", "enum": "str", "ref": "str", "ext": "str", "money": "Money"}


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def plural(word: str) -> str:
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    return word + ("es" if re.search(r"(s|x|ch|sh)$", word) else "s")


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    arg: str = ""
    arg2: str = ""

    @classmethod
    def parse(cls, raw: str) -> Field:
        name, kind, *args = raw.split(":")
        if kind not in PY:
            raise ValueError(f"domains.py: field {raw!r}: unknown kind {kind!r}")
        return cls(name, kind, *(args + ["", ""])[:2])

    @property
    def label(self) -> str:
        return self.name.replace("_id", "").replace("_", " ")


@dataclass(frozen=True)
class Entity:
    domain: str
    name: str
    prefix: str
    fields: tuple[Field, ...]
    states: tuple[str, ...]
    transitions: tuple[tuple[str, str], ...]

    @classmethod
    def parse(cls, domain: str, name: str, prefix: str, fields: list[str],
              lifecycle: str) -> Entity:
        states: list[str] = []
        moves: list[tuple[str, str]] = []
        for chain in lifecycle.split(";"):
            steps = [s.strip() for s in chain.split(">")]
            for s in steps:
                if s not in states:
                    states.append(s)
            moves += [(a, b) for a, b in zip(steps, steps[1:]) if (a, b) not in moves]
        return cls(domain, name, prefix, tuple(Field.parse(f) for f in fields), tuple(states),
                   tuple(moves))

    @property
    def snake(self) -> str:
        return snake(self.name)

    @property
    def title(self) -> str:
        return snake(self.name).replace("_", " ")

    @property
    def table(self) -> str:
        return f"{self.domain}_{self.many}"

    @property
    def many(self) -> str:
        return plural(self.snake)

    @property
    def titles(self) -> str:
        return plural(self.title)

    @property
    def upper(self) -> str:
        return self.snake.upper()

    def defs(self) -> list[tuple[str, str]]:
        """(file, top-level name) of everything this entity adds, but its summary."""
        n, s = self.name, self.snake
        return [("models.py", f"{n}Row"), ("contracts.py", f"{n}View"),
                ("contracts.py", f"{n}Created"), ("contracts.py", f"{n}StatusChanged"),
                ("rules.py", f"validate_{s}"), ("rules.py", f"next_{s}_states"),
                ("rules.py", f"check_{s}_transition"), ("repository.py", f"{n}Filter"),
                ("repository.py", f"{n}Repository"), ("service.py", f"{n}Service"),
                ("service.py", f"{s}_view"), ("service.py", f"{s}_service"),
                ("schemas.py", f"{n}In"), ("schemas.py", f"{n}Patch"),
                ("http.py", f"list_{self.many}"), ("http.py", f"get_{s}"), ("http.py", f"create_{s}"),
                ("http.py", f"update_{s}"), ("http.py", f"transition_{s}"),
                ("api.py", f"get_{s}")]


def _cap(domain: str) -> str:
    return "".join(p.capitalize() for p in domain.split("_"))


# ------------------------------------------------------------------------------ models.py

def models(domain: str, ents: list[Entity]) -> str:
    kinds = {f.kind for e in ents for f in e.fields}
    types = sorted({"DateTime", "Integer", "String"} | {COLUMN[k].split("(")[0] for k in kinds
                                                         if k != "money"}
                   | ({"ForeignKey"} if "ref" in kinds else set()))
    out = [f'"""Tables owned by {domain}. No other domain reads or writes them: they use '
           f'``{domain}.api``."""', "", "from __future__ import annotations", "",
           "from datetime import " + ("date, " if "date" in kinds else "")
           + "datetime, timezone", "",
           f"from sqlalchemy import {', '.join(types)}",
           "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column", "", "",
           f"class {_cap(domain)}Base(DeclarativeBase):", "    pass", "", "",
           "def _now() -> datetime:", "    return datetime.now(timezone.utc)", ""]
    for e in ents:
        out += ["", f"class {e.name}Row({_cap(domain)}Base):",
                f'    __tablename__ = "{e.table}"', "",
                "    id: Mapped[str] = mapped_column(String(32), primary_key=True)"]
        for f in e.fields:
            out += _column(f, ents)
        out += [f'    status: Mapped[str] = mapped_column(String(16), default="{e.states[0]}", '
                "index=True)",
                "    version: Mapped[int] = mapped_column(Integer, default=1)",
                "    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), "
                "default=_now)",
                "    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), "
                "default=_now, onupdate=_now)", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _column(f: Field, ents: list[Entity]) -> list[str]:
    if f.kind == "money":
        return [f"    {f.name}_minor: Mapped[int] = mapped_column(Integer, default=0)",
                f'    {f.name}_currency: Mapped[str] = mapped_column(String(3), default="EUR")']
    if f.kind == "ref":
        target = next(e for e in ents if e.name == f.arg)
        return [f"    {f.name}: Mapped[str] = mapped_column(ForeignKey(\"{target.table}.id\"), "
                "index=True)"]
    col = COLUMN[f.kind].format(arg=f.arg)
    extra = ", index=True" if f.kind in ("ext", "enum") else ""
    return [f"    {f.name}: Mapped[{PY[f.kind]} | None] = mapped_column({col}{extra})"
            if f.kind in ("date", "text") else
            f"    {f.name}: Mapped[{PY[f.kind]}] = mapped_column({col}{extra})"]


# --------------------------------------------------------------------------- contracts.py

def contracts(domain: str, ents: list[Entity]) -> str:
    kinds = {f.kind for e in ents for f in e.fields}
    out = [f'"""Data shapes {domain} shares with the outside world (re-exported by '
           f'``{domain}.api``)."""', "", "from __future__ import annotations", "",
           "from dataclasses import dataclass",
           "from datetime import " + ("date, " if "date" in kinds else "") + "datetime", "",
           "from marketplace.shared.events import Event"]
    if "money" in kinds:
        out.append("from marketplace.shared.money import Money")
    out.append("")
    for e in ents:
        out += ["", "@dataclass(frozen=True)", f"class {e.name}View:", "    id: str"]
        out += [f"    {f.name}: {PY[f.kind]}" + (" | None" if f.kind in ("date", "text") else "")
                for f in e.fields]
        out += ["    status: str", "    version: int", "    updated_at: datetime", "", "",
                "@dataclass(frozen=True, kw_only=True)", f"class {e.name}Created(Event):",
                f"    {e.snake}_id: str"]
        out += [f"    {f.name}: str" for f in e.fields if f.kind in ("ref", "ext")]
        out += ["", "", "@dataclass(frozen=True, kw_only=True)",
                f"class {e.name}StatusChanged(Event):", f"    {e.snake}_id: str",
                "    old_status: str", "    new_status: str", '    reason: str = ""', ""]
    return "\n".join(out).rstrip("\n") + "\n"


# ------------------------------------------------------------------------------- rules.py

def module_head(doc: str, ents: list[Entity]) -> tuple[list[str], set[str]]:
    """The first lines of a generated module (docstring, future import, ``date`` if a field
    needs it) and the field kinds of ``ents``, which decide its other imports."""
    kinds = {f.kind for e in ents for f in e.fields}
    out = [f'"""{doc}"""', "", "from __future__ import annotations", ""]
    if "date" in kinds:
        out.append("from datetime import date")
    return out, kinds


def rules(domain: str, ents: list[Entity]) -> str:
    out, kinds = module_head(f"Validation and lifecycles of {domain}: plain functions, no I/O, "
                             "so the tests run\nwithout a database.", ents)
    if "email" in kinds:
        out.append("import re")
    if "money" in kinds:
        out.append("from decimal import Decimal, InvalidOperation")
    out.append("")
    if "email" in kinds:
        out += ['EMAIL = re.compile(r"^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$", re.IGNORECASE)']
    if "money" in kinds:
        out += ['CURRENCIES = frozenset({"EUR", "GBP", "USD", "CHF"})']
    for e in ents:
        out.append(f"{e.upper}_STATES = ({', '.join(repr(s) for s in e.states)},)")
        moves = {}
        for a, b in e.transitions:
            moves.setdefault(a, []).append(b)
        body = ", ".join(f"{a!r}: frozenset({{{', '.join(repr(x) for x in bs)}}})"
                         for a, bs in moves.items())
        out.append(f"{e.upper}_TRANSITIONS = {{{body}}}")
        for f in e.fields:
            if f.kind == "enum":
                out.append(f"{e.upper}_{f.name.upper()}_CHOICES = "
                           f"({', '.join(repr(v) for v in f.arg.split(','))},)")
    out.append("")
    for e in ents:
        out += ["", f"def validate_{e.snake}(data: dict, *, partial: bool = False) -> list[str]:",
                f'    """The problems with a {e.title} payload, in field order (empty: valid).',
                "    ``partial``: an update, where missing fields keep their value.\"\"\"",
                "    problems: list[str] = []"]
        for f in e.fields:
            out += _validate(e, f)
        if any(f.name.endswith("_start") or f.name.startswith("starts") for f in e.fields):
            first = next(f for f in e.fields if f.kind == "date")
            last = [f for f in e.fields if f.kind == "date"][-1]
            if first != last:
                out += [f'    first, last = data.get("{first.name}"), data.get("{last.name}")',
                        "    if isinstance(first, date) and isinstance(last, date) and "
                        "last < first:",
                        f'        problems.append("{last.label} is before {first.label}")']
        out += ["    return problems", "", "",
                f"def next_{e.snake}_states(status: str) -> tuple[str, ...]:",
                f'    """Where a {e.title} in ``status`` may go next, in lifecycle order."""',
                f"    allowed = {e.upper}_TRANSITIONS.get(status, frozenset())",
                f"    return tuple(s for s in {e.upper}_STATES if s in allowed)", "", "",
                f"def check_{e.snake}_transition(old: str, new: str) -> str | None:",
                '    """Why the move is refused, or None when it is allowed."""',
                f"    if new not in {e.upper}_STATES:",
                f'        return f"unknown {e.title} status {{new!r}}"',
                "    if old == new:",
                f'        return f"the {e.title} is already {{new}}"',
                f"    if new not in {e.upper}_TRANSITIONS.get(old, frozenset()):",
                f"        options = ', '.join(next_{e.snake}_states(old)) or 'none (final)'",
                f'        return f"a {e.title} cannot go from {{old}} to {{new}} (allowed: '
                '{options})"',
                "    return None", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _validate(e: Entity, f: Field) -> list[str]:
    key, label = f.name, f.label
    get = f'    value = data.get("{key}")'
    missing = (f"    if value is None:\n        if not partial:\n"
               f'            problems.append("{label} is required")\n')
    if f.kind in ("text", "bool", "date"):
        checks = {"text": ["    if value is not None and len(value) > 20_000:",
                           f'        problems.append("{label} is longer than 20,000 '
                           'characters")'],
                  "bool": ["    if value is not None and not isinstance(value, bool):",
                           f'        problems.append("{label} must be true or false")'],
                  "date": ["    if value is not None and not isinstance(value, date):",
                           f'        problems.append("{label} must be a date")']}[f.kind]
        return [get] + checks
    head = [get, missing.rstrip("\n")]
    if f.kind == "str":
        return head + ["    elif not value.strip():",
                       f'        problems.append("{label} is blank")',
                       f"    elif len(value) > {f.arg}:",
                       f'        problems.append("{label} is longer than {f.arg} characters")']
    if f.kind == "email":
        return head + ["    elif not EMAIL.match(value):",
                       f'        problems.append(f"{label} {{value!r}} is not an e-mail '
                       'address")']
    if f.kind == "int":
        return head + ["    elif not isinstance(value, int) or isinstance(value, bool):",
                       f'        problems.append("{label} must be a whole number")',
                       f"    elif not {f.arg} <= value <= {f.arg2}:",
                       f'        problems.append(f"{label} must be between {f.arg} and '
                       f'{f.arg2}, not {{value}}")']
    if f.kind == "enum":
        return head + [f"    elif value not in {e.upper}_{key.upper()}_CHOICES:",
                       f'        problems.append(f"{label} must be one of '
                       f'{{\', \'.join({e.upper}_{key.upper()}_CHOICES)}}")']
    if f.kind in ("ref", "ext"):
        return head + ["    elif not isinstance(value, str) or len(value) > 32:",
                       f'        problems.append("{label} is not an id")']
    if f.kind == "money":
        return [f'    value = data.get("{key}")', missing.rstrip("\n"),
                "    else:",
                "        try:",
                '            amount = Decimal(str(value["amount"]))',
                "        except (KeyError, TypeError, InvalidOperation):",
                f'            problems.append("{label} needs an amount, e.g. {{\\"amount\\": '
                '\\"12.50\\", \\"currency\\": \\"EUR\\"}")',
                "        else:",
                "            if amount < 0:",
                f'                problems.append("{label} cannot be negative")',
                '            if value.get("currency", "EUR") not in CURRENCIES:',
                f'                problems.append(f"{label} currency must be one of '
                '{\', \'.join(sorted(CURRENCIES))}")']
    raise ValueError(f.kind)
