from __future__ import annotations

import json

from fastapi import APIRouter, Header, HTTPException, Request

from marketplace.payments.service import default_service

router = APIRouter(prefix="/payments", tags=["payments"])


@router.post("/webhooks/paygate", status_code=204)
async def paygate_webhook(request: Request, paygate_signature: str = Header(...)) -> None:
    body = await request.body()
    service = default_service()
    if not service.verify_signature(body, paygate_signature):
        raise HTTPException(401, "bad signature")
    try:
        event = json.loads(body)
    except ValueError as exc:
        raise HTTPException(400, "invalid JSON") from exc
    service.handle_webhook(event)


@router.get("/{payment_id}")
def show_payment(payment_id: str) -> dict:
    view = default_service().view(payment_id)
    return {"id": view.id, "order_id": view.order_id, "status": view.status.value,
            "amount": str(view.amount.decimal), "currency": view.amount.currency}
