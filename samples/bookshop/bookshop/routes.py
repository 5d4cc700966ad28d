"""HTTP endpoints (JSON)."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request

from bookshop.db import SessionLocal
from bookshop.services import catalog, orders

catalog_bp = Blueprint("catalog", __name__)
orders_bp = Blueprint("orders", __name__)


def _json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400, description="expected a JSON object")
    return data


@catalog_bp.get("")
def list_books():
    query = request.args.get("q", "")
    in_stock = request.args.get("in_stock") in ("1", "true", "yes")
    limit = request.args.get("limit", default=20, type=int)
    offset = request.args.get("offset", default=0, type=int)
    books = catalog.search_books(
        SessionLocal(), query, in_stock_only=in_stock, limit=limit, offset=offset
    )
    return jsonify([book.to_dict() for book in books])


@catalog_bp.get("/<int:book_id>")
def show_book(book_id: int):
    book = catalog.get_book(SessionLocal(), book_id)
    if book is None:
        abort(404)
    return jsonify(book.to_dict())


@catalog_bp.post("")
def create_book():
    data = _json_body()
    try:
        new = catalog.NewBook(
            isbn=str(data["isbn"]),
            title=str(data["title"]),
            author_name=str(data["author"]),
            price_cents=int(data["price_cents"]),
            stock=int(data.get("stock", 0)),
            published_year=data.get("published_year"),
        )
        book = catalog.add_book(SessionLocal(), new)
    except KeyError as missing:
        abort(400, description=f"missing field {missing}")
    except catalog.CatalogError as exc:
        abort(400, description=str(exc))
    return jsonify(book.to_dict()), 201


@catalog_bp.post("/<int:book_id>/restock")
def restock_book(book_id: int):
    data = _json_body()
    try:
        book = catalog.restock(SessionLocal(), book_id, int(data.get("quantity", 0)))
    except catalog.CatalogError as exc:
        abort(400, description=str(exc))
    return jsonify(book.to_dict())


@orders_bp.post("")
def checkout():
    data = _json_body()
    try:
        items = [
            orders.BasketItem(book_id=int(item["book_id"]), quantity=int(item["quantity"]))
            for item in data.get("items", [])
        ]
        order = orders.place_order(SessionLocal(), str(data.get("email", "")), items)
    except (KeyError, TypeError):
        abort(400, description="each item needs book_id and quantity")
    except orders.OrderError as exc:
        abort(400, description=str(exc))
    return jsonify(order.to_dict()), 201


@orders_bp.get("/<int:order_id>")
def show_order(order_id: int):
    order = orders.get_order(SessionLocal(), order_id)
    if order is None:
        abort(404)
    return jsonify(order.to_dict())


@orders_bp.post("/<int:order_id>/pay")
def pay_order(order_id: int):
    try:
        order = orders.mark_paid(SessionLocal(), order_id)
    except orders.OrderError as exc:
        abort(400, description=str(exc))
    return jsonify(order.to_dict())


@orders_bp.post("/<int:order_id>/cancel")
def cancel(order_id: int):
    try:
        order = orders.cancel_order(SessionLocal(), order_id)
    except orders.OrderError as exc:
        abort(400, description=str(exc))
    return jsonify(order.to_dict())
