"""Periodic payment jobs (default queue)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from celery import shared_task
from sqlalchemy import update

from marketplace.payments.contracts import PaymentStatus
from marketplace.payments.models import PaymentRow
from marketplace.shared.db import session_scope

AUTHORIZATION_TTL_DAYS = 7


@shared_task(name="payments.void_expired_authorizations", acks_late=True)
def void_expired_authorizations() -> int:
    """The PSP drops uncaptured authorisations after 7 days; mirror that locally."""
    cutoff = datetime.now(timezone.utc) - timedelta(days=AUTHORIZATION_TTL_DAYS)
    with session_scope() as session:
        result = session.execute(
            update(PaymentRow)
            .where(PaymentRow.status == PaymentStatus.AUTHORIZED, PaymentRow.updated_at < cutoff)
            .values(status=PaymentStatus.VOIDED)
        )
        return result.rowcount
