"""The dependency graph as a Mermaid flowchart (for Markdown pages that render Mermaid, such as
GitHub's). Node ids are synthetic (``n0``, ``n1``); names appear only in quoted labels, where
every character that could end the label or start markup is written as a Mermaid entity."""

from __future__ import annotations

from reports.terminal import printable

_ENTITIES = {'"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "#": "#35;", "`": "#96;",
             "|": "#124;", "[": "#91;", "]": "#93;", "{": "#123;", "}": "#125;"}


def label(text: str) -> str:
    """``text`` as the inside of a quoted Mermaid label: one line, no markup."""
    return "".join(_ENTITIES.get(c, c) for c in " ".join(printable(text).split()))


def to_mermaid(document: dict) -> str:
    ids = {n["id"]: f"n{i}" for i, n in enumerate(document["nodes"])}
    lines = ["flowchart LR"]
    lines += [f'    {ids[n["id"]]}["{label(n["id"])}"]' for n in document["nodes"]]
    for e in document["edges"]:
        if e["source"] in ids and e["target"] in ids:
            weight = e.get("weight", 0)
            text = f"{weight:g}" if isinstance(weight, (int, float)) else ""
            lines.append(f'    {ids[e["source"]]} -->|"{label(text)}"| {ids[e["target"]]}')
    return "\n".join(lines) + "\n"
