"""Module patterns: one segment per ``*``, any number for ``**``, containers own sub-modules."""

from __future__ import annotations

import fnmatch
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.errors import ConfigError
from advisor.gate.selectors import candidates, matches, owner, roots, validate


@pytest.mark.parametrize("pattern, name, expected", [
    ("shop.domain", "shop.domain", True),
    ("shop.domain", "shop.domain.models", False),  # containers are handled by owner()
    ("shop.*.models", "shop.orders.models", True),
    ("shop.*.models", "shop.models", False),
    ("shop.*.models", "shop.a.b.models", False),
    ("shop.**.models", "shop.models", True),
    ("shop.**.models", "shop.a.b.models", True),
    ("shop.**", "shop", True),
    ("shop.or*", "shop.orders", True),
    ("shop.or*", "shop.billing", False),
    ("Shop", "shop", False),
])
def test_matches(pattern, name, expected):
    assert matches(pattern, name) is expected


def test_candidates_include_namespace_packages_and_roots_are_direct_matches():
    names = candidates(["shop.orders.models", "shop.billing.api"])
    assert names == ["shop", "shop.billing", "shop.billing.api", "shop.orders",
                     "shop.orders.models"]
    assert roots("shop.*", names) == ["shop.billing", "shop.orders"]


def test_owner_is_the_deepest_root_containing_the_module():
    root_set = {"shop", "shop.web"}
    assert owner("shop.web.views", root_set) == "shop.web"
    assert owner("shop.models", root_set) == "shop"
    assert owner("shopping.cart", root_set) is None


@pytest.mark.parametrize("bad", ["", ".shop", "shop.", "shop..x", "shop. x"])
def test_invalid_patterns(bad):
    with pytest.raises(ConfigError):
        validate(bad, "where")


# --- the recursive matcher this replaced, kept only as an oracle (exponential on "**.**...") --

def _old_match(pat: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    if not pat:
        return not parts
    head, rest = pat[0], pat[1:]
    if head == "**":
        return any(_old_match(rest, parts[i:]) for i in range(len(parts) + 1))
    return bool(parts) and fnmatch.fnmatchcase(parts[0], head) and _old_match(rest, parts[1:])


@settings(max_examples=800, deadline=None)
@given(pattern=st.text(alphabet="ab.*?[]!-", min_size=1, max_size=10),
       name=st.text(alphabet="ab.[]!-", max_size=10))
def test_matches_agrees_with_the_recursive_fnmatch_matcher(pattern: str, name: str) -> None:
    expected = _old_match(tuple(pattern.split(".")), tuple(name.split(".")))
    assert matches(pattern, name) is expected


@pytest.mark.parametrize("pattern, name, expected", [
    ("shop.[ab]*", "shop.api", True),
    ("shop.[!ab]*", "shop.api", False),
    ("shop.[a-c]pi", "shop.bpi", True),
    ("shop.[]]", "shop.]", True),
    ("shop.[ab", "shop.[ab", True),  # an unclosed bracket is literal
    ("shop.a**b", "shop.axyb", True),  # "**" inside a segment is one "*"
    ("shop.a**b", "shop.ax.yb", False),
])
def test_fnmatch_segments(pattern, name, expected):
    assert matches(pattern, name) is expected


def test_hostile_double_star_pattern_on_a_deep_name_is_fast():
    name = ".".join(["a"] * 2000)
    start = time.perf_counter()
    assert not matches("**.**.**.**.**.**.**.**.x", name)
    assert matches("**.**.**.**.**.**.**.**.a", name)
    assert not matches("*a*a*a*a*a*a*a*a*a*a*a*a*b", "a" * 5000)
    assert time.perf_counter() - start < 2.0
