"""Database engine and session handling (SQLAlchemy 2.0 style)."""

from __future__ import annotations

from sqlalchemy import create_engine
from sqlalchemy.orm import DeclarativeBase, scoped_session, sessionmaker
from sqlalchemy.pool import StaticPool


class Base(DeclarativeBase):
    pass


SessionLocal = scoped_session(sessionmaker(autoflush=False, expire_on_commit=False))


def init_db(url: str, echo: bool = False) -> None:
    """Bind the session factory to a new engine and create missing tables."""
    kwargs = {"echo": echo, "future": True}
    if url.startswith("sqlite") and ":memory:" in url:
        # One shared connection, otherwise every session sees its own empty database.
        kwargs["connect_args"] = {"check_same_thread": False}
        kwargs["poolclass"] = StaticPool
    engine = create_engine(url, **kwargs)
    SessionLocal.remove()
    SessionLocal.configure(bind=engine)

    from bookshop import models  # noqa: F401 - registers the tables on Base.metadata

    Base.metadata.create_all(engine)


def shutdown_session(exception: BaseException | None = None) -> None:
    if exception is not None:
        SessionLocal.rollback()
    SessionLocal.remove()
