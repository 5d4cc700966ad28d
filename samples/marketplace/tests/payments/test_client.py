import httpx
import pytest

from marketplace.payments.client import (
    CircuitBreaker,
    CircuitOpen,
    PaygateClient,
    PaygateError,
    PaygateUnavailable,
)
from marketplace.settings import get_settings


def _client(handler, breaker=None):
    return PaygateClient(get_settings(), transport=httpx.MockTransport(handler), breaker=breaker)


def test_authorize_sends_idempotency_key():
    seen = []

    def handler(request):
        seen.append(request.headers["Idempotency-Key"])
        return httpx.Response(201, json={"id": "auth_9", "status": "authorized"})

    result = _client(handler).authorize(1000, "EUR", "tok", "auth-ord_1")
    assert (result.reference, result.status) == ("auth_9", "authorized")
    assert seen == ["auth-ord_1"]


def test_transient_errors_are_retried(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda s: None)
    calls = iter([httpx.Response(503), httpx.Response(502),
                  httpx.Response(201, json={"id": "auth_1", "status": "authorized"})])
    assert _client(lambda request: next(calls)).authorize(1, "EUR", "t", "k").reference == "auth_1"


def test_client_errors_are_not_retried():
    calls = []

    def handler(request):
        calls.append(1)
        return httpx.Response(422, json={"error": "bad token"})

    with pytest.raises(PaygateError):
        _client(handler).authorize(1, "EUR", "t", "k")
    assert len(calls) == 1


def test_breaker_opens_and_half_opens():
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=2, reset_after_s=10, clock=lambda: now[0])
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state == "open"
    with pytest.raises(CircuitOpen):
        breaker.before_call()
    now[0] = 11
    assert breaker.state == "half-open"
    breaker.record_success()
    assert breaker.state == "closed"


def test_open_circuit_fails_fast(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda s: None)
    breaker = CircuitBreaker(failure_threshold=1, reset_after_s=60)
    breaker.record_failure()
    with pytest.raises(PaygateUnavailable):
        _client(lambda r: httpx.Response(200, json={}), breaker).authorize(1, "EUR", "t", "k")
