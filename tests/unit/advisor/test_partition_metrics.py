"""Partition quality and agreement, each value worked out by hand in the comment above it."""

from __future__ import annotations

import math

import pytest

from advisor import partition_metrics as pm

# Two triangles joined by one edge: a-b-c and d-e-f, bridge c-d; X = {a,b,c}, Y = {d,e,f}.
TRIANGLES = [("a", "b", 1.0), ("b", "c", 1.0), ("c", "a", 1.0),
             ("d", "e", 1.0), ("e", "f", 1.0), ("f", "d", 1.0), ("c", "d", 1.0)]
XY = {"a": "X", "b": "X", "c": "X", "d": "Y", "e": "Y", "f": "Y"}


def test_modularity_two_triangles_by_hand():
    # m = 7; L_X = L_Y = 3; degrees d_X = 2+2+3 = 7 = d_Y
    # Q = 2 * (3/7 - (7/14)^2) = 2 * (12/28 - 7/28) = 10/28
    assert pm.modularity(XY, TRIANGLES) == pytest.approx(10 / 28)


def test_modularity_ignores_edges_leaving_the_partition():
    # dropping f: edges d-e (inside Y) and c-d remain with a, b, c: m = 5, L_X = 3, L_Y = 1,
    # d_X = 7, d_Y = 3 -> 3/5 - (7/10)^2 + 1/5 - (3/10)^2 = 0.8 - 0.49 - 0.09 = 0.22
    partial = {k: v for k, v in XY.items() if k != "f"}
    assert pm.modularity(partial, TRIANGLES) == pytest.approx(0.22)


def test_structural_modularity_by_hand():
    # cohesion X = 3 / 3^2 = 1/3 = Y; coupling XY = 1 / (2 * 3 * 3) = 1/18; one pair
    # SM = 1/3 - 1/18 = 5/18
    assert pm.structural_modularity(XY, TRIANGLES) == pytest.approx(5 / 18)


def test_structural_modularity_single_context_is_its_cohesion():
    # 7 edges among 6 modules: 7 / 36
    assert pm.structural_modularity({k: "all" for k in XY}, TRIANGLES) == pytest.approx(7 / 36)


def test_inter_call_percentage_by_hand():
    # uses: a->b 2 (inside), c->d 3 (across), d->e 5 (inside): 3 / 10
    uses = [("a", "b", 2.0), ("c", "d", 3.0), ("d", "e", 5.0)]
    assert pm.inter_call_percentage(XY, uses) == pytest.approx(0.3)


def test_interface_number_is_the_mean():
    # (2 + 0 + 4) / 3
    assert pm.interface_number({"X": 2, "Y": 0, "Z": 4}) == 2.0
    assert pm.interface_number({}) == 0.0


def test_non_extreme_distribution_by_hand():
    # sizes 5, 3, 21, 20 (N = 49); within [5, 20]: 5 + 20 = 25 -> 1 - 25/49 = 24/49
    partition = {}
    for label, size in (("A", 5), ("B", 3), ("C", 21), ("D", 20)):
        partition.update({f"{label}{i}": label for i in range(size)})
    assert pm.non_extreme_distribution(partition) == pytest.approx(24 / 49)


def test_conductance_by_hand():
    # cut = 1 (the bridge), vol(X) = vol(Y) = 7 -> 1/7 each
    assert pm.conductance(XY, TRIANGLES) == {"X": pytest.approx(1 / 7), "Y": pytest.approx(1 / 7)}


def test_cross_edge_share_by_hand():
    # 7 dependency edges, 1 crosses
    assert pm.cross_edge_share(XY, TRIANGLES) == pytest.approx(1 / 7)


def test_boundaries_by_hand():
    # X: signal weight inside 3, leaving 1 -> cohesion 3/4; dependency edges touching X: 3 inside
    # + 1 across -> coupling 1/4; X depends on Y through c->d once
    bounds = pm.boundaries(XY, TRIANGLES, [(a, b) for a, b, _ in TRIANGLES], [("c", "d")])
    assert (bounds["X"].cohesion, bounds["X"].coupling) == (0.75, 0.25)
    assert bounds["X"].depends_on == (("Y", 1),)
    assert bounds["Y"].depends_on == ()


A = {"1": "x", "2": "x", "3": "y", "4": "y"}
B = {"1": "p", "2": "p", "3": "p", "4": "q"}


def test_nmi_by_hand():
    # joint (x,p)=2, (y,p)=1, (y,q)=1 of 4: I = 1/2 ln(4/3) + 1/4 ln(2/3) + 1/4 ln 2 = 3/4 ln(4/3)
    # H(A) = ln 2, H(B) = 3/4 ln(4/3) + 1/4 ln 4; NMI = 2 I / (H(A) + H(B))
    mutual = 0.75 * math.log(4 / 3)
    expected = 2 * mutual / (math.log(2) + 0.75 * math.log(4 / 3) + 0.25 * math.log(4))
    assert pm.nmi(A, B) == pytest.approx(expected)
    assert pm.nmi(A, A) == pytest.approx(1.0)


def test_ari_by_hand():
    # Σ C(n_ij, 2) = 1; rows 2,2 -> 2; columns 3,1 -> 3; expected = 2*3/C(4,2) = 1;
    # max = (2 + 3)/2 = 2.5 -> ARI = (1 - 1) / (2.5 - 1) = 0
    assert pm.ari(A, B) == pytest.approx(0.0)
    assert pm.ari(A, {"1": "k", "2": "k", "3": "m", "4": "m"}) == pytest.approx(1.0)


def test_agreement_is_over_shared_modules():
    assert pm.nmi(A, {**B, "5": "z"}) == pm.nmi(A, B)


def test_mojo_one_move_by_hand():
    # A1 = {1,2,3}, A2 = {4,5}; B1 = {1,2}, B2 = {3,4,5}: move 3 -> 1 operation;
    # max over all A: sizes of B sorted 2, 3 -> g = 2 -> 5 - 2 = 3; MoJoFM = (1 - 1/3) * 100
    a = {"1": "A1", "2": "A1", "3": "A1", "4": "A2", "5": "A2"}
    b = {"1": "B1", "2": "B1", "3": "B2", "4": "B2", "5": "B2"}
    assert pm.mojo(a, b) == 1
    assert pm.max_mojo(b) == 3
    assert pm.mojofm(a, b) == pytest.approx(200 / 3)


def test_mojo_one_join_by_hand():
    # A = {1,2} {3} {4}; B = {1,2,3} {4}: join {3} into {1,2} -> 1 operation
    a = {"1": "A1", "2": "A1", "3": "A2", "4": "A3"}
    b = {"1": "B1", "2": "B1", "3": "B1", "4": "B2"}
    assert pm.mojo(a, b) == 1


def test_mojo_needs_the_augmenting_path():
    # A1 = {1,2} (tags B1, B2 tie), A2 = {3} (tag B1); B1 = {1,3}, B2 = {2}. A greedy match of
    # A1 to B1 would leave A2 unmatched (2 operations); the optimum moves 1 to A2: 1 operation
    a = {"1": "A1", "2": "A1", "3": "A2"}
    b = {"1": "B1", "3": "B1", "2": "B2"}
    assert pm.mojo(a, b) == 1


def test_mojofm_identical_and_worst():
    b = {"1": "B1", "2": "B1", "3": "B2", "4": "B2"}
    assert pm.mojofm(b, b) == 100.0
    # all in one cluster: keep one tag's group of 2, move the other 2 -> mno = 2;
    # max: sizes 2, 2 -> g = 2 -> 4 - 2 = 2 -> MoJoFM 0
    assert pm.mojofm({k: "all" for k in b}, b) == 0.0
