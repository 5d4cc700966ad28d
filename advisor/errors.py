"""Errors users see. Each says what is wrong, where, and what to do; the CLI prints one line."""

from __future__ import annotations


class AdvisorError(Exception):
    """A problem with the user's input or configuration (exit code 2)."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class InputError(AdvisorError):
    """The path to analyse is missing, not a directory, or holds no Python code."""


class ConfigError(AdvisorError):
    """``[tool.advisor]`` (or ``--config``) is malformed or names an unknown key."""
