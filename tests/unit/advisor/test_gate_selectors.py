"""Module patterns: one segment per ``*``, any number for ``**``, containers own sub-modules."""

from __future__ import annotations

import pytest

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
