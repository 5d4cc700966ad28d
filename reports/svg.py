"""Make Graphviz SVG safe to inline: rebuild it from an allow-list of elements and attributes.

The DOT we hand to Graphviz already carries only escaped text and synthetic node ids, so its
SVG should hold no markup from the analysed code. This is the second fence: whatever the SVG
holds, only shapes, text and titles come out. No scripts, event handlers, links, foreign objects,
styles, external references, comments or doctype survive, and every text and attribute value is
re-escaped by the serialiser.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping

SVG_NS = "http://www.w3.org/2000/svg"
XML_NS = "http://www.w3.org/XML/1998/namespace"

ELEMENTS = frozenset({"svg", "g", "title", "path", "polygon", "polyline", "ellipse", "circle",
                      "line", "rect", "text"})
ATTRIBUTES = frozenset({
    "width", "height", "viewBox", "preserveAspectRatio", "transform", "class",
    "fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray", "stroke-opacity",
    "opacity", "points", "d", "cx", "cy", "rx", "ry", "r", "x", "y", "x1", "y1", "x2", "y2",
    "text-anchor", "font-family", "font-size", "font-weight", "font-style",
})
# Values made of these characters only: numbers, colours, font lists, path data, transforms.
_SAFE_VALUE = re.compile(r"[\w\s.,#%()+\-/:]*")
_UNSAFE_WORDS = re.compile(r"url|script|expression|data:|import", re.IGNORECASE)


class UnsafeSvg(ValueError):
    """The SVG could not be parsed; it is not inlined."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _safe_value(value: str) -> bool:
    return bool(_SAFE_VALUE.fullmatch(value)) and not _UNSAFE_WORDS.search(value)


def sanitize_svg(text: str, titles: Mapping[str, str] | None = None,
                 css_class: str = "diagram") -> str:
    """The SVG rebuilt from allowed parts only, with ``titles`` replacing Graphviz's titles.

    ``titles`` maps a Graphviz node id (``n3``) or edge title (``n3->n7``) to the text a reader
    should see on hover (the real, unescaped name: the serialiser escapes it).
    """
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        raise UnsafeSvg(f"Graphviz returned SVG that does not parse ({exc})") from None
    if _local(root.tag) != "svg":
        raise UnsafeSvg("Graphviz output is not an <svg> document")
    clean = _copy(root, titles or {})
    clean.set("class", css_class)
    clean.set("role", "img")
    # The width/height Graphviz writes are in points; CSS scales the picture to the page.
    ET.register_namespace("", SVG_NS)
    return ET.tostring(clean, encoding="unicode", short_empty_elements=True)


def _copy(element: ET.Element, titles: Mapping[str, str]) -> ET.Element:
    name = _local(element.tag)
    out = ET.Element(f"{{{SVG_NS}}}{name}")
    for key, value in element.attrib.items():
        local = _local(key)
        if key.startswith(f"{{{XML_NS}}}") and local == "space" and value == "preserve":
            out.set(key, value)
        elif local in ATTRIBUTES and "}" not in key and _safe_value(value):
            out.set(local, value)
    if name in ("title", "text"):
        raw = "".join(element.itertext())
        out.text = titles.get(raw.replace("&#45;", "-"), raw) if name == "title" else raw
        return out
    for child in element:
        if _local(child.tag) in ELEMENTS:
            out.append(_copy(child, titles))
        # anything else (script, a, foreignObject, image, style, use, ...) is dropped whole
    return out
