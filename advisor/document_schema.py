"""The assessment document checked against its JSON Schema (``advisor/schema/``).

``validate_document`` raises ``DocumentError`` naming the first bad field as a JSON path
(``contexts[3].modules: expected a list``); ``schema_errors`` lists every problem, in document
order. "First" is document order: keys in the order the document holds them, list items by
index; an object's missing keys come before the problems inside its values.

A document the schema accepts is then checked against the invariants across fields that a
schema cannot state (docs/assessment.md, "Invariants"): counts that must agree, names that must
exist, and one partition (the contexts shown, judged, ranked and listed by the checklist are the
same set). Those problems are named the same way (``judgement.contexts[2].name: "x" is not a
context of contexts[]``).

The validator is compiled once (draft 2020-12). Numbers must be JSON numbers: NaN and the
infinities, which ``json.load`` accepts and ``json.dumps`` writes, are rejected.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from importlib import resources
from typing import Any

from advisor.errors import AdvisorError

SCHEMA_FILE = "assessment.schema.json"
_HINT = "re-run 'advisor analyze' to write a valid document"
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TYPE_NAMES = {"array": "a list", "object": "an object", "string": "a string",
               "number": "a number", "integer": "an integer", "boolean": "true or false",
               "null": "null"}
# which problem to name first when one field has several: missing keys (0), its type, then
# its values
_PRIORITY = {"type": 1, "const": 2, "enum": 2}
_LACKS = "lacks "  # an invariant problem about an entry missing from a list


class DocumentError(AdvisorError):
    """An assessment document that does not match the schema (exit code 2)."""

    def __init__(self, path: str, problem: str, source: str | None = None) -> None:
        super().__init__(f"{source}: {path}: {problem}" if source else f"{path}: {problem}",
                         _HINT)
        self.path = path
        self.problem = problem


def load_schema() -> dict:
    """The schema as a dict (a fresh copy each call)."""
    text = resources.files("advisor.schema").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft202012Validator, validators

    base = Draft202012Validator.TYPE_CHECKER

    def finite(checker, instance) -> bool:
        return base.is_type(instance, "number") and math.isfinite(instance)

    checker = base.redefine("number", finite)
    cls = validators.extend(Draft202012Validator, type_checker=checker)
    return cls(inline_refs(load_schema()))  # the schema itself is checked by the tests


def inline_refs(schema: dict) -> dict:
    """The schema with every ``#/$defs/...`` reference replaced by its definition.

    The same checks, twice as fast: jsonschema resolves a reference on every use (a document
    of 30,000 values takes 1.7 s with references, 0.9 s inlined). The schema has no recursive
    definition, so inlining ends."""
    defs = schema.get("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(v) for v in node]
        if not isinstance(node, dict):
            return node
        rest = {k: walk(v) for k, v in node.items() if k not in ("$ref", "$defs")}
        if "$ref" not in node:
            return rest
        target = walk(defs[node["$ref"].removeprefix("#/$defs/")])
        if set(rest) & set(target):
            return {"allOf": [target], **rest}
        return {**target, **rest}

    return walk(schema)


def validate_document(document: Any, source: str | None = None) -> None:
    """Raise ``DocumentError`` for the first field (in document order) the schema rejects.

    ``source`` (the file name) prefixes the message when given."""
    ranked = _ranked(document)
    if ranked:
        _, path, problem = ranked[0]
        raise DocumentError(path, problem, source=source)


def schema_errors(document: Any) -> list[str]:
    """Every problem as ``path: problem``, in document order; empty when the document is valid."""
    return [f"{path}: {problem}" for _, path, problem in _ranked(document)]


def _ranked(document: Any) -> list[tuple[tuple, str, str]]:
    """(rank, path, problem) for every problem, sorted by rank: where the field sits in the
    document; an object's own problems (its missing keys first, in the schema's order) before
    the problems inside its values. The invariants are checked only on a document the schema
    accepts (they read its fields without checking their types)."""
    found = _schema_ranked(document)
    if found:
        return found
    # a list that lacks an entry comes after its entries: a wrong entry is named first
    return sorted((tuple((1, i) for i in _position(document, path))
                   + (((2, n),) if problem.startswith(_LACKS) else ((0, 4, n),)),
                   _format(path), problem)
                  for n, (path, problem) in enumerate(invariant_problems(document)))


def _schema_ranked(document: Any) -> list[tuple[tuple, str, str]]:
    found = []
    for error in _validator().iter_errors(document):
        path = list(error.absolute_path)
        where = tuple((1, i) for i in _position(document, path))
        if error.validator == "required" and isinstance(error.instance, dict):
            required = error.validator_value
            for n, key in enumerate(k for k in required if k not in error.instance):
                found.append((where + ((0, 0, n),), _format([*path, key]),
                              "missing (a required field)"))
            continue
        found.append((where + ((0, _PRIORITY.get(error.validator, 3), 0),), _format(path),
                      _problem(error)))
    found.sort()
    unique, seen = [], set()
    for entry in found:
        if entry[1:] not in seen:
            seen.add(entry[1:])
            unique.append(entry)
    return unique


def _position(document: Any, path: list) -> list[int]:
    """Where ``path`` sits in the document: indices of keys (document order) and items."""
    out, node = [], document
    for part in path:
        if isinstance(node, dict) and part in node:
            out.append(list(node).index(part))
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            out.append(part)
            node = node[part]
        else:
            break
    return out


def _format(path: list) -> str:
    """``contexts[3].modules``; keys that are not identifiers are quoted: ``files["a.toml"]``."""
    if not path:
        return "(document)"
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENTIFIER.fullmatch(part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part)}]"  # ASCII escapes: safe to print
    return out


def _shown(value: Any, limit: int = 40) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = type(value).__name__
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _problem(error) -> str:
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "type" and isinstance(value, float) and not math.isfinite(value):
        text = f"expected a JSON number, not {value}"
    elif kind == "type":
        wanted = [expected] if isinstance(expected, str) else list(expected)
        text = (f"expected {' or '.join(_TYPE_NAMES.get(t, t) for t in wanted)}, "
                f"not {_type_of(value)}")
    elif kind == "enum":
        text = f"expected one of {', '.join(_shown(v) for v in expected)}, not {_shown(value)}"
    elif kind == "const":
        text = f"expected {_shown(expected)}, not {_shown(value)}"
    elif kind in ("minimum", "exclusiveMinimum"):
        word = "at least" if kind == "minimum" else "above"
        text = f"{_shown(value)} is out of range: expected a value {word} {expected}"
    elif kind in ("maximum", "exclusiveMaximum"):
        word = "at most" if kind == "maximum" else "below"
        text = f"{_shown(value)} is out of range: expected a value {word} {expected}"
    elif kind == "pattern":
        text = f"{_shown(value)} does not match {expected}"
    elif kind == "minLength":
        text = "must not be empty"
    elif kind == "minItems":
        text = f"expected at least {expected} item(s), found {len(value)}"
    elif kind == "maxItems":
        text = (f"expected no items, found {len(value)}" if expected == 0
                else f"expected at most {expected} item(s), found {len(value)}")
    elif kind == "minProperties":
        text = f"expected at least {expected} entr{'y' if expected == 1 else 'ies'}"
    elif kind == "uniqueItems":
        text = "holds the same item twice"
    elif kind == "not":
        text = f"{_shown(value)} is not allowed here"
    elif kind == "propertyNames":
        text = "has a key that is not allowed"
    else:
        text = error.message.splitlines()[0][:120].encode("ascii", "backslashreplace").decode()
    why = error.schema.get("description") if isinstance(error.schema, dict) else None
    return f"{text} ({why})" if why else text


def _type_of(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true or false",
             type(None): "null", int: "an integer", float: "a number"}
    return names.get(type(value), type(value).__name__)


# --- invariants across fields (docs/assessment.md, "Invariants") -------------------------------

def invariant_problems(document: dict) -> list[tuple[list, str]]:
    """(path, problem) for each cross-field invariant a schema-valid document breaks."""
    out: list[tuple[list, str]] = []
    _graph_invariants(document, out)
    _partition_invariants(document, out)
    _recommendation_invariants(document, out)
    return out


def _graph_invariants(d: dict, out: list) -> None:
    modules, target = d["modules"], d["target"]
    if target["files_analyzed"] != len(modules):
        out.append((["target", "files_analyzed"],
                    f"{target['files_analyzed']}, but modules lists {len(modules)}"))
    lines = sum(m["lines"] for m in modules)
    if target["lines"] != lines:
        out.append((["target", "lines"], f"{target['lines']}, but modules[].lines add up to "
                                         f"{lines}"))
    _unique(out, ["modules"], [m["name"] for m in modules], "name")
    known = {m["name"] for m in modules}
    for i, e in enumerate(d["dependencies"]):
        for end in ("source", "target"):
            if e[end] not in known:
                out.append((["dependencies", i, end], f"{_shown(e[end])} is not in modules"))


def _partition_invariants(d: dict, out: list) -> None:
    """One partition: the contexts shown are the contexts judged, listed and ranked."""
    contexts = [c["name"] for c in d["contexts"]]
    _unique(out, ["contexts"], contexts, "name")
    names = set(contexts)
    placed: dict[str, set] = {}
    for i, m in enumerate(d["modules"]):
        if m["context"] is not None:
            placed.setdefault(m["context"], set()).add(m["name"])
            if m["context"] not in names:
                out.append((["modules", i, "context"], _not_a_context(m["context"])))
    for i, c in enumerate(d["contexts"]):
        mine = placed.get(c["name"], set())
        for key, listed in (("modules", c["modules"]),
                            ("members", [m["module"] for m in c["members"]])):
            if set(listed) != mine:
                odd = sorted(set(listed) ^ mine)[0]
                out.append((["contexts", i, key],
                            f"lists {_shown(odd)}, whose modules[].context is not "
                            f"{_shown(c['name'])}" if odd in listed else
                            f"{_LACKS}{_shown(odd)}, whose modules[].context is "
                            f"{_shown(c['name'])}"))
    proposal = d["metrics"]["proposal"]
    if proposal["contexts"] != len(contexts):
        out.append((["metrics", "proposal", "contexts"],
                    f"{proposal['contexts']}, but contexts lists {len(contexts)}"))
    judgement, rec = d["judgement"], d["recommendation"]
    _same(out, ["metrics", "contexts"], [r["name"] for r in d["metrics"]["contexts"]], names,
          "name")
    _same(out, ["readiness", "contexts"], list(d["readiness"]["contexts"]), names, None)
    _same(out, ["judgement", "contexts"], [c["name"] for c in judgement["contexts"]], names,
          "name")
    _same(out, ["recommendation", "candidates"], [k["context"] for k in rec["candidates"]],
          names, "context")
    _same(out, ["judgement", "order"], judgement["order"], names, "")
    for i, lk in enumerate(judgement["links"]):
        for end in ("source", "target"):
            if lk[end] not in names:
                out.append((["judgement", "links", i, end], _not_a_context(lk[end])))
    for i, cycle in enumerate(judgement["cycles"]):
        for k, name in enumerate(cycle["contexts"]):
            if name not in names:
                out.append((["judgement", "cycles", i, "contexts", k], _not_a_context(name)))
    judged = judgement["lines"]
    inside = sum(c["lines"] for c in judgement["contexts"])
    if judged["in_contexts"] != inside:
        out.append((["judgement", "lines", "in_contexts"],
                    f"{judged['in_contexts']}, but judgement.contexts[].lines add up to "
                    f"{inside}"))
    elif inside > judged["application"]:
        out.append((["judgement", "lines", "in_contexts"],
                    f"{inside} is more than the {judged['application']} application lines"))
    elif abs(judged["share"] - (inside / judged["application"] if judged["application"]
                                else 1.0)) > 1e-4:
        out.append((["judgement", "lines", "share"],
                    f"{judged['share']} is not in_contexts / application"))


def _recommendation_invariants(d: dict, out: list) -> None:
    rec = d["recommendation"]
    if rec["verdict"] == "extract" and rec["candidates"] and (
            rec["extract_first"] != rec["candidates"][0]["context"]):
        out.append((["recommendation", "extract_first"],
                    f"{_shown(rec['extract_first'])} is not the first candidate "
                    f"({_shown(rec['candidates'][0]['context'])})"))
    names = {c["name"] for c in d["contexts"]}
    for i, name in enumerate(rec["separable_contexts"]):
        if name not in names:
            out.append((["recommendation", "separable_contexts", i], _not_a_context(name)))
    for i, step in enumerate(rec["plan"]):
        if step["order"] != i + 1:
            out.append((["recommendation", "plan", i, "order"],
                        f"{step['order']}, expected {i + 1} (steps count 1, 2, 3...)"))


def _not_a_context(name: str) -> str:
    return f"{_shown(name)} is not a context of contexts[]"


def _item(path: list, i: int, name: str, key: str | None) -> list:
    """The path of item ``i`` (``name``) of the list or object at ``path``: its ``key`` field,
    the item itself (key ""), or the object's key ``name`` (key None)."""
    return [*path, name] if key is None else [*path, i, key] if key else [*path, i]


def _unique(out: list, path: list, names: list[str], key: str) -> None:
    seen: set[str] = set()
    for i, name in enumerate(names):
        if name in seen:
            out.append((_item(path, i, name, key), f"{_shown(name)} appears twice"))
        seen.add(name)


def _same(out: list, path: list, listed: list[str], names: set[str], key: str | None) -> None:
    """``listed`` (at ``path``; items named by ``key``, "" for plain strings, None for the
    keys of an object) holds each context of contexts[] exactly once."""
    for i, name in enumerate(listed):
        if name not in names:
            out.append((_item(path, i, name, key), _not_a_context(name)))
    if key is not None:  # an object's keys are unique anyway
        _unique(out, path, listed, key)
    missing = sorted(names - set(listed))
    if missing:
        out.append((path, f"{_LACKS}{_shown(missing[0])}, a context of contexts[] (one "
                          "partition: every section lists the same contexts)"))
