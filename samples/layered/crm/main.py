"""Application factory: ``uvicorn crm.main:create_app --factory``."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from crm import __version__
from crm.api.v1.router import api_router
from crm.core import db
from crm.core.config import get_settings
from crm.core.errors import DomainError

log = logging.getLogger("crm")


@asynccontextmanager
async def lifespan(app: FastAPI):
    settings = get_settings()
    logging.basicConfig(level=logging.INFO if settings.environment != "development"
                        else logging.DEBUG)
    db.configure()
    if settings.environment in ("development", "test"):
        db.create_all()
    log.info("crm %s starting (%s)", __version__, settings.environment)
    yield


def create_app() -> FastAPI:
    app = FastAPI(title="Ledgerline CRM", version=__version__, lifespan=lifespan)
    app.include_router(api_router)

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse({"detail": exc.message}, status_code=exc.status_code)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        with db.engine().connect() as connection:
            connection.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__}

    return app
