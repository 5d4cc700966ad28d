from datetime import datetime, timedelta, timezone

import numpy as np

from marketplace.search.ranking import HALF_LIFE_DAYS, decay, embed, rerank


def test_decay_halves_after_half_life():
    now = datetime(2024, 6, 1, tzinfo=timezone.utc)
    assert decay(10.0, now - timedelta(days=HALF_LIFE_DAYS), now) == 5.0
    assert decay(10.0, now + timedelta(days=1), now) == 10.0  # clock skew


def test_embeddings_are_unit_length():
    vectors = embed(["red running shoes", "", "blue kettle"])
    norms = np.linalg.norm(vectors, axis=1)
    assert np.allclose(norms[[0, 2]], 1.0) and norms[1] == 0


def test_popularity_breaks_text_ties():
    order = rerank("kettle", ["steel kettle", "glass kettle"], [5.0, 5.0], [0.0, 40.0])
    assert list(order) == [1, 0]


def test_text_relevance_dominates():
    order = rerank("kettle", ["kettle", "kettle descaler"], [12.0, 2.0], [0.0, 3.0])
    assert list(order) == [0, 1]
