"""Engine and session plumbing. Each domain declares its own ``Base`` and owns its tables."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from marketplace.settings import get_settings


@lru_cache(maxsize=4)
def engine_for(url: str | None = None) -> Engine:
    settings = get_settings()
    return create_engine(
        url or settings.database_url,
        pool_size=settings.db_pool_size,
        pool_pre_ping=True,
        pool_recycle=1800,
        connect_args={"options": f"-c statement_timeout={settings.db_statement_timeout_ms}"}
        if (url or settings.database_url).startswith("postgresql")
        else {},
    )


def session_factory(engine: Engine | None = None) -> sessionmaker[Session]:
    return sessionmaker(bind=engine or engine_for(), expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session] | None = None) -> Iterator[Session]:
    session = (factory or session_factory())()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
