"""Dependencies every router uses: a database session per request, the caller, paging."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Query, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from crm.core import db
from crm.core.config import Settings, get_settings
from crm.core.security import Principal, authenticate

bearer = HTTPBearer(auto_error=False)


def get_session() -> Iterator[Session]:
    db.engine()
    session = db.SessionLocal()
    try:
        yield session
    finally:
        session.close()


def get_principal(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> Principal:
    principal = authenticate(settings, credentials.credentials) if credentials else None
    if principal is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or missing API key",
                            headers={"WWW-Authenticate": "Bearer"})
    return principal


def require(scope: str):
    def check(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if not principal.can(scope):
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"API key lacks scope {scope!r}")
        return principal
    return check


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int


def paging(limit: Annotated[int, Query(ge=1, le=200)] = 50,
           offset: Annotated[int, Query(ge=0)] = 0) -> Paging:
    return Paging(limit, offset)


SessionDep = Annotated[Session, Depends(get_session)]
PagingDep = Annotated[Paging, Depends(paging)]
