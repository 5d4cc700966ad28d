from __future__ import annotations

import logging

from crm.core.config import get_settings
from crm.core.db import session_scope
from crm.models.base import utcnow
from crm.services import contacts as contacts_service
from crm.worker import celery_app

log = logging.getLogger(__name__)


@celery_app.task(name="crm.tasks.contacts.mark_dormant")
def mark_dormant() -> int:
    """Nightly: flag contacts nobody has talked to for a long time (they leave the mailing lists)."""
    with session_scope() as session:
        count = contacts_service.mark_dormant_contacts(session, utcnow(),
                                                       get_settings().dormant_contact_days)
    log.info("%d contacts marked dormant", count)
    return count
