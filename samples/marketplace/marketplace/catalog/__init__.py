"""Catalog: sellers' products, categories and prices. Public surface: ``marketplace.catalog.api``."""
