"""Runtime configuration, read from environment variables only (12-factor).

Secrets (database password, PSP key) come from Kubernetes secrets via the environment; nothing
here has a production default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


class ConfigError(RuntimeError):
    pass


def _env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ConfigError(f"environment variable {name} is required")
    return value


def _env_num(name: str, default, cast=int):
    raw = os.environ.get(name)
    try:
        return default if raw is None else cast(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc


@dataclass(frozen=True)
class Settings:
    environment: str
    database_url: str
    db_pool_size: int
    db_statement_timeout_ms: int
    broker_url: str
    elasticsearch_url: str
    search_index: str
    payments_api_url: str
    payments_api_key: str
    payments_webhook_secret: str
    payments_connect_timeout_s: float
    payments_read_timeout_s: float
    otel_endpoint: str | None
    service_name: str
    log_level: str


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings(
        environment=_env("MARKETPLACE_ENV", "dev"),
        database_url=_env("DATABASE_URL", "sqlite:///./marketplace.db"),
        db_pool_size=_env_num("DB_POOL_SIZE", 10),
        db_statement_timeout_ms=_env_num("DB_STATEMENT_TIMEOUT_MS", 5000),
        broker_url=_env("CELERY_BROKER_URL", "redis://localhost:6379/0"),
        elasticsearch_url=_env("ELASTICSEARCH_URL", "http://localhost:9200"),
        search_index=_env("SEARCH_INDEX", "products"),
        payments_api_url=_env("PAYMENTS_API_URL", "https://sandbox.paygate.example/v2"),
        payments_api_key=_env("PAYMENTS_API_KEY", "sandbox-key"),
        payments_webhook_secret=_env("PAYMENTS_WEBHOOK_SECRET", "sandbox-secret"),
        payments_connect_timeout_s=_env_num("PAYMENTS_CONNECT_TIMEOUT_S", 2.0, float),
        payments_read_timeout_s=_env_num("PAYMENTS_READ_TIMEOUT_S", 8.0, float),
        otel_endpoint=os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"),
        service_name=_env("OTEL_SERVICE_NAME", "marketplace"),
        log_level=_env("LOG_LEVEL", "INFO"),
    )
