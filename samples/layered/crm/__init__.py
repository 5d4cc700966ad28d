"""Ledgerline CRM: contacts, deals, invoicing and support tickets for small B2B teams."""

__version__ = "1.9.2"
