"""Celery tasks, one module per area; ``crm.worker`` lists them and schedules the periodic ones."""
