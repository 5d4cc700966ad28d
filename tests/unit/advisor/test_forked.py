"""advisor.forked: the same results as computing in this process, whatever happens to a copy."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from advisor.forked import fork_map

needs_fork = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks on Linux")


def square_and_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


@needs_fork
def test_items_are_shared_among_copies_and_come_back_in_order():
    out = fork_map(square_and_pid, list(range(9)), jobs=3)
    assert [v for v, _ in out] == [x * x for x in range(9)]
    assert len({pid for _, pid in out}) == 3  # this process and two copies
    assert out[0][1] == os.getpid()


@needs_fork
def test_a_copy_that_fails_is_computed_here_instead():
    parent = os.getpid()

    def fragile(x: int) -> int:
        if os.getpid() != parent:
            raise RuntimeError("a copy fails")
        return x + 1

    assert fork_map(fragile, [1, 2, 3, 4], jobs=2) == [2, 3, 4, 5]


@needs_fork
def test_a_copy_killed_midway_is_computed_here_instead():
    parent = os.getpid()

    def dies(x: int) -> int:
        if os.getpid() != parent:
            os._exit(9)
        return -x

    assert fork_map(dies, [1, 2, 3], jobs=3) == [-1, -2, -3]


def test_no_copy_while_another_thread_runs():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        out = fork_map(square_and_pid, [1, 2, 3, 4], jobs=4)
    finally:
        stop.set()
        other.join()
    assert {pid for _, pid in out} == {os.getpid()}
    assert [v for v, _ in out] == [1, 4, 9, 16]
