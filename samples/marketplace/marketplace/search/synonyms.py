"""Query-side synonym expansion and a tiny spelling corrector for frequent typos."""

from __future__ import annotations

SYNONYMS: dict[str, tuple[str, ...]] = {
    "laptop": ("notebook",),
    "notebook": ("laptop",),
    "tv": ("television",),
    "sneakers": ("trainers", "running shoes"),
    "trainers": ("sneakers",),
    "sofa": ("couch",),
    "couch": ("sofa",),
    "phone": ("smartphone", "mobile"),
    "headphones": ("earphones", "headset"),
}

CORRECTIONS: dict[str, str] = {
    "iphnoe": "iphone",
    "labtop": "laptop",
    "hedphones": "headphones",
    "televison": "television",
}

MAX_EXPANSIONS = 6


def correct(text: str) -> str | None:
    """Return the corrected query, or None when nothing was corrected."""
    words = text.lower().split()
    fixed = [CORRECTIONS.get(w, w) for w in words]
    return " ".join(fixed) if fixed != words else None


def expand(text: str) -> list[str]:
    """The query's terms followed by their synonyms, without duplicates, capped."""
    terms = text.lower().split()
    out = list(dict.fromkeys(terms))
    for term in terms:
        for synonym in SYNONYMS.get(term, ()):
            if synonym not in out and len(out) < len(terms) + MAX_EXPANSIONS:
                out.append(synonym)
    return out
