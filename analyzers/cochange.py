"""Co-change counting in bounded memory: how many commits changed each pair of files.

The exact table grows with the square of the files a history touches: 20,000 commits of 50
random files out of 4,000 make 6.5 million distinct pairs (2 GB and minutes in CPython), almost
all seen once or twice. Two bounds keep it linear in the commits read:

* Large commits (more files than ``max_files_per_commit``, 30 by default, the changeset size
  code-maat ignores by default) are mass edits, renames or vendoring, not coupling: they count
  for churn elsewhere and are left out here. A commit adds at most 30*29/2 = 435 pairs.
* The table holds at most ``max_pairs`` distinct pairs (lossy counting, after Manku and Motwani,
  2002). When it overflows, the pairs seen least are dropped until half the room is free, and
  the ``error`` bound rises to the largest count dropped. A pair first seen after a drop
  carries that bound as its own possible loss, so a drop never removes a pair whose count
  could exceed the bound. Hence, at the end, for every pair:
  ``counted <= true commits <= counted + error``; any pair changed together in more than
  ``error`` commits is in the table. Until the first overflow ``error`` is 0 and counts are
  exact, which is the case for ordinary histories (a 10,000-commit history of small commits
  makes tens of thousands of pairs). Past it, ``error`` grows with the pairs added: measured
  at about (pairs added) / max_pairs, e.g. 10,000 commits of 30 random files (4.35 million
  pairs added) end with error 21 for 200,000 pairs held. Each drop costs O(max_pairs) and
  frees max_pairs/2 slots, so the total work stays linear in the pairs added.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import combinations

DEFAULT_MAX_PAIRS = 200_000  # about 22 MB of pairs in CPython 3.11, plus half as many losses

Pair = tuple[str, str]


class PairCounter:
    """Commits per pair of paths, at most ``max_pairs`` pairs held; see the module docstring."""

    def __init__(self, max_pairs: int = DEFAULT_MAX_PAIRS) -> None:
        self.max_pairs = max(2, max_pairs)
        self.counts: Counter[Pair] = Counter()
        self.error = 0  # any count may be low by at most this much
        self._loss: dict[Pair, int] = {}  # possible loss of each pair held at the last drop

    def add(self, paths: Sequence[str]) -> None:
        """Count one commit that changed ``paths`` (sorted, distinct)."""
        self.counts.update(combinations(paths, 2))
        if len(self.counts) > self.max_pairs:
            self._drop()

    def _drop(self) -> None:
        loss, default = self._loss, self.error  # pairs new since the last drop may have lost it
        bound = Counter(n + loss.get(p, default) for p, n in self.counts.items())
        keep = self.max_pairs // 2
        above = sum(k for v, k in bound.items() if v > self.error)
        floor = self.error
        for value in sorted(bound):
            if value <= floor:
                continue
            if above <= keep:
                break
            floor, above = value, above - bound[value]
        kept: Counter[Pair] = Counter()
        new_loss: dict[Pair, int] = {}
        for pair, n in self.counts.items():
            lost = loss.get(pair, default)
            if n + lost > floor:
                kept[pair] = n
                new_loss[pair] = lost
        self.counts, self._loss, self.error = kept, new_loss, floor

    def most_common(self, min_count: int = 2) -> list[tuple[str, str, int]]:
        """(path_a, path_b, count) with at least ``min_count``, most first, then by paths."""
        ranked = sorted((-n, a, b) for (a, b), n in self.counts.items() if n >= min_count)
        return [(a, b, -n) for n, a, b in ranked]
