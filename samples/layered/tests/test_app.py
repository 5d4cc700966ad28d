from __future__ import annotations

from crm.core.security import Principal, parse_keys


def test_health_check_touches_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_domain_errors_become_http_errors(client):
    response = client.get("/api/v1/invoices/999")
    assert response.status_code == 404
    assert response.json() == {"detail": "invoice 999 not found"}


def test_api_keys_parse_scopes():
    keys = parse_keys("ci:contacts,deals:ABC; ;ops:admin:def")
    assert keys["abc"] == Principal("ci", frozenset({"contacts", "deals"}))
    assert keys["def"].can("tickets")
