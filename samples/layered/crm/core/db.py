"""Engine and session factory (SQLAlchemy 2.0), shared by the API and the Celery worker."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from crm.core.config import get_settings

SessionLocal = sessionmaker(autoflush=False, expire_on_commit=False)
_engine: Engine | None = None


def make_engine(url: str, echo: bool = False) -> Engine:
    if url.startswith("sqlite"):
        # Tests: one shared in-memory connection across threads (TestClient runs in a thread).
        return create_engine(url, echo=echo, connect_args={"check_same_thread": False},
                             poolclass=StaticPool)
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=5, max_overflow=10,
                         connect_args={"connect_timeout": 5})


def configure(url: str | None = None, echo: bool | None = None) -> Engine:
    """Bind the session factory to an engine; called once per process (app, worker, tests)."""
    global _engine
    settings = get_settings()
    _engine = make_engine(url or settings.database_url,
                          settings.database_echo if echo is None else echo)
    SessionLocal.configure(bind=_engine)
    return _engine


def engine() -> Engine:
    return _engine if _engine is not None else configure()


def create_all() -> None:
    """Create missing tables (development and tests; production runs Alembic)."""
    from crm.models import Base  # noqa: PLC0415 - registers every table on the metadata

    Base.metadata.create_all(engine())


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session for one unit of work outside a request (Celery tasks, scripts)."""
    engine()
    session = SessionLocal()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
