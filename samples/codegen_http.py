"""Templates for the generated domains' edges: request schemas, the FastAPI router and the
public ``api`` module other domains import; ``render_domain`` puts a domain's files together."""

from __future__ import annotations

from codegen_services import _lines, repository, service
from codegen_templates import PY, Entity, _cap, contracts, models, module_head, rules


# ----------------------------------------------------------------------------- schemas.py

def _schema_type(e: Entity, f) -> str:
    if f.kind == "str":
        return f"str = Field(min_length=1, max_length={f.arg})"
    if f.kind == "int":
        return f"int = Field(ge={f.arg}, le={f.arg2})"
    if f.kind == "enum":
        return "Literal[" + ", ".join(repr(v) for v in f.arg.split(",")) + "]"
    if f.kind in ("ref", "ext"):
        return "str = Field(max_length=32)"
    if f.kind == "email":
        return "str = Field(max_length=254)"
    if f.kind == "money":
        return "MoneyIn"
    if f.kind == "bool":
        return "bool = False"
    if f.kind == "text":
        return 'str = Field("", max_length=20_000)'
    return "date | None = None"


def schemas(domain: str, ents: list[Entity]) -> str:
    out, kinds = module_head(f"Request bodies of {domain}'s HTTP API (responses are the "
                             "``contracts`` views).", ents)
    out += ["from typing import Literal" if "enum" in kinds else "", "",
            "from pydantic import BaseModel, Field", "", "",
            "class MoneyIn(BaseModel):", '    amount: str = Field(pattern=r"^\\d+(\\.\\d{1,2})?$")',
            '    currency: str = Field("EUR", min_length=3, max_length=3)', "", "",
            "class TransitionIn(BaseModel):", "    status: str = Field(max_length=16)",
            '    reason: str = Field("", max_length=500)', ""]
    for e in ents:
        out += ["", f"class {e.name}In(BaseModel):"]
        required = [f for f in e.fields if f.kind not in ("bool", "text", "date")]
        optional = [f for f in e.fields if f.kind in ("bool", "text", "date")]
        out += [f"    {f.name}: {_schema_type(e, f)}" for f in required + optional]
        out += ["", "", f"class {e.name}Patch(BaseModel):",
                '    """Only the fields sent are changed."""', ""]
        for f in e.fields:
            t = _schema_type(e, f)
            base, _, default = t.partition(" = ")
            base = base.replace(" | None", "")
            field = default.replace("Field(", "Field(None, ").replace('Field(None, "", ', "Field(None, ") \
                if default.startswith("Field(") else "None"
            out.append(f"    {f.name}: {base} | None = {field}")
        out += ["    expected_version: int | None = None", ""]
    return _lines([line for i, line in enumerate(out) if line or (i and out[i - 1])])


# -------------------------------------------------------------------------------- http.py

def http(domain: str, ents: list[Entity]) -> str:
    cap = _cap(domain)
    out = [f'"""{cap} over HTTP: /api/v1/{domain}/..."""', "",
           "from __future__ import annotations", "", "from dataclasses import asdict", "",
           "from fastapi import APIRouter, HTTPException, Query", "",
           f"from marketplace.{domain}.repository import "
           + ", ".join(f"{e.name}Filter" for e in ents),
           f"from marketplace.{domain}.schemas import TransitionIn, "
           + ", ".join(f"{e.name}{s}" for e in ents for s in ("In", "Patch")),
           f"from marketplace.{domain}.service import (", "    Conflict,", "    NotFound,",
           f"    {cap}Error,"]
    out += [f"    {e.snake}_service," for e in ents]
    out += [f"    summarise_{e.many}," for e in ents]
    out += [")", "", f'router = APIRouter(prefix="/{domain}", tags=["{domain}"])', "", "",
            f"def _http_error(exc: {cap}Error) -> HTTPException:",
            "    if isinstance(exc, NotFound):", "        return HTTPException(404, str(exc))",
            "    if isinstance(exc, Conflict):", "        return HTTPException(409, str(exc))",
            "    return HTTPException(422, str(exc))", "", "",
            "def _body(model) -> dict:", "    data = model.model_dump(exclude_unset=True)",
            '    data.pop("expected_version", None)', "    return data", ""]
    for e in ents:
        s, path = e.snake, "/" + e.many.replace("_", "-")
        filters = [f for f in e.fields if f.kind in ("ref", "ext", "enum", "bool")]
        params = "".join(f", {f.name}: {PY[f.kind]} | None = None" for f in filters)
        out += ["", f'@router.get("{path}")',
                f"def list_{e.many}(status: str | None = None{params},",
                "    " + " " * len(f"def list_{e.many}(")
                + "offset: int = Query(0, ge=0), limit: int = Query(50, ge=1, le=200)) -> dict:",
                f"    flt = {e.name}Filter(status=status"
                + "".join(f", {f.name}={f.name}" for f in filters) + ")",
                f"    items, total = {s}_service().list(flt, offset=offset, limit=limit)",
                '    return {"items": [asdict(v) for v in items], "total": total, '
                '"offset": offset}', "", "",
                f'@router.get("{path}/{{{s}_id}}")', f"def get_{s}({s}_id: str) -> dict:",
                "    try:", f"        return asdict({s}_service().get({s}_id))",
                f"    except {cap}Error as exc:", "        raise _http_error(exc) from exc", "", "",
                f'@router.post("{path}", status_code=201)',
                f"def create_{s}(body: {e.name}In) -> dict:", "    try:",
                f"        return asdict({s}_service().create(_body(body)))",
                f"    except {cap}Error as exc:", "        raise _http_error(exc) from exc", "", "",
                f'@router.patch("{path}/{{{s}_id}}")',
                f"def update_{s}({s}_id: str, body: {e.name}Patch) -> dict:", "    try:",
                f"        view = {s}_service().update({s}_id, _body(body),",
                "                                    expected_version=body.expected_version)",
                f"    except {cap}Error as exc:", "        raise _http_error(exc) from exc",
                "    return asdict(view)", "", "",
                f'@router.post("{path}/{{{s}_id}}/transitions")',
                f"def transition_{s}({s}_id: str, body: TransitionIn) -> dict:", "    try:",
                f"        view = {s}_service().transition({s}_id, body.status, body.reason)",
                f"    except {cap}Error as exc:", "        raise _http_error(exc) from exc",
                "    return asdict(view)", "", "",
                f'@router.get("/reports{path}")', f"def {s}_summary() -> dict:",
                f"    return summarise_{e.many}()", ""]
    return _lines(out)


# --------------------------------------------------------------------------------- api.py

def api(domain: str, ents: list[Entity]) -> str:
    names = sorted(f"{e.name}{s}" for e in ents for s in ("Created", "StatusChanged", "View"))
    out = [f'"""Public interface of {domain}. Other domains import only this module."""', "",
           "from __future__ import annotations", "",
           f"from marketplace.{domain}.contracts import ("]
    out += [f"    {x}," for x in names]
    out += [")", f"from marketplace.{domain}.service import (", "    NotFound,",
            f"    {_cap(domain)}Error,"]
    out += [f"    {e.snake}_service," for e in ents]
    out += [")", ""]
    for e in ents:
        out += ["", f"def get_{e.snake}({e.snake}_id: str) -> {e.name}View | None:",
                f'    """The {e.title}, or None when there is no such {e.title}."""',
                "    try:", f"        return {e.snake}_service().get({e.snake}_id)",
                "    except NotFound:", "        return None", ""]
    exported = names + [f"{_cap(domain)}Error"] + [f"get_{e.snake}" for e in ents]
    out += ["", "__all__ = ["]
    out += ["    " + ", ".join(f'"{x}"' for x in exported[i:i + 4]) + ","
            for i in range(0, len(exported), 4)]
    out += ["]"]
    return _lines(out)


def render_domain(domain: str, ents: list[Entity], lookups: dict) -> dict[str, str]:
    return {"__init__.py": f'"""{_cap(domain)}: ' + ", ".join(e.titles for e in ents)
            + '."""\n',
            "models.py": models(domain, ents), "contracts.py": contracts(domain, ents),
            "rules.py": rules(domain, ents), "repository.py": repository(domain, ents),
            "service.py": service(domain, ents, lookups), "schemas.py": schemas(domain, ents),
            "http.py": http(domain, ents), "api.py": api(domain, ents)}
