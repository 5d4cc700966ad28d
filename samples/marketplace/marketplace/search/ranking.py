"""Re-ranking of Elasticsearch hits with popularity and title similarity (numpy)."""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timezone

import numpy as np

HALF_LIFE_DAYS = 14.0
EMBEDDING_DIM = 256
WEIGHTS = np.array([0.65, 0.25, 0.10])  # text relevance, popularity, title similarity


def decay(units: float, last_at: datetime, now: datetime | None = None) -> float:
    """Exponentially decayed popularity: halves every HALF_LIFE_DAYS."""
    now = now or datetime.now(timezone.utc)
    days = max((now - last_at).total_seconds() / 86400.0, 0.0)
    return units * math.pow(0.5, days / HALF_LIFE_DAYS)


def _normalise(values: np.ndarray) -> np.ndarray:
    if values.size == 0:
        return values
    spread = values.max() - values.min()
    if spread <= 1e-12:
        return np.ones_like(values)
    return (values - values.min()) / spread


def embed(texts: list[str], dim: int = EMBEDDING_DIM) -> np.ndarray:
    """Feature-hashed bag of words and character trigrams, L2-normalised."""
    matrix = np.zeros((len(texts), dim), dtype=np.float32)
    for row, text in enumerate(texts):
        tokens = text.lower().split()
        grams = tokens + [t[i:i + 3] for t in tokens for i in range(max(len(t) - 2, 0))]
        for gram in grams:
            digest = hashlib.blake2b(gram.encode(), digest_size=8).digest()
            bucket = int.from_bytes(digest[:4], "little") % dim
            sign = 1.0 if digest[4] & 1 else -1.0
            matrix[row, bucket] += sign
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def rerank(query: str, titles: list[str], text_scores: list[float],
           popularity: list[float], weights: np.ndarray = WEIGHTS) -> np.ndarray:
    """Return hit indices in the new order. Stable for equal scores."""
    if not titles:
        return np.array([], dtype=int)
    text = _normalise(np.asarray(text_scores, dtype=np.float64))
    pop = _normalise(np.log1p(np.asarray(popularity, dtype=np.float64)))
    similarity = embed(titles) @ embed([query])[0]
    features = np.vstack([text, pop, np.clip(similarity, 0, 1)])
    combined = weights @ features
    return np.argsort(-combined, kind="stable")

