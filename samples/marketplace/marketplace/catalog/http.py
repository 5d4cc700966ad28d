from __future__ import annotations

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from marketplace.catalog.service import CatalogError, NewProduct, default_service
from marketplace.shared.money import Money

router = APIRouter(prefix="/catalog", tags=["catalog"])


class ProductIn(BaseModel):
    seller_id: str
    title: str = Field(max_length=200)
    description: str = ""
    price: str
    currency: str = "EUR"
    category_id: str | None = None
    stock: int = 0


class PriceIn(BaseModel):
    price: str
    currency: str = "EUR"


@router.post("/products", status_code=201)
def create_product(body: ProductIn) -> dict:
    try:
        product_id = default_service().create(NewProduct(
            seller_id=body.seller_id, title=body.title, description=body.description,
            price=Money.of(body.price, body.currency), category_id=body.category_id,
            stock=body.stock,
        ))
    except (CatalogError, ValueError) as exc:
        raise HTTPException(422, str(exc)) from exc
    return {"id": product_id}


@router.get("/products/{product_id}")
def show_product(product_id: str) -> dict:
    view = default_service().product_view(product_id)
    if view is None:
        raise HTTPException(404, "product not found")
    return {
        "id": view.id, "title": view.title, "description": view.description,
        "category": list(view.category_path), "price": str(view.price.decimal),
        "currency": view.price.currency, "in_stock": view.in_stock, "published": view.published,
    }


@router.post("/products/{product_id}/publish", status_code=204)
def publish_product(product_id: str) -> None:
    try:
        default_service().publish(product_id)
    except CatalogError as exc:
        raise HTTPException(409, str(exc)) from exc


@router.put("/products/{product_id}/price", status_code=204)
def change_price(product_id: str, body: PriceIn) -> None:
    try:
        default_service().change_price(product_id, Money.of(body.price, body.currency))
    except (CatalogError, ValueError) as exc:
        raise HTTPException(422, str(exc)) from exc
