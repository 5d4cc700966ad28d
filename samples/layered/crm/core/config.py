"""Settings, read from the environment only (``CRM_`` prefix; ``.env`` for local runs)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CRM_", env_file=".env", extra="ignore")

    environment: str = "development"
    database_url: str = "postgresql+psycopg://crm:crm@localhost:5432/crm"
    database_echo: bool = False
    broker_url: str = "redis://localhost:6379/0"
    result_backend: str | None = None
    # sha256 hex digests of the API keys, "name:scope1,scope2:digest" separated by ";"
    api_keys: str = ""

    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "billing@ledgerline.example"

    company_name: str = "Ledgerline GmbH"
    invoice_prefix: str = "LL"
    default_payment_terms_days: int = Field(default=14, ge=0, le=120)
    default_vat_rate_percent: int = Field(default=19, ge=0, le=30)
    reminder_interval_days: int = Field(default=7, ge=1)
    stale_deal_days: int = Field(default=21, ge=1)
    dormant_contact_days: int = Field(default=180, ge=30)
    ticket_sla_hours: dict[str, int] = {"urgent": 4, "high": 8, "normal": 24, "low": 72}

    @property
    def is_testing(self) -> bool:
        return self.environment == "test"


@lru_cache
def get_settings() -> Settings:
    return Settings()
