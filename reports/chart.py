"""The instability / abstractness chart: geometry computed here, drawn by a template macro.

x = instability (0 stable .. 1 unstable), y = abstractness (0 concrete .. 1 abstract). The main
sequence runs from (0, 1) to (1, 0); the zone of pain is the stable, concrete corner (0, 0), the
zone of uselessness the unstable, abstract corner (1, 1). Dot area follows lines of code.
"""

from __future__ import annotations

import math

SIZE = 360  # plot square, in SVG user units
MARGIN = 44
LABELS = 6  # packages named on the chart (farthest from the main sequence first)


def _xy(instability: float, abstractness: float) -> tuple[float, float]:
    return (round(MARGIN + instability * SIZE, 1), round(MARGIN + (1 - abstractness) * SIZE, 1))


def chart(packages: list[dict]) -> dict:
    """``packages``: dicts with name, instability, abstractness, distance (floats) and lines."""
    biggest = max((p["lines"] for p in packages), default=0) or 1
    points = []
    for p in packages:
        cx, cy = _xy(p["instability"], p["abstractness"])
        d = p["distance"]
        points.append({
            "name": p["name"], "cx": cx, "cy": cy,
            "r": round(3 + 9 * math.sqrt(p["lines"] / biggest), 1),
            "cls": "far" if d > 0.7 else "mid" if d > 0.4 else "near",
            "title": f"{p['name']}: I={p['instability']:.2f} A={p['abstractness']:.2f} "
                     f"D={d:.2f}, {p['lines']:,} lines",
        })
    ranked = sorted(packages, key=lambda p: (-p["distance"] * math.sqrt(p["lines"] or 1),
                                             p["name"]))
    labels: list[dict] = []
    boxes: list[tuple[float, float, float, float]] = []
    for p in ranked[:LABELS]:
        placed = _place(p, boxes)
        if placed:
            labels.append(placed)
    # Larger dots first so small ones stay on top and clickable for their tooltip.
    points.sort(key=lambda q: (-q["r"], q["name"]))
    ticks = [{"value": f"{t / 4:.2g}", "x": _xy(t / 4, 0)[0], "y": _xy(0, t / 4)[1]}
             for t in range(5)]
    x0, y0 = _xy(0, 0)
    x1, y1 = _xy(1, 1)
    return {
        "width": SIZE + 2 * MARGIN, "height": SIZE + 2 * MARGIN, "points": points,
        "labels": labels, "ticks": ticks, "x0": x0, "y0": y0, "x1": x1, "y1": y1,
        "main_sequence": {"x1": x0, "y1": y1, "x2": x1, "y2": y0},
        "pain": {"x": x0, "y": round(y0 - SIZE * 0.3, 1), "w": round(SIZE * 0.3, 1),
                 "h": round(SIZE * 0.3, 1)},
        "useless": {"x": round(x1 - SIZE * 0.3, 1), "y": y1, "w": round(SIZE * 0.3, 1),
                    "h": round(SIZE * 0.3, 1)},
        "empty": not points,
    }


def _place(p: dict, boxes: list[tuple[float, float, float, float]]) -> dict | None:
    """A label beside the dot that overlaps no label placed before (else none)."""
    cx, cy = _xy(p["instability"], p["abstractness"])
    text = _short(p["name"])
    width, height = 6.2 * len(text), 12.0
    right = cx < MARGIN + SIZE * 0.6
    for dy in (-6, 14, -18, 26, -30, -42, -54):
        x = cx + 8 if right else cx - 8 - width
        y = cy + dy
        box = (x, y - height + 2, x + width, y + 2)
        if not MARGIN + height <= y <= MARGIN + SIZE - 4:  # stay inside the plot, off the ticks
            continue
        if all(box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3] for b in boxes):
            boxes.append(box)
            return {"text": text, "x": round(cx + 8 if right else cx - 8, 1), "y": round(y, 1),
                    "anchor": "start" if right else "end"}
    return None


def _short(name: str, limit: int = 28) -> str:
    return name if len(name) <= limit else "\u2026" + name[-(limit - 1):]
