from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from crm.models.invoices import Invoice, InvoiceStatus
from crm.repositories.base import Repository

UNPAID = (InvoiceStatus.ISSUED, InvoiceStatus.OVERDUE)


class InvoiceRepository(Repository[Invoice]):
    model = Invoice

    def full(self, invoice_id: int) -> Invoice | None:
        return self.session.get(Invoice, invoice_id, options=[
            selectinload(Invoice.lines), selectinload(Invoice.payments)])

    def by_number(self, number: str) -> Invoice | None:
        return self.session.scalar(select(Invoice).where(Invoice.number == number.upper()))

    def search(self, status: InvoiceStatus | None, company_id: int | None, limit: int,
               offset: int) -> tuple[Sequence[Invoice], int]:
        stmt = select(Invoice).options(selectinload(Invoice.lines)).order_by(Invoice.id.desc())
        if status is not None:
            stmt = stmt.where(Invoice.status == status)
        if company_id is not None:
            stmt = stmt.where(Invoice.company_id == company_id)
        return self.page(stmt, limit, offset)

    def for_deal(self, deal_id: int) -> Sequence[Invoice]:
        stmt = select(Invoice).where(Invoice.deal_id == deal_id, Invoice.status != InvoiceStatus.VOID)
        return self.session.scalars(stmt).all()

    def unpaid_for_company(self, company_id: int) -> Sequence[Invoice]:
        stmt = (select(Invoice)
                .where(Invoice.company_id == company_id, Invoice.status.in_(UNPAID))
                .options(selectinload(Invoice.lines), selectinload(Invoice.payments)))
        return self.session.scalars(stmt).all()

    def due_before(self, day: date) -> Sequence[Invoice]:
        stmt = (select(Invoice)
                .where(Invoice.status.in_(UNPAID), Invoice.due_on < day)
                .options(selectinload(Invoice.lines), selectinload(Invoice.payments))
                .order_by(Invoice.due_on))
        return self.session.scalars(stmt).all()

    def last_number(self, prefix: str) -> str | None:
        stmt = select(func.max(Invoice.number)).where(Invoice.number.like(f"{prefix}%"))
        return self.session.scalar(stmt)
