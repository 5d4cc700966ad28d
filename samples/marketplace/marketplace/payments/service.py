from __future__ import annotations

import hashlib
import hmac
import logging
import time
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from marketplace.payments.client import PaygateClient, PaygateError, PaygateUnavailable
from marketplace.payments.contracts import (
    AuthorizationResult,
    PaymentCaptured,
    PaymentFailed,
    PaymentRefunded,
    PaymentStatus,
    PaymentView,
)
from marketplace.payments.models import PaymentAttemptRow, PaymentRow
from marketplace.settings import get_settings
from marketplace.shared.db import session_factory, session_scope
from marketplace.shared.events import EventBus, bus
from marketplace.shared.ids import new_id
from marketplace.shared.money import Money

log = logging.getLogger(__name__)


class PaymentError(Exception):
    pass


class PaymentService:
    def __init__(self, sessions: sessionmaker[Session], client: PaygateClient, events: EventBus,
                 webhook_secret: str) -> None:
        self.sessions = sessions
        self.client = client
        self.events = events
        self.webhook_secret = webhook_secret.encode()

    def authorize(self, order_id: str, amount: Money, token: str) -> AuthorizationResult:
        key = f"auth-{order_id}"
        with session_scope(self.sessions) as session:
            existing = session.scalar(select(PaymentRow).where(PaymentRow.idempotency_key == key))
            if existing is not None:
                return AuthorizationResult(existing.id, existing.status == PaymentStatus.AUTHORIZED)
            row = PaymentRow(id=new_id("pay"), order_id=order_id, amount_minor=amount.minor,
                             currency=amount.currency, idempotency_key=key)
            session.add(row)
        started = time.perf_counter()
        try:
            psp = self.client.authorize(amount.minor, amount.currency, token, key)
        except (PaygateError, PaygateUnavailable) as exc:
            self._finish(row.id, "authorize", PaymentStatus.FAILED, started, error=str(exc))
            self.events.publish(PaymentFailed(payment_id=row.id, order_id=order_id, reason=str(exc)))
            return AuthorizationResult(row.id, False, "psp_unavailable")
        approved = psp.status == "authorized"
        status = PaymentStatus.AUTHORIZED if approved else PaymentStatus.FAILED
        self._finish(row.id, "authorize", status, started, reference=psp.reference)
        if not approved:
            self.events.publish(PaymentFailed(payment_id=row.id, order_id=order_id,
                                              reason=psp.decline_code or "declined"))
        return AuthorizationResult(row.id, approved, psp.decline_code)

    def capture(self, payment_id: str) -> None:
        row = self._load(payment_id)
        if row.status == PaymentStatus.CAPTURED:
            return
        if row.status != PaymentStatus.AUTHORIZED:
            raise PaymentError(f"payment {payment_id} is {row.status}, cannot capture")
        started = time.perf_counter()
        self.client.capture(row.psp_reference, row.amount_minor, f"capture-{payment_id}")
        self._finish(payment_id, "capture", PaymentStatus.CAPTURED, started)
        self.events.publish(PaymentCaptured(payment_id=payment_id, order_id=row.order_id,
                                            amount=Money(row.currency, row.amount_minor)))

    def refund(self, payment_id: str, amount: Money | None = None) -> None:
        row = self._load(payment_id)
        if row.status != PaymentStatus.CAPTURED:
            raise PaymentError(f"payment {payment_id} is {row.status}, cannot refund")
        refundable = row.amount_minor - row.refunded_minor
        minor = refundable if amount is None else amount.minor
        if not 0 < minor <= refundable:
            raise PaymentError(f"can refund at most {refundable} minor units")
        started = time.perf_counter()
        self.client.refund(row.psp_reference, minor, f"refund-{payment_id}-{row.refunded_minor + minor}")
        with session_scope(self.sessions) as session:
            locked = session.get(PaymentRow, payment_id, with_for_update=True)
            locked.refunded_minor += minor
            if locked.refunded_minor == locked.amount_minor:
                locked.status = PaymentStatus.REFUNDED
            session.add(PaymentAttemptRow(payment_id=payment_id, operation="refund",
                                          duration_ms=_ms_since(started)))
        self.events.publish(PaymentRefunded(payment_id=payment_id, order_id=row.order_id,
                                            amount=Money(row.currency, minor)))

    def view(self, payment_id: str) -> PaymentView:
        row = self._load(payment_id)
        return PaymentView(row.id, row.order_id, Money(row.currency, row.amount_minor),
                           PaymentStatus(row.status), row.psp_reference)

    def verify_signature(self, body: bytes, signature: str) -> bool:
        expected = hmac.new(self.webhook_secret, body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, signature)

    def handle_webhook(self, event: dict) -> None:
        """Asynchronous outcomes from the PSP (e.g. 3-D Secure finished, chargeback)."""
        reference = event.get("authorization_id") or event.get("charge_id")
        with session_scope(self.sessions) as session:
            row = session.scalar(select(PaymentRow).where(PaymentRow.psp_reference == reference))
            if row is None:
                log.warning("webhook for unknown reference %s", reference)
                return
            payment_id, order_id = row.id, row.order_id
            if event["type"] == "authorization.failed":
                row.status = PaymentStatus.FAILED
        if event["type"] == "authorization.succeeded":
            self.capture(payment_id)
        elif event["type"] == "authorization.failed":
            self.events.publish(PaymentFailed(payment_id=payment_id, order_id=order_id,
                                              reason=event.get("decline_code", "declined")))

    def _load(self, payment_id: str) -> PaymentRow:
        with session_scope(self.sessions) as session:
            row = session.get(PaymentRow, payment_id)
            if row is None:
                raise PaymentError(f"unknown payment {payment_id}")
            return row

    def _finish(self, payment_id: str, operation: str, status: PaymentStatus, started: float,
                reference: str | None = None, error: str | None = None) -> None:
        with session_scope(self.sessions) as session:
            row = session.get(PaymentRow, payment_id)
            row.status = status
            if reference:
                row.psp_reference = reference
            session.add(PaymentAttemptRow(payment_id=payment_id, operation=operation, error=error,
                                          duration_ms=_ms_since(started)))


def _ms_since(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


@lru_cache(maxsize=1)
def default_service() -> PaymentService:
    settings = get_settings()
    return PaymentService(session_factory(), PaygateClient(settings), bus,
                          settings.payments_webhook_secret)
