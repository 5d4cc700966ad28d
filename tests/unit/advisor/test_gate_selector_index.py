"""The pattern index behind the gate's selectors answers as a plain scan would: literal names
by lookup, globs matched once per list of names, deepest owners looked up once per module."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from advisor.gate import selectors

NAMES = selectors.candidates(["shop.orders.models", "shop.orders.api", "shop.billing.api",
                              "shop.billing.tests.test_api", "tests.test_shop", "shop"])
SEGMENT = st.sampled_from(["shop", "orders", "billing", "api", "models", "tests", "*", "**",
                           "?hop", "[ab]illing", "test_*"])


@given(st.lists(SEGMENT, min_size=1, max_size=4).map(".".join))
def test_roots_are_the_names_a_scan_matches(pattern):
    assert selectors.roots(pattern, NAMES) == [n for n in NAMES if selectors.matches(pattern, n)]
    assert selectors.roots(pattern, NAMES) == selectors.roots(pattern, list(NAMES))


def test_a_new_list_of_names_is_indexed_afresh():
    assert selectors.roots("shop.orders", NAMES) == ["shop.orders"]
    assert selectors.roots("shop.orders", ["shop", "shop.billing"]) == []
    assert selectors.roots("shop.*", ["shop", "shop.billing"]) == ["shop.billing"]


@given(st.sampled_from(NAMES + ["other.module", "shop.orders.models.deep"]))
def test_owners_is_owner_remembered(module):
    roots = {"shop", "shop.orders", "shop.billing.tests"}
    owners = selectors.Owners(roots)
    assert owners(module) == selectors.owner(module, roots)
    assert owners(module) == selectors.owner(module, roots)  # from memory
