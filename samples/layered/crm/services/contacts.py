"""Companies and contacts: creation, de-duplication by e-mail, activity, account overview."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from crm.core.errors import Conflict, InvalidState, NotFound
from crm.models.base import utcnow
from crm.models.contacts import Company, Contact
from crm.repositories.contacts import CompanyRepository, ContactRepository
from crm.schemas.contacts import (
    AccountSummary,
    CompanyCreate,
    CompanyRead,
    ContactCreate,
    ContactUpdate,
)


def create_company(session: Session, data: CompanyCreate) -> Company:
    companies = CompanyRepository(session)
    domain = data.domain.lower().removeprefix("www.") if data.domain else None
    if domain and companies.by_domain(domain):
        raise Conflict(f"a company with domain {domain} already exists")
    company = companies.add(Company(**data.model_dump(exclude={"domain"}), domain=domain))
    session.commit()
    return company


def require_company(session: Session, company_id: int) -> Company:
    company = CompanyRepository(session).get(company_id)
    if company is None:
        raise NotFound("company", company_id)
    return company


def search_companies(session: Session, query: str | None, limit: int,
                     offset: int) -> tuple[Sequence[Company], int]:
    return CompanyRepository(session).search(query, limit, offset)


def create_contact(session: Session, data: ContactCreate) -> Contact:
    contacts = ContactRepository(session)
    email = data.email.lower()
    if contacts.by_email(email):
        raise Conflict(f"a contact with e-mail {email} already exists")
    if data.company_id is not None:
        company = require_company(session, data.company_id)
        if company.domain and not email.endswith("@" + company.domain):
            # Freelancers and agencies use other domains; we only warn in the UI, but a
            # billing contact must be someone at the company.
            if data.is_billing_contact:
                raise InvalidState(f"billing contact must have an @{company.domain} address")
    contact = contacts.add(Contact(**data.model_dump(exclude={"email"}), email=email))
    session.commit()
    return contact


def update_contact(session: Session, contact_id: int, data: ContactUpdate) -> Contact:
    contact = require_contact(session, contact_id)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("company_id") is not None:
        require_company(session, changes["company_id"])
    for field, value in changes.items():
        setattr(contact, field, value)
    session.commit()
    return contact


def require_contact(session: Session, contact_id: int) -> Contact:
    contact = ContactRepository(session).get(contact_id)
    if contact is None:
        raise NotFound("contact", contact_id)
    return contact


def find_by_email(session: Session, email: str) -> Contact | None:
    return ContactRepository(session).by_email(email)


def search_contacts(session: Session, query: str | None, company_id: int | None, limit: int,
                    offset: int) -> tuple[Sequence[Contact], int]:
    return ContactRepository(session).search(query, company_id, limit, offset)


def touch(session: Session, contact_id: int | None, when: datetime | None = None) -> None:
    """Record that we talked to this contact (a deal moved, a ticket came in)."""
    if contact_id is None:
        return
    contact = require_contact(session, contact_id)
    contact.last_activity_at = when or utcnow()
    contact.dormant = False


def billing_recipient(session: Session, company_id: int) -> Contact | None:
    """Who receives invoices: the billing contact, else the company's first contact."""
    contacts = ContactRepository(session)
    found = contacts.billing_contact(company_id)
    if found is not None:
        return found
    company = require_company(session, company_id)
    return company.contacts[0] if company.contacts else None


def account_summary(session: Session, company_id: int) -> AccountSummary:
    """One screen for account managers: people, pipeline, money owed."""
    # imported here: both services import this module at load time
    from crm.services import deals as deals_service
    from crm.services import invoicing as invoicing_service

    company = require_company(session, company_id)
    open_deals, pipeline_cents, won_cents = deals_service.pipeline_for_company(session, company_id)
    outstanding_cents, overdue = invoicing_service.outstanding_for_company(session, company_id)
    return AccountSummary(
        company=CompanyRead.model_validate(company),
        contacts=ContactRepository(session).count_for_company(company_id),
        open_deals=open_deals,
        pipeline_cents=pipeline_cents,
        won_cents=won_cents,
        outstanding_cents=outstanding_cents,
        overdue_invoices=overdue,
    )


def mark_dormant_contacts(session: Session, now: datetime, after_days: int) -> int:
    count = ContactRepository(session).mark_dormant(now - timedelta(days=after_days))
    session.commit()
    return count
