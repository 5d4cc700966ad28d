"""``dump_json`` writes exactly what ``json.dumps(indent=2, ensure_ascii=False)`` writes, with
non-finite numbers as null, through its own faster encoder for plain values."""

from __future__ import annotations

import enum
import json
import math

import pytest

from reports.safe import _indented, dump_json


class Level(enum.IntEnum):
    HIGH = 3


PLAIN = {
    "name": "caf\u00e9 \u2028 \"quoted\" \\ \x07 \ud800 tab\t",
    "empty": {}, "none": [], "pair": (1, "two"),
    "numbers": [0, -1, 10 ** 30, 0.1, -0.0, 1e300, 2.5e-7, True, False, None],
    "nested": [{"a": [[], {}, [{}]]}, [[[["deep"]]]]],
    1: "int key", 2.5: "float key", True: "bool key", None: "null key",
}


@pytest.mark.parametrize("value", [PLAIN, [], {}, "text", 7, 1.5, None, [PLAIN, PLAIN]])
def test_the_text_is_jsons_own(value):
    assert _indented(value) == json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)
    assert dump_json(value) == json.dumps(value, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("odd", [Level.HIGH, math.nan, -math.inf, {Level.HIGH: 1}])
def test_values_outside_the_fast_path_fall_back_to_json(odd):
    with pytest.raises((TypeError, ValueError)):
        _indented({"x": [odd]})
    text = dump_json({"x": [odd]})
    expected = {"x": [None]} if isinstance(odd, float) else json.loads(json.dumps({"x": [odd]}))
    assert json.loads(text) == expected
    if not isinstance(odd, float):  # a subclass is json's to write, unchanged
        assert text == json.dumps({"x": [odd]}, indent=2, ensure_ascii=False) + "\n"


def test_an_unknown_type_is_still_an_error():
    with pytest.raises(TypeError):
        dump_json({"x": object()})
