"""ORM declarations read from one class or one binding (``analyzers.datafacts`` calls these
during the walk): Django and SQLAlchemy model classes with their fields and relations, the
Django ``Meta`` (abstract, proxy, db_table, app_label), SQLAlchemy ``__tablename__`` (literal or
a ``declared_attr`` rule, see ``analyzers.tablenames``), SQLModel ``table=True`` classes,
``Table("name", metadata, Column(...))`` objects, declarative bases made by a call, names bound
to a run-time model lookup (``User = get_user_model()``) and Django ``AppConfig`` labels.

Each reader returns plain dicts and lists of ``(node, relation dict)``; ``mark(node)`` asks the
walk for the line of a node (see ``analyzers.datafacts``).
"""

from __future__ import annotations

import libcst as cst

from analyzers.collectors import dotted_name as _dotted
from analyzers.facts import MODEL_ALIAS, MODEL_APP, MODEL_BASE, MODEL_CLASS, MODEL_TABLE
from analyzers.tablenames import tablename_rule
from analyzers.tablerules import SNAKE

RELATIONS = frozenset({"ForeignKey", "OneToOneField", "ManyToManyField", "ParentalKey",
                       "ParentalManyToManyField", "GenericRelation", "relationship",
                       "Relationship"})
_DJANGO_RELATIONS = frozenset({"ForeignKey", "OneToOneField", "ManyToManyField"})
_COLUMNS = frozenset({"Column", "mapped_column"})
_MODEL_BASES = frozenset({"Model", "DeclarativeBase", "AbstractUser", "AbstractBaseUser"})
_META_KEYS = frozenset({"abstract", "proxy", "db_table", "app_label"})


def _string(node) -> str | None:
    if type(node) in (cst.SimpleString, cst.ConcatenatedString):
        try:
            value = node.evaluated_value
        except Exception:  # noqa: BLE001 - f-string parts have no static value
            return None
        return value if isinstance(value, str) else None
    return None


def _last(chain: str) -> str:
    return chain.rpartition(".")[2]


def _is_true(node) -> bool:
    return type(node) is cst.Name and node.value == "True"


def _keyword(call: cst.Call, name: str):
    return next((a.value for a in call.args if a.keyword is not None
                 and a.keyword.value == name), None)


def _root(node) -> cst.CSTNode:
    """The name node the walk anchors a call or chain at."""
    while True:
        if type(node) is cst.Call:
            node = node.func
        elif type(node) is cst.Attribute:
            node = node.value
        else:
            return node


def _declared_attr(func: cst.FunctionDef) -> bool:
    return any("declared_attr" in (_dotted(d.decorator.func if type(d.decorator) is cst.Call
                                           else d.decorator) or "").split(".")
               for d in func.decorators)


def _body(cls: cst.ClassDef):
    return cls.body.body if isinstance(cls.body, cst.IndentedBlock) else ()


def assign_target_value(small):
    if type(small) is cst.Assign and len(small.targets) == 1 \
            and type(small.targets[0].target) is cst.Name:
        return small.targets[0].target.value, small.value
    if type(small) is cst.AnnAssign and type(small.target) is cst.Name \
            and small.value is not None:
        return small.target.value, small.value
    return None, None


def _class_assigns(cls: cst.ClassDef):
    for stmt in _body(cls):
        if type(stmt) is cst.SimpleStatementLine:
            for small in stmt.body:
                name, value = assign_target_value(small)
                if name is not None:
                    yield name, value


def read_class(node: cst.ClassDef, bases: tuple[str, ...], module: cst.Module | None,
               mark) -> tuple[dict, list] | None:
    """The model fact fields of a top-level class and its relations, or None if it does not
    look like an ORM declaration."""
    info = {"name": node.name.value, "table": None, "abstract": False, "bases": bases,
            "kind": MODEL_CLASS, "table_rule": (), "primary_key": False, "proxy": False,
            "app_label": None, "meta": ""}
    framework: set[str] = set()
    fields = 0
    model_meta = False  # a Meta that says abstract, proxy, db_table or app_label
    relations: list[tuple[int, dict]] = []
    last_bases = {_last(b) for b in bases}
    if any(k.keyword is not None and k.keyword.value == "table" and _is_true(k.value)
           for k in node.keywords):  # SQLModel: class Hero(SQLModel, table=True)
        info["table"] = node.name.value.lower()
        framework.add("sqlalchemy")
    for stmt in _body(node):
        t = type(stmt)
        if t is cst.ClassDef and stmt.name.value == "Meta":
            info["meta"] = "extends" if stmt.bases else "own"
            for k, v in _class_assigns(stmt):
                model_meta = model_meta or k in _META_KEYS
                if k in ("abstract", "proxy"):
                    info[k] = _is_true(v)
                elif k == "db_table" and _string(v):
                    info["table"] = _string(v)
                elif k == "app_label" and _string(v):
                    info["app_label"] = _string(v)
            continue
        if t is cst.FunctionDef and _declared_attr(stmt):
            if stmt.name.value == "__tablename__":
                info["table_rule"] = tablename_rule(stmt, module)
                framework.add("sqlalchemy")
                continue
            returned = _returned_call(stmt)
            if returned is not None:  # a declared_attr column: project_id = Column(...)
                fields += _field(_root(returned), stmt.name.value, returned, info, framework,
                                 relations, mark)
            continue
        if t is not cst.SimpleStatementLine:
            continue
        for small in stmt.body:
            name, value = assign_target_value(small)
            if name is None:
                continue
            if name == "__tablename__" and _string(value):
                info["table"] = _string(value)
                framework.add("sqlalchemy")
            elif name == "__abstract__" and type(value) is cst.Name:
                info["abstract"] = value.value == "True"
            elif name == "label" and _string(value) and any(
                    b.endswith("Config") for b in last_bases):
                info["kind"], info["app_label"] = MODEL_APP, _string(value)
            elif type(value) is cst.Call:
                fields += _field(small, name, value, info, framework, relations, mark)
    if info["kind"] == MODEL_APP:
        return info | {"framework": "django"}, []
    looks_like_model = (
        fields or info["table"] or relations or info["table_rule"] or model_meta
        or last_bases & _MODEL_BASES or any(b.endswith("Model") for b in last_bases)
    )
    if not looks_like_model:
        return None
    if "models.Model" in bases:
        framework.add("django")
    info["framework"] = sorted(framework)[0] if len(framework) == 1 else "unknown"
    return info, relations


def _returned_call(func: cst.FunctionDef) -> cst.Call | None:
    body = func.body.body if isinstance(func.body, cst.IndentedBlock) else ()
    for stmt in body:
        if type(stmt) is cst.SimpleStatementLine:
            for small in stmt.body:
                if type(small) is cst.Return and type(small.value) is cst.Call:
                    return small.value
    return None


def _field(anchor, name: str, call: cst.Call, info: dict, framework: set, relations: list,
           mark) -> int:
    """Reads one ``name = Call(...)`` of a class body; returns 1 if it is a field."""
    chain = _dotted(call.func)
    if chain is None:
        return 0
    last = _last(chain)
    if chain.startswith("models.") or last in _DJANGO_RELATIONS:
        framework.add("django")
    if last in _COLUMNS or last == "relationship":
        framework.add("sqlalchemy")
    if last == "HistoricalRecords":  # django-simple-history: a history table of this model
        mark(anchor)
        relations.append((id(anchor), dict(field=name, kind=last, target=_string(
            _keyword(call, "table_name")) or "self")))
        return 0
    if last in _COLUMNS or last == "Field":
        if _is_true(_keyword(call, "primary_key")):
            info["primary_key"] = True
    relation = None
    if last in RELATIONS:
        args = [a for a in call.args if a.keyword is None]
        value = args[0].value if args else next(
            (_keyword(call, k) for k in ("to", "argument") if _keyword(call, k) is not None),
            None)
        if value is not None:
            target = _string(value) or _dotted(value)
            if target is None and type(value) is cst.Call and _dotted(value.func) \
                    and _last(_dotted(value.func)) == "get_user_model":
                target = "get_user_model"
            if target:
                relation = dict(field=name, kind=last, target=target)
    elif last in _COLUMNS:
        relation = column_relation(call, name)
    elif last == "Field":  # SQLModel: Field(foreign_key="users.id")
        target = _string(_keyword(call, "foreign_key"))
        if target:
            relation = dict(field=name, kind="ForeignKey-column", target=target)
    if relation is not None:
        mark(anchor)
        relations.append((id(anchor), relation))
    counted = last.endswith("Field") or last in _COLUMNS or last in RELATIONS
    return 1 if counted else 0


def column_relation(call: cst.Call, name: str) -> dict | None:
    """``Column(Integer, ForeignKey("users.id"))`` / ``ForeignKey(User.id)``."""
    for arg in call.args:
        value = arg.value
        if type(value) is cst.Call and _last(_dotted(value.func) or "") == "ForeignKey" \
                and value.args:
            target = value.args[0].value
            text = _string(target)
            if text:
                return dict(field=name, kind="ForeignKey-column", target=text)
            chain = _dotted(target)
            if chain and "." in chain:
                return dict(field=name, kind="ForeignKey-model",
                            target=chain.rpartition(".")[0])
    return None


def read_binding(name: str, call: cst.Call, mark) -> tuple[dict, list] | None:
    """``name = Table("t", metadata, Column(...))``, ``Base = declarative_base()``, ``db =
    SQLAlchemy(app)``, ``User = get_user_model()``."""
    chain = _dotted(call.func)
    if chain is None:
        return None
    last = _last(chain)
    info = {"name": name, "table": None, "abstract": False, "bases": (), "framework":
            "sqlalchemy", "kind": None, "table_rule": (), "primary_key": False,
            "proxy": False, "app_label": None, "meta": ""}
    relations: list[tuple[int, dict]] = []
    if last == "Table" and call.args and _string(call.args[0].value):
        columns = [a.value for a in call.args[1:] if type(a.value) is cst.Call
                   and _last(_dotted(a.value.func) or "") in _COLUMNS]
        if not columns:  # Table("t", metadata, autoload_with=engine): reflected, not declared
            return None
        info["kind"], info["table"] = MODEL_TABLE, _string(call.args[0].value)
        for column in columns:
            column_name = _string(column.args[0].value) if column.args else None
            relation = column_relation(column, column_name or "")
            if relation is not None:
                root = _root(column)
                mark(root)
                relations.append((id(root), relation))
    elif last in ("declarative_base", "automap_base"):
        info["kind"] = MODEL_BASE
    elif last == "SQLAlchemy":  # Flask-SQLAlchemy: db.Model names tables automatically
        info["kind"], info["table_rule"] = MODEL_BASE, SNAKE
    elif last == "get_user_model" and not call.args:
        info.update(kind=MODEL_ALIAS, framework="django", bases=("AUTH_USER_MODEL",))
    else:
        return None
    mark(_root(call))
    info["anchor"] = id(_root(call))
    return info, relations
