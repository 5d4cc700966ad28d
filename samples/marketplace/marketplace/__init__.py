"""Marketplace: a modular monolith (catalog, orders, payments, search) on a small shared kernel."""

__version__ = "3.14.0"
