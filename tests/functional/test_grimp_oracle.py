"""Graph correctness on real code: our import edges agree with grimp's (>= 99.5%)."""

from __future__ import annotations

import pytest

from benchmarks.grimp_oracle import compare

pytestmark = pytest.mark.corpus


@pytest.mark.parametrize("fixture,package", [("django_root", "django"), ("oscar_root", "oscar")])
def test_import_edges_match_grimp(request, fixture, package):
    root = request.getfixturevalue(fixture)
    result = compare(str(root), package)
    assert result["edges_grimp"] > 400
    assert result["modules_only_ours"] == [] and result["modules_only_grimp"] == []
    assert result["precision"] >= 0.995, result["only_ours"][:20]
    assert result["recall"] >= 0.995, result["only_grimp"][:20]
