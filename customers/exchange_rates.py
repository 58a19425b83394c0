"""Exchange rates to the euro, entered by staff or the ERP (never fetched), and the
rate a non-euro invoice uses: the latest on or before its issue date.

Saving a rate publishes ``exchange_rate.saved``; the documents consumer then issues the
invoices that were waiting for a rate of that currency (``documents.consumers``). The
model lives here, beside the currencies, so that every layer above may read it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import audit
from core.actors import Actor, has_role
from core.errors import DomainError, NotAllowed
from core.outbox import publish
from core.roles import StaffRole

from .models import RATE_CURRENCIES, ExchangeRate

EXCHANGE_RATE_SAVED = "exchange_rate.saved"
#: Who enters rates: customer service and managers (seller keys and the system too).
RATE_EDITORS = (StaffRole.CUSTOMER_SERVICE, StaffRole.MANAGER)
MAX_RATE = Decimal("999999999999.999999")


class InvalidExchangeRate(DomainError):
    code = "validation_error"

    def __init__(self, fields: dict[str, list[str]]):
        super().__init__(next(iter(fields.values()))[0], fields=fields)


def may_edit_rates(actor) -> bool:
    return has_role(actor, *RATE_EDITORS)


def latest_rate(currency: str, on: dt.date) -> ExchangeRate | None:
    """The latest rate of ``currency`` dated on or before ``on`` (None: there is none)."""
    return ExchangeRate.objects.filter(currency=currency, date__lte=on).order_by("-date").first()


def _clean_rate(value, errors: dict) -> Decimal | None:
    if isinstance(value, float | bool):
        value = None
    try:
        rate = Decimal(str(value)) if value is not None and value != "" else None
    except (InvalidOperation, ValueError):
        rate = None
    if rate is None or not rate.is_finite():
        errors["rate_to_eur"] = [_("Enter the euros one unit of the currency is worth.")]
        return None
    if rate <= 0:
        errors["rate_to_eur"] = [_("The rate must be greater than zero.")]
    elif rate > MAX_RATE or rate != rate.quantize(Decimal("0.000001")):
        errors["rate_to_eur"] = [_("At most six decimals and twelve digits before them.")]
    return rate


def save_exchange_rate(*, actor: Actor, currency: str, rate_to_eur, date: dt.date) -> ExchangeRate:
    """Record the rate of ``currency`` to the euro on ``date`` (one per currency and
    date; rate > 0; the euro needs none). Audited; announces ``exchange_rate.saved``."""
    if not may_edit_rates(actor):
        raise NotAllowed()
    errors: dict[str, list[str]] = {}
    codes = [code for code, _label in RATE_CURRENCIES]
    currency = currency.strip().upper() if isinstance(currency, str) else ""
    if currency not in codes:
        errors["currency"] = [
            _("Unknown currency: use one of %(codes)s (the euro needs no rate).")
            % {"codes": ", ".join(codes)}
        ]
    rate = _clean_rate(rate_to_eur, errors)
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        errors["date"] = [_("Enter a date.")]
    elif (
        "currency" not in errors
        and ExchangeRate.objects.filter(currency=currency, date=date).exists()
    ):
        errors["date"] = [
            _("There is already a %(currency)s rate on %(date)s.")
            % {"currency": currency, "date": date.isoformat()}
        ]
    if errors:
        raise InvalidExchangeRate(errors)
    try:
        with transaction.atomic():
            row = ExchangeRate.objects.create(currency=currency, rate_to_eur=rate, date=date)
            audit.record_created(actor=actor, instance=row)
            publish(
                EXCHANGE_RATE_SAVED,
                {"id": row.pk, "currency": currency, "date": date.isoformat(), "rate": str(rate)},
            )
    except IntegrityError as error:  # the same rate saved at the same moment
        raise InvalidExchangeRate(
            {
                "date": [
                    _("There is already a %(currency)s rate on %(date)s.")
                    % {"currency": currency, "date": date.isoformat()}
                ]
            }
        ) from error
    return row
