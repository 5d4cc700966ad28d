"""The instability / abstractness chart's geometry."""

from __future__ import annotations

from reports.chart import LABELS, MARGIN, SIZE, chart


def pkg(name, i, a, lines=100):
    return {"name": name, "instability": i, "abstractness": a, "distance": abs(i + a - 1),
            "lines": lines}


def test_axes_map_instability_right_and_abstractness_up():
    c = chart([pkg("stable.concrete", 0, 0), pkg("unstable.abstract", 1, 1)])
    points = {p["name"]: p for p in c["points"]}
    assert (points["stable.concrete"]["cx"], points["stable.concrete"]["cy"]) == (
        MARGIN, MARGIN + SIZE)
    assert (points["unstable.abstract"]["cx"], points["unstable.abstract"]["cy"]) == (
        MARGIN + SIZE, MARGIN)
    assert {p["cls"] for p in c["points"]} == {"far"}


def test_dot_area_follows_lines_and_small_dots_are_drawn_last():
    c = chart([pkg("big", 0.5, 0.5, 10_000), pkg("small", 0.5, 0.4, 100)])
    assert [p["name"] for p in c["points"]] == ["big", "small"]
    assert c["points"][0]["r"] > c["points"][1]["r"] and c["points"][1]["cls"] == "near"


def test_labels_are_capped_and_do_not_overlap():
    packages = [pkg(f"pkg{i}", 0.5, 0.0, 100) for i in range(20)]  # all on one spot
    c = chart(packages)
    assert len(c["labels"]) <= LABELS
    boxes = [(lb["y"] - 10, lb["y"] + 2) for lb in c["labels"]]
    for i, (top, bottom) in enumerate(boxes):
        for other_top, other_bottom in boxes[i + 1:]:
            assert bottom < other_top or top > other_bottom


def test_empty_chart():
    c = chart([])
    assert c["empty"] and c["points"] == [] and c["labels"] == []
