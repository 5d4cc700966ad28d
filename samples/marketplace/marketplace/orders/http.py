from __future__ import annotations

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from marketplace.orders.contracts import LineRequest, OrderView, PlaceOrder
from marketplace.orders.service import OrderError, default_service

router = APIRouter(prefix="/orders", tags=["orders"])


class LineIn(BaseModel):
    product_id: str
    quantity: int = Field(gt=0, le=20)


class OrderIn(BaseModel):
    buyer_id: str
    lines: list[LineIn]
    payment_token: str
    currency: str = "EUR"


def _out(view: OrderView) -> dict:
    return {
        "id": view.id, "status": view.status.value, "buyer_id": view.buyer_id,
        "total": str(view.total.decimal), "currency": view.total.currency,
        "lines": [{"product_id": l.product_id, "title": l.title, "quantity": l.quantity,
                   "unit_price": str(l.unit_price.decimal)} for l in view.lines],
    }


@router.post("", status_code=201)
def place(body: OrderIn) -> dict:
    command = PlaceOrder(
        buyer_id=body.buyer_id, payment_token=body.payment_token, currency=body.currency,
        lines=tuple(LineRequest(l.product_id, l.quantity) for l in body.lines),
    )
    try:
        view = default_service().place(command)
    except OrderError as exc:
        raise HTTPException(422, str(exc)) from exc
    if view.status != "confirmed":
        raise HTTPException(402, {"order": _out(view), "error": "payment declined"})
    return _out(view)


@router.get("/{order_id}")
def show(order_id: str) -> dict:
    try:
        return _out(default_service().view(order_id))
    except OrderError as exc:
        raise HTTPException(404, str(exc)) from exc


@router.post("/{order_id}/cancel")
def cancel(order_id: str, reason: str = "buyer request") -> dict:
    try:
        return _out(default_service().cancel(order_id, reason))
    except OrderError as exc:
        raise HTTPException(409, str(exc)) from exc
