from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select, update

from crm.models.contacts import Company, Contact
from crm.repositories.base import Repository


class CompanyRepository(Repository[Company]):
    model = Company

    def by_domain(self, domain: str) -> Company | None:
        return self.session.scalar(select(Company).where(Company.domain == domain.lower()))

    def search(self, query: str | None, limit: int, offset: int) -> tuple[Sequence[Company], int]:
        stmt = select(Company).order_by(Company.name)
        if query:
            stmt = stmt.where(Company.name.ilike(f"%{query}%"))
        return self.page(stmt, limit, offset)


class ContactRepository(Repository[Contact]):
    model = Contact

    def by_email(self, email: str) -> Contact | None:
        return self.session.scalar(select(Contact).where(Contact.email == email.lower()))

    def search(self, query: str | None, company_id: int | None, limit: int,
               offset: int) -> tuple[Sequence[Contact], int]:
        stmt = select(Contact).order_by(Contact.last_name, Contact.first_name)
        if query:
            like = f"%{query}%"
            stmt = stmt.where(or_(Contact.first_name.ilike(like), Contact.last_name.ilike(like),
                                  Contact.email.ilike(like)))
        if company_id is not None:
            stmt = stmt.where(Contact.company_id == company_id)
        return self.page(stmt, limit, offset)

    def billing_contact(self, company_id: int) -> Contact | None:
        stmt = (select(Contact)
                .where(Contact.company_id == company_id, Contact.is_billing_contact.is_(True))
                .order_by(Contact.id))
        return self.session.scalars(stmt).first()

    def count_for_company(self, company_id: int) -> int:
        stmt = select(func.count(Contact.id)).where(Contact.company_id == company_id)
        return self.session.scalar(stmt) or 0

    def mark_dormant(self, inactive_since: datetime) -> int:
        stmt = (update(Contact)
                .where(Contact.dormant.is_(False),
                       or_(Contact.last_activity_at.is_(None),
                           Contact.last_activity_at < inactive_since),
                       Contact.created_at < inactive_since)
                .values(dormant=True))
        return self.session.execute(stmt).rowcount or 0
