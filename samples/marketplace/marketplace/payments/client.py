"""HTTP client for the Paygate PSP: timeouts, retries with backoff, a circuit breaker and
idempotency keys so a retried call never charges twice."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from opentelemetry import trace
from prometheus_client import Counter
from tenacity import (
    before_sleep_log,
    retry,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)

from marketplace.settings import Settings

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)
PSP_CALLS = Counter("paygate_calls_total", "Calls to the PSP", ["operation", "outcome"])

RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


class PaygateError(Exception):
    """The PSP refused the request (not retried)."""


class PaygateUnavailable(Exception):
    """Transient failure: timeout, connection error or 5xx (retried)."""


class CircuitOpen(PaygateUnavailable):
    """Too many recent failures: fail fast instead of piling up requests."""


@dataclass
class CircuitBreaker:
    failure_threshold: int = 5
    reset_after_s: float = 30.0
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self._failures = 0
        self._opened_at: float | None = None
        self._lock = threading.Lock()

    @property
    def state(self) -> str:
        with self._lock:
            if self._opened_at is None:
                return "closed"
            if self.clock() - self._opened_at >= self.reset_after_s:
                return "half-open"
            return "open"

    def before_call(self) -> None:
        if self.state == "open":
            raise CircuitOpen("paygate circuit is open")

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._failures >= self.failure_threshold:
                self._opened_at = self.clock()


@dataclass(frozen=True)
class PspResponse:
    reference: str
    status: str
    decline_code: str | None = None


class PaygateClient:
    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None,
                 breaker: CircuitBreaker | None = None) -> None:
        self._http = httpx.Client(
            base_url=settings.payments_api_url,
            headers={"Authorization": f"Bearer {settings.payments_api_key}"},
            timeout=httpx.Timeout(
                connect=settings.payments_connect_timeout_s,
                read=settings.payments_read_timeout_s,
                write=5.0,
                pool=2.0,
            ),
            transport=transport,
        )
        self.breaker = breaker or CircuitBreaker()

    @retry(
        retry=retry_if_exception_type(PaygateUnavailable),
        stop=stop_after_attempt(4),
        wait=wait_exponential(multiplier=0.2, max=3.0) + wait_random(0, 0.25),
        before_sleep=before_sleep_log(log, logging.WARNING),
        reraise=True,
    )
    def _post(self, operation: str, path: str, body: dict, idempotency_key: str) -> dict:
        self.breaker.before_call()
        with tracer.start_as_current_span(f"paygate.{operation}") as span:
            span.set_attribute("paygate.idempotency_key", idempotency_key)
            try:
                response = self._http.post(path, json=body, headers={"Idempotency-Key": idempotency_key})
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                self.breaker.record_failure()
                PSP_CALLS.labels(operation, "transport_error").inc()
                raise PaygateUnavailable(str(exc)) from exc
            span.set_attribute("http.status_code", response.status_code)
            if response.status_code in RETRYABLE_STATUS:
                self.breaker.record_failure()
                PSP_CALLS.labels(operation, "retryable").inc()
                raise PaygateUnavailable(f"{operation}: HTTP {response.status_code}")
            self.breaker.record_success()
            if response.status_code >= 400:
                PSP_CALLS.labels(operation, "rejected").inc()
                raise PaygateError(f"{operation}: HTTP {response.status_code}: {response.text[:200]}")
            PSP_CALLS.labels(operation, "ok").inc()
            return response.json()

    def authorize(self, amount_minor: int, currency: str, token: str, idempotency_key: str) -> PspResponse:
        data = self._post("authorize", "/authorizations", {
            "amount": amount_minor, "currency": currency, "payment_method_token": token,
            "capture": False,
        }, idempotency_key)
        return PspResponse(data["id"], data["status"], data.get("decline_code"))

    def capture(self, reference: str, amount_minor: int, idempotency_key: str) -> PspResponse:
        data = self._post("capture", f"/authorizations/{reference}/capture",
                          {"amount": amount_minor}, idempotency_key)
        return PspResponse(data["id"], data["status"])

    def refund(self, reference: str, amount_minor: int, idempotency_key: str) -> PspResponse:
        data = self._post("refund", f"/charges/{reference}/refunds",
                          {"amount": amount_minor}, idempotency_key)
        return PspResponse(data["id"], data["status"])

    def close(self) -> None:
        self._http.close()
