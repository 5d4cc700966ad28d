from __future__ import annotations

import logging

from crm.core.config import get_settings
from crm.core.db import session_scope
from crm.core.email import mailer
from crm.models.base import utcnow
from crm.services import deals as deals_service
from crm.worker import celery_app

log = logging.getLogger(__name__)


@celery_app.task(name="crm.tasks.deals.remind_stale_deals")
def remind_stale_deals() -> int:
    """Weekday mornings: one e-mail per sales rep listing their deals that went quiet."""
    days = get_settings().stale_deal_days
    with session_scope() as session:
        by_owner = deals_service.stale_deals_by_owner(session, utcnow(), days)
        for owner, deals in by_owner.items():
            lines = [f"- {d.title} ({d.stage.value}, {d.amount_cents / 100:.0f} {d.currency}), "
                     f"last activity {d.last_activity_at:%d.%m.%Y}" for d in deals]
            mailer().send(owner, f"{len(deals)} deal(s) without activity for {days} days",
                          "\n".join(lines))
    log.info("stale deal reminders sent to %d owners", len(by_owner))
    return len(by_owner)
