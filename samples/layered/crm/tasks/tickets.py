from __future__ import annotations

import logging

from crm.core.db import session_scope
from crm.models.base import utcnow
from crm.services import tickets as tickets_service
from crm.worker import celery_app

log = logging.getLogger(__name__)


@celery_app.task(name="crm.tasks.tickets.escalate_breaching", acks_late=True)
def escalate_breaching() -> list[int]:
    """Every five minutes: tickets past their first-response SLA go up one priority."""
    with session_scope() as session:
        ids = [t.id for t in tickets_service.escalate_breaching(session, utcnow())]
    if ids:
        log.warning("escalated tickets %s", ids)
    return ids
