from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

_MINOR_UNITS = {"EUR": 2, "USD": 2, "GBP": 2, "JPY": 0, "CHF": 2}


class CurrencyMismatch(ValueError):
    pass


@dataclass(frozen=True, slots=True, order=True)
class Money:
    """An amount in minor units (cents) of one currency. Never a float."""

    currency: str
    minor: int

    def __post_init__(self) -> None:
        if self.currency not in _MINOR_UNITS:
            raise ValueError(f"unsupported currency {self.currency!r}")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(currency, 0)

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str) -> Money:
        exponent = _MINOR_UNITS[currency]
        quantized = Decimal(str(amount)).scaleb(exponent).quantize(Decimal(1), ROUND_HALF_EVEN)
        return cls(currency, int(quantized))

    def _check(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} vs {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.currency, self.minor + other.minor)

    def __sub__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.currency, self.minor - other.minor)

    def times(self, quantity: int) -> Money:
        return Money(self.currency, self.minor * quantity)

    def allocate(self, ratios: list[int]) -> list[Money]:
        """Split without losing a cent; remainders go to the first parts."""
        total = sum(ratios)
        if total <= 0:
            raise ValueError("ratios must sum to a positive number")
        parts = [self.minor * r // total for r in ratios]
        for i in range(self.minor - sum(parts)):
            parts[i % len(parts)] += 1
        return [Money(self.currency, p) for p in parts]

    @property
    def decimal(self) -> Decimal:
        return Decimal(self.minor).scaleb(-_MINOR_UNITS[self.currency])

    def __str__(self) -> str:
        return f"{self.decimal} {self.currency}"


def total(amounts: list[Money], currency: str) -> Money:
    result = Money.zero(currency)
    for amount in amounts:
        result = result + amount
    return result
