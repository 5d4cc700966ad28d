from decimal import Decimal

import pytest

from marketplace.shared.money import CurrencyMismatch, Money, total


def test_of_rounds_half_even_to_minor_units():
    assert Money.of("10.005", "EUR") == Money("EUR", 1000)
    assert Money.of("10.015", "EUR") == Money("EUR", 1002)
    assert Money.of(1500, "JPY").minor == 1500


def test_arithmetic_keeps_currency():
    assert Money("EUR", 250) + Money("EUR", 100) == Money("EUR", 350)
    assert Money("EUR", 250).times(3).decimal == Decimal("7.50")
    with pytest.raises(CurrencyMismatch):
        Money("EUR", 1) + Money("USD", 1)


def test_allocate_never_loses_a_cent():
    parts = Money("EUR", 100).allocate([1, 1, 1])
    assert [p.minor for p in parts] == [34, 33, 33]
    assert sum(p.minor for p in parts) == 100


def test_unknown_currency_is_rejected():
    with pytest.raises(ValueError):
        Money("XXX", 1)


def test_total_of_empty_list_is_zero():
    assert total([], "GBP") == Money.zero("GBP")
