"""The assessment document checked against its JSON Schema (``advisor/schema/``).

``validate_document`` raises ``DocumentError`` naming the first bad field as a JSON path
(``contexts[3].modules: expected a list``); ``schema_errors`` lists every problem, in document
order. "First" is document order: keys in the order the document holds them, list items by
index; an object's missing keys come before the problems inside its values.

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
    the problems inside its values."""
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
