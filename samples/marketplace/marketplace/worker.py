"""Celery application. Two queues, two worker deployments:

* ``default``: payments housekeeping (``celery -A marketplace.worker worker -Q default``)
* ``search-indexing``: everything search writes (``celery -A marketplace.worker worker -Q search-indexing``)
"""

from __future__ import annotations

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_process_init

from marketplace.settings import get_settings

settings = get_settings()

celery_app = Celery(
    "marketplace",
    broker=settings.broker_url,
    include=["marketplace.payments.tasks", "marketplace.search.tasks"],
)
celery_app.conf.update(
    task_default_queue="default",
    task_routes={"search.*": {"queue": "search-indexing"}, "payments.*": {"queue": "default"}},
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    broker_transport_options={"visibility_timeout": 3700},
    beat_schedule={
        "void-expired-authorizations": {
            "task": "payments.void_expired_authorizations", "schedule": crontab(minute=15),
        },
        "nightly-reindex": {"task": "search.reindex_all", "schedule": crontab(hour=3, minute=0)},
    },
)


@worker_process_init.connect
def _init_observability(**_kwargs) -> None:
    from opentelemetry.instrumentation.celery import CeleryInstrumentor

    from marketplace.observability import configure_logging, configure_tracing

    configure_logging(settings)
    configure_tracing(settings)
    CeleryInstrumentor().instrument()
