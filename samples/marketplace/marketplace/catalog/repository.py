from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.catalog.models import CategoryRow, ProductRow


class ProductRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, product_id: str, *, for_update: bool = False) -> ProductRow | None:
        stmt = select(ProductRow).where(ProductRow.id == product_id)
        if for_update:
            stmt = stmt.with_for_update()
        return self.session.scalar(stmt)

    def get_many(self, product_ids: list[str]) -> list[ProductRow]:
        if not product_ids:
            return []
        return list(self.session.scalars(select(ProductRow).where(ProductRow.id.in_(product_ids))))

    def add(self, row: ProductRow) -> ProductRow:
        self.session.add(row)
        self.session.flush()
        return row

    def published_since(self, since: datetime | None, limit: int, after_id: str = "") -> list[ProductRow]:
        stmt = select(ProductRow).where(ProductRow.status == "published", ProductRow.id > after_id)
        if since is not None:
            stmt = stmt.where(ProductRow.updated_at >= since)
        return list(self.session.scalars(stmt.order_by(ProductRow.id).limit(limit)))

    def category(self, category_id: str) -> CategoryRow | None:
        return self.session.get(CategoryRow, category_id)

    def category_path(self, category_id: str | None) -> list[str]:
        """Names from the root category down to ``category_id``."""
        names: list[str] = []
        seen: set[str] = set()
        while category_id and category_id not in seen:
            seen.add(category_id)
            row = self.category(category_id)
            if row is None:
                break
            names.append(row.name)
            category_id = row.parent_id
        return list(reversed(names))
