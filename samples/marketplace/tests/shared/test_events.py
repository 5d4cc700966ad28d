from dataclasses import dataclass

from marketplace.shared.events import Event, EventBus
from marketplace.shared.ids import new_id, prefix_of


@dataclass(frozen=True, kw_only=True)
class Pinged(Event):
    n: int


@dataclass(frozen=True, kw_only=True)
class LoudPinged(Pinged):
    pass


def test_failing_handler_does_not_block_others():
    bus, seen = EventBus(), []

    def broken(event):
        raise RuntimeError("boom")

    bus.subscribe(Pinged, broken)
    bus.subscribe(Pinged, lambda e: seen.append(e.n))
    assert bus.publish(Pinged(n=1)) == 1
    assert seen == [1]
    assert bus.failures[0][1].endswith("broken")


def test_subclass_events_reach_base_subscribers():
    bus, seen = EventBus(), []
    bus.subscribe(Pinged, lambda e: seen.append(e.name))
    bus.publish(LoudPinged(n=2))
    assert seen == ["LoudPinged"]


def test_ids_are_prefixed_and_sortable():
    early = new_id("ord", now_ms=1_700_000_000_000, entropy=bytes(10))
    late = new_id("ord", now_ms=1_700_000_000_001, entropy=bytes(10))
    assert prefix_of(early) == "ord"
    assert early < late
