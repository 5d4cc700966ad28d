from __future__ import annotations

import pytest

from crm.core.errors import InvalidState
from crm.models.deals import DealStage
from crm.schemas.contacts import CompanyCreate
from crm.schemas.deals import DealCreate, NoteCreate, StageChange
from crm.services import contacts as contacts_service
from crm.services import deals as deals_service

SELLER = "lena@ledgerline.example"


@pytest.fixture()
def deal(session, acme, jane):
    return deals_service.create_deal(session, DealCreate(
        title="Fleet tracking rollout", company_id=acme.id, contact_id=jane.id,
        owner_email="Lena@Ledgerline.example", amount_cents=48_000_00))


def test_new_deal_is_a_lead_owned_in_lower_case(deal):
    assert deal.stage is DealStage.LEAD
    assert deal.owner_email == SELLER
    assert deal.weighted_amount_cents == 4_800_00


def test_contact_must_belong_to_the_company(session, jane):
    other = contacts_service.create_company(session, CompanyCreate(name="Other GmbH"))
    with pytest.raises(InvalidState):
        deals_service.create_deal(session, DealCreate(
            title="x", company_id=other.id, contact_id=jane.id, owner_email=SELLER,
            amount_cents=1))


def test_stages_follow_the_pipeline(session, deal):
    with pytest.raises(InvalidState):
        deals_service.change_stage(session, deal.id, StageChange(stage=DealStage.WON), SELLER)
    for stage in (DealStage.QUALIFIED, DealStage.PROPOSAL, DealStage.WON):
        deal = deals_service.change_stage(session, deal.id, StageChange(stage=stage), SELLER)
    assert deal.closed_at is not None and deal.probability_percent == 100
    assert [a.to_stage for a in deal.activities] == [DealStage.QUALIFIED, DealStage.PROPOSAL,
                                                     DealStage.WON]


def test_losing_needs_a_reason(session, deal):
    with pytest.raises(InvalidState):
        deals_service.change_stage(session, deal.id, StageChange(stage=DealStage.LOST), SELLER)
    lost = deals_service.change_stage(session, deal.id, StageChange(
        stage=DealStage.LOST, lost_reason="budget frozen"), SELLER)
    assert lost.lost_reason == "budget frozen"


def test_calls_count_as_contact_activity(session, deal, jane):
    jane.last_activity_at = None
    deals_service.add_note(session, deal.id, NoteCreate(kind="call", note="intro call"), SELLER)
    assert jane.last_activity_at is not None


def test_pipeline_api_lists_every_stage(client, deal):
    rows = client.get("/api/v1/deals/pipeline").json()
    assert [r["stage"] for r in rows] == [s.value for s in DealStage]
    assert rows[0]["deals"] == 1 and rows[0]["weighted_cents"] == 4_800_00
