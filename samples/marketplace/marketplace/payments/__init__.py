"""Payments: authorisation, capture and refunds through the Paygate PSP."""
