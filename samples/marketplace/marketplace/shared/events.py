"""In-process domain events.

Publishers call ``bus.publish(event)`` after their transaction commits; subscribers register in
their domain's ``api.install(bus)``. Handlers that must not slow the request down hand work to a
Celery task themselves (search does this for indexing).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from marketplace.shared.ids import new_id

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class Event:
    event_id: str = field(default_factory=lambda: new_id("evt"))
    occurred_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def name(self) -> str:
        return type(self).__name__


Handler = Callable[[Event], None]


class EventBus:
    def __init__(self) -> None:
        self._handlers: dict[type[Event], list[Handler]] = defaultdict(list)
        self.failures: list[tuple[str, str, str]] = []

    def subscribe(self, event_type: type[Event], handler: Handler) -> None:
        if handler not in self._handlers[event_type]:
            self._handlers[event_type].append(handler)

    def handlers_for(self, event: Event) -> list[Handler]:
        found: list[Handler] = []
        for event_type in type(event).__mro__:
            found.extend(self._handlers.get(event_type, []))
        return found

    def publish(self, event: Event) -> int:
        """Deliver to every handler; one failing handler does not stop the others."""
        delivered = 0
        for handler in self.handlers_for(event):
            try:
                handler(event)
                delivered += 1
            except Exception as exc:  # noqa: BLE001 - isolate subscribers from each other
                log.exception("handler %s failed for %s", handler.__qualname__, event.name)
                self.failures.append((event.event_id, handler.__qualname__, repr(exc)))
        return delivered

    def clear(self) -> None:
        self._handlers.clear()
        self.failures.clear()


bus = EventBus()
