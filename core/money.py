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


def format_amount(value) -> str:
    """``value`` with two decimals in the active locale's format, grouped (es
    ``1.234,56``, pl ``1 234,56`` with a no-break space, en ``1,234.56``); empty for
    None, the value itself when it is not a number."""
    from django.utils import formats

    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except (ArithmeticError, ValueError):
        return str(value)
    return formats.number_format(number, decimal_pos=2, use_l10n=True, force_grouping=True)


def format_money(value, currency: str = "") -> str:
    """The amount and its ISO currency code after it, joined by a no-break space
    (``1.234,56 EUR``): one way in every language, on pages, emails, PDFs and CSVs."""
    text = format_amount(value)
    return f"{text}\xa0{currency}" if text and currency else text
