"""Templates for the generated domains' tests: validation and lifecycle rules, which need
no database (the hand-written domains' tests cover the service and HTTP plumbing)."""

from __future__ import annotations

from codegen_templates import Entity

VALID = {"text": '"Arrived a day late, otherwise fine."', "bool": "True",
         "date": "date(2024, 5, 6)", "email": '"ops@example.com"', "ref": '"01HV4S3K2M"',
         "ext": '"01HV4S3K2N"', "money": '{"amount": "12.50", "currency": "EUR"}'}


def _valid(f) -> str:
    if f.kind == "str":
        return repr(f"Sample {f.label}"[:int(f.arg)])
    if f.kind == "int":
        return str(max(int(f.arg), min(int(f.arg2), 1)))
    if f.kind == "enum":
        return repr(f.arg.split(",")[0])
    return VALID[f.kind]


def _bad(f) -> list[tuple[str, str]]:
    """(bad value, words the problem must contain)."""
    if f.kind == "str":
        return [('"   "', "is blank"), (f'"x" * {int(f.arg) + 1}', "is longer than")]
    if f.kind == "int":
        return [(str(int(f.arg2) + 1), "must be between"), ('"3"', "whole number")]
    return {"enum": [('"nope"', "must be one of")], "email": [('"not-an-address"', "e-mail")],
            "money": [('{"amount": "-1"}', "cannot be negative"),
                      ('{"amount": "1", "currency": "XYZ"}', "currency must be")],
            "bool": [('"yes"', "true or false")], "date": [('"2024-05-06"', "must be a date")],
            "ref": [("42", "is not an id")], "ext": [("42", "is not an id")],
            "text": [('"x" * 20_001', "longer than")]}[f.kind]


def render_tests(domain: str, ents: list[Entity]) -> dict[str, str]:
    files = {"__init__.py": ""}
    for e in ents:
        s = e.snake
        required = [f for f in e.fields if f.kind not in ("text", "bool", "date")]
        out = [f'"""{e.title.capitalize()} rules: what a valid {e.title} is and where its '
               'lifecycle may go."""', "", "from __future__ import annotations", ""]
        if any(f.kind == "date" for f in e.fields):
            out.append("from datetime import date")
        out += ["", "import pytest", "",
                f"from marketplace.{domain}.rules import (",
                f"    {e.upper}_STATES,", f"    check_{s}_transition,",
                f"    next_{s}_states,", f"    validate_{s},", ")", "",
                "VALID = {"]
        out += [f'    "{f.name}": {_valid(f)},' for f in e.fields]
        out += ["}", "", "",
                f"def test_a_complete_{s}_is_valid():", f"    assert validate_{s}(VALID) == []",
                "", ""]
        cases = [(f.name, bad, words) for f in e.fields for bad, words in _bad(f)]
        out += ['@pytest.mark.parametrize("field, value, words", [']
        out += [f'    ("{name}", {bad}, "{words}"),' for name, bad, words in cases]
        out += ["])", f"def test_a_bad_{s}_field_is_named(field, value, words):",
                f"    problems = validate_{s}({{**VALID, field: value}})",
                "    assert any(words in p for p in problems), problems", "", ""]
        if required:
            out += [f"def test_a_new_{s}_needs_its_required_fields():",
                    f"    problems = validate_{s}({{}})",
                    "    assert [p.split(' is required')[0] for p in problems] == ["
                    + ", ".join(repr(f.label) for f in required) + "]", "", ""]
        out += ["def test_an_update_may_send_only_what_changes():",
                f"    assert validate_{s}({{}}, partial=True) == []", "", "",
                '@pytest.mark.parametrize("old, new", ['
                + ", ".join(f'("{a}", "{b}")' for a, b in e.transitions) + "])",
                f"def test_allowed_{s}_moves(old, new):",
                f"    assert check_{s}_transition(old, new) is None",
                f"    assert new in next_{s}_states(old)", "", "",
                f"def test_a_{s}_cannot_skip_or_repeat_its_lifecycle():",
                f"    first = {e.upper}_STATES[0]",
                f'    assert "already" in check_{s}_transition(first, first)',
                f'    assert "unknown" in check_{s}_transition(first, "teleported")']
        finals = [st for st in e.states if not any(a == st for a, _ in e.transitions)]
        if finals:
            out += [f'    assert next_{s}_states("{finals[0]}") == ()',
                    f'    assert "none (final)" in check_{s}_transition("{finals[0]}", first)']
        files[f"test_{s}.py"] = "\n".join(out) + "\n"
    return files
