from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from crm.models.deals import Deal, DealStage
from crm.repositories.base import Repository

OPEN_STAGES = [s for s in DealStage if not s.is_closed]


class DealRepository(Repository[Deal]):
    model = Deal

    def with_activities(self, deal_id: int) -> Deal | None:
        return self.session.get(Deal, deal_id, options=[selectinload(Deal.activities)])

    def search(self, stage: DealStage | None, owner_email: str | None, company_id: int | None,
               limit: int, offset: int) -> tuple[Sequence[Deal], int]:
        stmt = select(Deal).order_by(Deal.last_activity_at.desc())
        if stage is not None:
            stmt = stmt.where(Deal.stage == stage)
        if owner_email:
            stmt = stmt.where(Deal.owner_email == owner_email.lower())
        if company_id is not None:
            stmt = stmt.where(Deal.company_id == company_id)
        return self.page(stmt, limit, offset)

    def totals_by_stage(self) -> list[tuple[DealStage, int, int]]:
        stmt = (select(Deal.stage, func.count(Deal.id), func.coalesce(func.sum(Deal.amount_cents), 0))
                .group_by(Deal.stage))
        return [(stage, count, amount) for stage, count, amount in self.session.execute(stmt)]

    def open_for_company(self, company_id: int) -> Sequence[Deal]:
        stmt = select(Deal).where(Deal.company_id == company_id, Deal.stage.in_(OPEN_STAGES))
        return self.session.scalars(stmt).all()

    def won_amount_for_company(self, company_id: int) -> int:
        stmt = select(func.coalesce(func.sum(Deal.amount_cents), 0)).where(
            Deal.company_id == company_id, Deal.stage == DealStage.WON)
        return self.session.scalar(stmt) or 0

    def stale(self, inactive_since: datetime) -> Sequence[Deal]:
        stmt = (select(Deal)
                .where(Deal.stage.in_(OPEN_STAGES), Deal.last_activity_at < inactive_since)
                .order_by(Deal.owner_email, Deal.last_activity_at))
        return self.session.scalars(stmt).all()
