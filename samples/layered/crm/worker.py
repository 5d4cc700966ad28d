"""The Celery application: ``celery -A crm.worker worker -Q default,billing`` and ``... beat``."""

from __future__ import annotations

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_process_init

from crm.core import db
from crm.core.config import get_settings

settings = get_settings()

celery_app = Celery(
    "crm",
    broker=settings.broker_url,
    backend=settings.result_backend,
    include=["crm.tasks.contacts", "crm.tasks.deals", "crm.tasks.invoices", "crm.tasks.tickets"],
)
celery_app.conf.update(
    task_default_queue="default",
    task_routes={"crm.tasks.invoices.*": {"queue": "billing"}},
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    task_time_limit=300,
    task_soft_time_limit=240,
    timezone="Europe/Berlin",
    task_always_eager=settings.is_testing,
    task_eager_propagates=True,
    beat_schedule={
        "mark-dormant-contacts": {"task": "crm.tasks.contacts.mark_dormant",
                                  "schedule": crontab(hour=2, minute=15)},
        "remind-stale-deals": {"task": "crm.tasks.deals.remind_stale_deals",
                               "schedule": crontab(hour=8, minute=0, day_of_week="mon-fri")},
        "mark-overdue-invoices": {"task": "crm.tasks.invoices.mark_overdue",
                                  "schedule": crontab(hour=6, minute=30)},
        "remind-overdue-invoices": {"task": "crm.tasks.invoices.remind_overdue",
                                    "schedule": crontab(hour=9, minute=0, day_of_week="mon-fri")},
        "escalate-tickets": {"task": "crm.tasks.tickets.escalate_breaching",
                             "schedule": crontab(minute="*/5")},
    },
)


@worker_process_init.connect
def _fresh_engine(**_: object) -> None:
    # pooled connections must not cross the fork
    db.configure()
