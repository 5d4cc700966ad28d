from __future__ import annotations

import logging
import smtplib
from datetime import date

from crm.core.config import get_settings
from crm.core.db import session_scope
from crm.models.base import utcnow
from crm.models.invoices import InvoiceStatus
from crm.services import invoicing
from crm.worker import celery_app

log = logging.getLogger(__name__)


@celery_app.task(name="crm.tasks.invoices.mark_overdue")
def mark_overdue() -> list[int]:
    with session_scope() as session:
        newly = invoicing.mark_overdue(session, date.today())
        ids = [inv.id for inv in newly]
    log.info("%d invoices became overdue", len(ids))
    for invoice_id in ids:
        send_reminder.delay(invoice_id)
    return ids


@celery_app.task(name="crm.tasks.invoices.send_reminder", bind=True,
                 autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=60,
                 retry_backoff_max=3600, max_retries=5, acks_late=True)
def send_reminder(self, invoice_id: int) -> bool:
    with session_scope() as session:
        invoice = invoicing.require_invoice(session, invoice_id)
        if not invoicing.reminder_due(invoice, utcnow(), get_settings().reminder_interval_days):
            return False
        return invoicing.send_reminder(session, invoice, utcnow())


@celery_app.task(name="crm.tasks.invoices.remind_overdue")
def remind_overdue() -> int:
    """Daily: queue a reminder for every overdue invoice whose last reminder is old enough."""
    interval = get_settings().reminder_interval_days
    with session_scope() as session:
        due = [inv.id for inv in invoicing.search_invoices(
            session, InvoiceStatus.OVERDUE, None, limit=1000, offset=0)[0]
            if invoicing.reminder_due(inv, utcnow(), interval)]
    for invoice_id in due:
        send_reminder.delay(invoice_id)
    return len(due)
