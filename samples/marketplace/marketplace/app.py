"""ASGI application: the composition root wiring every domain's router and subscriptions.

Run with ``uvicorn marketplace.app:create_app --factory``.
"""

from __future__ import annotations

from fastapi import FastAPI

from marketplace import __version__
from marketplace.catalog.http import router as catalog_router
from marketplace.observability import (
    configure_logging,
    configure_tracing,
    health_router,
    instrument_app,
)
from marketplace.orders import api as orders_api
from marketplace.orders.http import router as orders_router
from marketplace.payments.http import router as payments_router
from marketplace.search import api as search_api
from marketplace.search.http import router as search_router
from marketplace.settings import get_settings
from marketplace.shared.db import engine_for
from marketplace.shared.events import bus


def create_app() -> FastAPI:
    settings = get_settings()
    configure_logging(settings)
    configure_tracing(settings, engine=engine_for())

    app = FastAPI(title="Marketplace", version=__version__)
    app.include_router(health_router)
    for router in (catalog_router, orders_router, payments_router, search_router):
        app.include_router(router, prefix="/api/v1")
    instrument_app(app)

    orders_api.install(bus)
    search_api.install(bus)
    return app
