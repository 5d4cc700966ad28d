from __future__ import annotations

from datetime import timedelta

import pytest

from crm.core.errors import Conflict, InvalidState
from crm.models.base import utcnow
from crm.schemas.contacts import CompanyCreate, ContactCreate
from crm.services import contacts as contacts_service


def test_emails_are_stored_lower_case_and_unique(session, jane):
    assert jane.email == "jane.doe@acme.example"
    with pytest.raises(Conflict):
        contacts_service.create_contact(session, ContactCreate(
            first_name="J", email="JANE.DOE@acme.example"))


def test_company_domain_is_normalised_and_unique(session, acme):
    assert acme.domain == "acme.example"
    with pytest.raises(Conflict):
        contacts_service.create_company(session, CompanyCreate(name="Acme 2",
                                                               domain="www.ACME.example"))


def test_billing_contact_must_work_at_the_company(session, acme):
    with pytest.raises(InvalidState):
        contacts_service.create_contact(session, ContactCreate(
            first_name="Max", email="max@gmail.example", company_id=acme.id,
            is_billing_contact=True))


def test_billing_recipient_falls_back_to_first_contact(session, acme):
    bob = contacts_service.create_contact(session, ContactCreate(
        first_name="Bob", last_name="Stone", email="bob@acme.example", company_id=acme.id))
    assert contacts_service.billing_recipient(session, acme.id).id == bob.id


def test_touch_wakes_a_dormant_contact(session, jane):
    jane.dormant = True
    contacts_service.touch(session, jane.id)
    assert jane.dormant is False and jane.last_activity_at is not None


def test_mark_dormant_skips_recent_contacts(session, jane):
    assert contacts_service.mark_dormant_contacts(session, utcnow(), after_days=180) == 0
    later = utcnow() + timedelta(days=400)
    assert contacts_service.mark_dormant_contacts(session, later, after_days=180) == 1


def test_contacts_api_requires_scope(client):
    response = client.get("/api/v1/contacts", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    created = client.post("/api/v1/contacts", json={"first_name": "Ann", "email": "ann@x.example"})
    assert created.status_code == 201
    listed = client.get("/api/v1/contacts", params={"q": "ann"}).json()
    assert listed["total"] == 1 and listed["items"][0]["email"] == "ann@x.example"
