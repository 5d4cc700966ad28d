"""Public interface of search."""

from __future__ import annotations

from marketplace.search import service, subscribers
from marketplace.search.contracts import SearchHit, SearchPage, SearchQuery
from marketplace.shared.events import EventBus


def search(query: SearchQuery) -> SearchPage:
    return service.search(query)


def suggest(prefix: str) -> list[str]:
    return service.suggest(prefix)


def install(events: EventBus) -> None:
    subscribers.install(events)


__all__ = ["SearchHit", "SearchPage", "SearchQuery", "search", "suggest", "install"]
