from __future__ import annotations

import hashlib
import os

# Settings are read once per process: configure the test environment before crm is imported.
os.environ.update({
    "CRM_ENVIRONMENT": "test",
    "CRM_DATABASE_URL": "sqlite://",
    "CRM_BROKER_URL": "memory://",
    "CRM_API_KEYS": "sam@ledgerline.example:admin:"
                    + hashlib.sha256(b"test-key").hexdigest()
                    + ";reader@ledgerline.example:contacts:"
                    + hashlib.sha256(b"reader-key").hexdigest(),
})

import pytest  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from crm.core import db  # noqa: E402
from crm.core.email import MemoryMailer, SmtpMailer, use_mailer  # noqa: E402
from crm.main import create_app  # noqa: E402
from crm.models import Base  # noqa: E402
from crm.schemas.contacts import CompanyCreate, ContactCreate  # noqa: E402
from crm.services import contacts as contacts_service  # noqa: E402


@pytest.fixture()
def engine():
    engine = db.configure("sqlite://")
    Base.metadata.create_all(engine)
    yield engine
    Base.metadata.drop_all(engine)


@pytest.fixture()
def session(engine):
    with db.SessionLocal() as session:
        yield session


@pytest.fixture(autouse=True)
def outbox():
    mailer = MemoryMailer()
    use_mailer(mailer)
    yield mailer.sent
    use_mailer(SmtpMailer())


@pytest.fixture()
def client(engine):
    with TestClient(create_app(), headers={"Authorization": "Bearer test-key"}) as client:
        yield client


@pytest.fixture()
def acme(session):
    return contacts_service.create_company(session, CompanyCreate(
        name="Acme Logistics", domain="acme.example", payment_terms_days=30))


@pytest.fixture()
def jane(session, acme):
    return contacts_service.create_contact(session, ContactCreate(
        first_name="Jane", last_name="Doe", email="Jane.Doe@acme.example", company_id=acme.id,
        is_billing_contact=True))
