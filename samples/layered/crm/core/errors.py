"""Errors the services raise; the API turns them into HTTP responses (see ``crm.main``)."""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    status_code = 404

    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"{kind} {key} not found")


class Conflict(DomainError):
    status_code = 409


class InvalidState(DomainError):
    status_code = 422
