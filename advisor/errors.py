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

    def lines(self) -> list[str]:
        """What the CLI prints, one ``advisor: error:`` line each."""
        return [str(self)]


class InputError(AdvisorError):
    """The path to analyse is missing, not a directory, or holds no Python code."""


class ConfigError(AdvisorError):
    """``[tool.advisor]`` (or ``--config``) is malformed or names an unknown key."""


class ConfigErrors(ConfigError):
    """Every error found in the settings, reported together (one line each)."""

    def __init__(self, errors: list[ConfigError]) -> None:
        super().__init__(errors[0].message, errors[0].hint)
        self.errors = tuple(errors)

    def lines(self) -> list[str]:
        return [str(e) for e in self.errors]

    def __str__(self) -> str:
        return "\n".join(self.lines())
