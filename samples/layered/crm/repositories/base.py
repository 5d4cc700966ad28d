"""A small generic repository over one mapped class."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from crm.models.base import Base

ModelT = TypeVar("ModelT", bound=Base)


class Repository(Generic[ModelT]):
    model: type[ModelT]

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, key: Any) -> ModelT | None:
        return self.session.get(self.model, key)

    def add(self, obj: ModelT) -> ModelT:
        self.session.add(obj)
        self.session.flush()
        return obj

    def delete(self, obj: ModelT) -> None:
        self.session.delete(obj)
        self.session.flush()

    def page(self, stmt: Select, limit: int, offset: int) -> tuple[Sequence[ModelT], int]:
        total = self.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
        rows = self.session.scalars(stmt.limit(limit).offset(offset)).all()
        return rows, total or 0
