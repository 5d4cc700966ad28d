from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import StaticPool

os.environ.setdefault("DATABASE_URL", "sqlite://")
os.environ.setdefault("CELERY_BROKER_URL", "memory://")

from marketplace.shared.events import EventBus  # noqa: E402


@pytest.fixture()
def make_sessions():
    """Session factory on a fresh in-memory database holding one domain's tables."""
    engines = []

    def factory(base):
        engine = create_engine("sqlite://", poolclass=StaticPool,
                               connect_args={"check_same_thread": False})
        base.metadata.create_all(engine)
        engines.append(engine)
        return sessionmaker(bind=engine, expire_on_commit=False)

    yield factory
    for engine in engines:
        engine.dispose()


@pytest.fixture()
def events():
    recorded = []
    event_bus = EventBus()
    event_bus.recorded = recorded
    original = event_bus.publish

    def publish(event):
        recorded.append(event)
        return original(event)

    event_bus.publish = publish
    return event_bus
