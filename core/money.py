"""Money helpers: the one rounding rule of the whole product.

Amounts are ``Decimal`` with two decimal places, rounded **half up** (0.005 -> 0.01),
the commercial rule used on Spanish and Polish invoices. Round once per stored amount
(unit price, line total, tax per VAT rate, each total), never floats.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value) -> Decimal:
    """``value`` as a Decimal rounded half up to cents. Accepts Decimal, int or str
    (never float: a float has already lost the cents)."""
    if isinstance(value, float):
        raise TypeError("money() refuses floats; pass a Decimal or a string")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(amount, percent) -> Decimal:
    """``percent`` % of ``amount``, rounded to cents (e.g. VAT of a base)."""
    return money(Decimal(amount) * Decimal(percent) / Decimal(100))
