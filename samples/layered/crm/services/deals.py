"""The sales pipeline: creating deals, moving them through stages, forecasting."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from crm.core.errors import InvalidState, NotFound
from crm.models.base import utcnow
from crm.models.deals import Deal, DealActivity, DealStage
from crm.repositories.deals import DealRepository
from crm.schemas.deals import DealCreate, NoteCreate, PipelineStage, StageChange
from crm.services import contacts as contacts_service

PROBABILITY = {
    DealStage.LEAD: 10,
    DealStage.QUALIFIED: 25,
    DealStage.PROPOSAL: 50,
    DealStage.NEGOTIATION: 75,
    DealStage.WON: 100,
    DealStage.LOST: 0,
}
# stages a deal may move to from each stage (reopening a lost deal sends it back to qualified)
ALLOWED = {
    DealStage.LEAD: {DealStage.QUALIFIED, DealStage.LOST},
    DealStage.QUALIFIED: {DealStage.PROPOSAL, DealStage.LOST},
    DealStage.PROPOSAL: {DealStage.NEGOTIATION, DealStage.WON, DealStage.LOST},
    DealStage.NEGOTIATION: {DealStage.PROPOSAL, DealStage.WON, DealStage.LOST},
    DealStage.LOST: {DealStage.QUALIFIED},
    DealStage.WON: set(),
}


def create_deal(session: Session, data: DealCreate) -> Deal:
    company = contacts_service.require_company(session, data.company_id)
    if data.contact_id is not None:
        contact = contacts_service.require_contact(session, data.contact_id)
        if contact.company_id != company.id:
            raise InvalidState(f"contact {contact.id} does not work at {company.name}")
    deal = DealRepository(session).add(Deal(
        **data.model_dump(exclude={"owner_email"}),
        owner_email=data.owner_email.lower(),
        probability_percent=PROBABILITY[DealStage.LEAD],
    ))
    contacts_service.touch(session, data.contact_id)
    session.commit()
    return deal


def require_deal(session: Session, deal_id: int) -> Deal:
    deal = DealRepository(session).with_activities(deal_id)
    if deal is None:
        raise NotFound("deal", deal_id)
    return deal


def search_deals(session: Session, stage: DealStage | None, owner_email: str | None,
                 company_id: int | None, limit: int, offset: int) -> tuple[Sequence[Deal], int]:
    return DealRepository(session).search(stage, owner_email, company_id, limit, offset)


def change_stage(session: Session, deal_id: int, change: StageChange, author_email: str) -> Deal:
    deal = require_deal(session, deal_id)
    if change.stage == deal.stage:
        return deal
    if change.stage not in ALLOWED[deal.stage]:
        raise InvalidState(f"a {deal.stage.value} deal cannot move to {change.stage.value}")
    if change.stage is DealStage.WON and deal.amount_cents <= 0:
        raise InvalidState("a deal must have an amount before it is won")
    if change.stage is DealStage.LOST and not change.lost_reason:
        raise InvalidState("tell us why the deal was lost")

    now = utcnow()
    deal.activities.append(DealActivity(kind="stage", from_stage=deal.stage, to_stage=change.stage,
                                        note=change.note, author_email=author_email, at=now))
    deal.stage = change.stage
    deal.probability_percent = PROBABILITY[change.stage]
    deal.closed_at = now if change.stage.is_closed else None
    deal.lost_reason = change.lost_reason if change.stage is DealStage.LOST else None
    deal.last_activity_at = now
    contacts_service.touch(session, deal.contact_id, now)
    session.commit()
    return deal


def add_note(session: Session, deal_id: int, data: NoteCreate, author_email: str) -> Deal:
    deal = require_deal(session, deal_id)
    now = utcnow()
    deal.activities.append(DealActivity(kind=data.kind, note=data.note, author_email=author_email,
                                        at=now))
    deal.last_activity_at = now
    if data.kind in ("call", "meeting"):
        contacts_service.touch(session, deal.contact_id, now)
    session.commit()
    return deal


def pipeline(session: Session) -> list[PipelineStage]:
    totals = {stage: (count, amount) for stage, count, amount
              in DealRepository(session).totals_by_stage()}
    rows = []
    for stage in DealStage:
        count, amount = totals.get(stage, (0, 0))
        rows.append(PipelineStage(stage=stage, deals=count, amount_cents=amount,
                                  weighted_cents=amount * PROBABILITY[stage] // 100))
    return rows


def pipeline_for_company(session: Session, company_id: int) -> tuple[int, int, int]:
    """(open deals, weighted open amount, won amount) for one company."""
    repo = DealRepository(session)
    open_deals = repo.open_for_company(company_id)
    weighted = sum(d.weighted_amount_cents for d in open_deals)
    return len(open_deals), weighted, repo.won_amount_for_company(company_id)


def stale_deals_by_owner(session: Session, now: datetime, days: int) -> dict[str, list[Deal]]:
    grouped: dict[str, list[Deal]] = defaultdict(list)
    for deal in DealRepository(session).stale(now - timedelta(days=days)):
        grouped[deal.owner_email].append(deal)
    return dict(grouped)
