"""Where a supply is taxed and at what rate: the fiscal position of an order, the VAT
rates per country and tax category, EU VAT numbers (python-stdnum).

Pure rules over plain values, shared by every domain that prices or invoices:

- ``fiscal_position(seller_country=, customer_country=, vat_number=)``: ``domestic``
  (a customer in the seller's country, or in another EU state without a valid VAT
  number: the seller country's rates), ``intra_eu`` (another EU state with a valid EU
  VAT number: an exempt intra-Community supply, 0 %), ``export`` (outside the EU, 0 %).
- ``vat_rate_for(position, tax_category)``: the rate of one line.
- ``rates_for(country)``: the ``core.TaxRate`` rows of a country (the built-in Spanish and
  Polish rates when the table has none for it).
"""

from __future__ import annotations

import time
from decimal import Decimal

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import InvalidChecksum, ValidationError

from .models import TaxCategory, TaxRate

#: ISO 3166 codes of the EU member states (Greece's VAT numbers say "EL").
EU_MEMBER_STATES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)
#: The VAT number prefix of a country where it is not its ISO code.
VAT_PREFIX = {"GR": "EL"}
#: The rates seeded by ``core.0005`` (used too when the table lacks a country).
DEFAULT_RATES = {
    "ES": {"standard": "21.00", "reduced": "10.00", "super_reduced": "4.00", "exempt": "0.00"},
    "PL": {"standard": "23.00", "reduced": "8.00", "super_reduced": "5.00", "exempt": "0.00"},
}
ZERO_RATE = Decimal("0.00")


class FiscalPosition:
    DOMESTIC = "domestic"
    INTRA_EU = "intra_eu"
    EXPORT = "export"

    choices = [
        (DOMESTIC, _("Domestic")),
        (INTRA_EU, _("Intra-EU supply")),
        (EXPORT, _("Export")),
    ]
    values = [DOMESTIC, INTRA_EU, EXPORT]


def seller_country() -> str:
    return str(settings.SELLER_COUNTRY).upper()


def seller_vat_number() -> str:
    return normalize_vat_number(settings.SELLER_VAT_NUMBER)


# --- EU VAT numbers ---------------------------------------------------------------------


def normalize_vat_number(value) -> str:
    """Upper case, without spaces, dots or dashes (``pl 526-025-09-95`` -> ``PL5260250995``)."""
    if not isinstance(value, str):
        return ""
    try:
        return eu_vat.compact(value)
    except ValidationError:
        return value.strip().upper()


def vat_number_problem(value: str) -> str | None:
    """Why ``value`` is not a valid EU VAT number (format, country prefix, checksum), or
    None when it is one."""
    code = normalize_vat_number(value)
    if not code:
        return str(_("Enter the EU VAT number with its country prefix (e.g. PL5260250995)."))
    try:
        eu_vat.validate(code)
    except InvalidChecksum:
        return str(
            _("The VAT number %(number)s is not valid: its check digit is wrong.")
            % {"number": code}
        )
    except ValidationError:
        return str(
            _(
                "The VAT number %(number)s is not valid: use an EU VAT number with its "
                "country prefix (e.g. PL5260250995)."
            )
            % {"number": code}
        )
    return None


def is_valid_vat_number(value) -> bool:
    return bool(normalize_vat_number(value)) and vat_number_problem(value) is None


# --- the fiscal position ---------------------------------------------------------------


def fiscal_position(*, seller_country: str, customer_country: str, vat_number: str = "") -> str:
    """The fiscal position of a supply from ``seller_country`` to a customer billed in
    ``customer_country`` with ``vat_number`` (see the module docstring)."""
    seller, customer = (seller_country or "").upper(), (customer_country or "").upper()
    if customer == seller:
        return FiscalPosition.DOMESTIC
    if customer in EU_MEMBER_STATES:
        code = normalize_vat_number(vat_number)
        # Registered for VAT in a member state other than the seller's.
        if is_valid_vat_number(code) and code[:2] != VAT_PREFIX.get(seller, seller):
            return FiscalPosition.INTRA_EU
        return FiscalPosition.DOMESTIC
    return FiscalPosition.EXPORT


# --- rates -----------------------------------------------------------------------------

#: Rates per country, kept by each process for ``RATES_TTL`` seconds (a list page asks
#: once per row); a change made by this process clears them at once, other processes
#: see it within the TTL.
RATES_TTL = 60.0
_cache: dict[str, tuple[float, dict[str, Decimal]]] = {}


def clear_rates_cache(**kwargs) -> None:
    _cache.clear()


post_save.connect(clear_rates_cache, sender=TaxRate, dispatch_uid="core.fiscal.rates")
post_delete.connect(clear_rates_cache, sender=TaxRate, dispatch_uid="core.fiscal.rates.delete")


def rates_for(country: str | None = None) -> dict[str, Decimal]:
    """``{tax category: rate %}`` of ``country`` (default the seller's)."""
    country = (country or seller_country()).upper()
    cached = _cache.get(country)
    if cached is not None and time.monotonic() - cached[0] < RATES_TTL:
        return cached[1]
    rates = {c: Decimal(r) for c, r in DEFAULT_RATES.get(country, {}).items()}
    rates.update({row.category: row.rate for row in TaxRate.objects.filter(country=country)})
    _cache[country] = (time.monotonic(), rates)
    return rates


def seller_rate(tax_category: str) -> Decimal:
    """The seller country's rate of ``tax_category`` (0 when it has none)."""
    return rates_for().get(tax_category, ZERO_RATE)


def category_for_rate(rate, *, country: str | None = None) -> str | None:
    """The tax category that has ``rate`` in ``country`` (default the seller's), or None.
    When two categories share a rate, the standard one comes first, then by order."""
    try:
        wanted = Decimal(str(rate))
    except ArithmeticError:
        return None
    rates = rates_for(country)
    for category in TaxCategory.values:
        if category in rates and rates[category] == wanted:
            return category
    return None


def vat_rate_for(position: str, tax_category: str) -> Decimal:
    """The VAT rate % of a line of ``tax_category`` in an order of ``position``."""
    if position in (FiscalPosition.INTRA_EU, FiscalPosition.EXPORT):
        return ZERO_RATE
    return seller_rate(tax_category)
