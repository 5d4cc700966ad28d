"""The /api/v1 router: one sub-router per resource."""

from fastapi import APIRouter

from crm.api.v1 import contacts, deals, invoices, tickets

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(contacts.router)
api_router.include_router(deals.router)
api_router.include_router(invoices.router)
api_router.include_router(tickets.router)
