"""Validating and pricing an order before it is placed: lines, address, coupon."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core import fiscal
from core.calendar import add_business_days
from core.countries import COUNTRIES
from core.money import format_amount
from customers.models import Address, Company
from inventory import i18n
from inventory.models import Product
from pricing.models import PriceSource
from pricing.resolution import resolve_prices

from ..errors import (
    CouponNotApplicable,
    InvalidOrder,
)
from ..models import (
    Coupon,
    ShippingMethod,
)
from ..pricing import Totals, totals_for

MAX_LINES = 500
MAX_LINE_QUANTITY = 100_000
MAX_AMOUNT = Decimal("9999999999.99")
ADDRESS_KEYS = (
    "label",
    "recipient",
    "phone",
    "line1",
    "line2",
    "postal_code",
    "city",
    "region",
    "country",
)
ADDRESS_REQUIRED = ("line1", "postal_code", "city", "country")
ADDRESS_MAX = {
    "label": 100,
    "recipient": 200,
    "phone": 40,
    "line1": 200,
    "line2": 200,
    "postal_code": 20,
    "city": 100,
    "region": 100,
    "country": 2,
}
COUNTRY_CODES = {code for code, _name in COUNTRIES}
# ASCII digits only (``\d`` also matches "٣"), and few enough for int() to be cheap.
_DIGITS = re.compile(r"^\s*[0-9]{1,18}\s*$")


def parse_quantity(value) -> int | None:
    """A whole number of units from an int or a string of digits; None when not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _DIGITS.match(value):
        return int(value)
    return None


def normalize_lines(lines) -> tuple[list[tuple[str, int, int]], dict[str, list[str]]]:
    """``(sku, quantity, first position)`` with duplicates merged, and field errors by
    position (``lines.<i>.sku`` / ``lines.<i>.quantity``, i from 0)."""
    errors: dict[str, list[str]] = {}
    if not isinstance(lines, Sequence) or isinstance(lines, str | bytes) or not lines:
        return [], {"lines": [_("Add at least one line.")]}
    if len(lines) > MAX_LINES:
        return [], {"lines": [_("At most %(max)d lines per order.") % {"max": MAX_LINES}]}
    merged: dict[str, int] = {}
    first_index: dict[str, int] = {}
    for index, line in enumerate(lines):
        if isinstance(line, Mapping):
            sku, quantity = line.get("sku"), line.get("quantity")
        elif isinstance(line, Sequence) and not isinstance(line, str) and len(line) == 2:
            sku, quantity = line
        else:
            errors[f"lines.{index}"] = [_("Each line needs a SKU and a quantity.")]
            continue
        sku = sku.strip() if isinstance(sku, str) else ""
        if not sku or len(sku) > 64 or "\x00" in sku:
            errors[f"lines.{index}.sku"] = [_("Enter a SKU.")]
        qty = parse_quantity(quantity)
        if qty is None:
            errors[f"lines.{index}.quantity"] = [_("Enter a whole number of units.")]
        elif qty < 1:
            errors[f"lines.{index}.quantity"] = [_("The quantity must be at least 1.")]
        elif qty > MAX_LINE_QUANTITY:
            errors[f"lines.{index}.quantity"] = [
                _("At most %(max)d units per line.") % {"max": MAX_LINE_QUANTITY}
            ]
        if f"lines.{index}.sku" in errors or f"lines.{index}.quantity" in errors:
            continue
        merged[sku] = merged.get(sku, 0) + qty
        first_index.setdefault(sku, index)
    for sku, qty in merged.items():
        if qty > MAX_LINE_QUANTITY:
            errors.setdefault("lines", []).append(
                _("%(sku)s: at most %(max)d units in total.")
                % {"sku": sku, "max": MAX_LINE_QUANTITY}
            )
    return [(sku, qty, first_index[sku]) for sku, qty in merged.items()], errors


def _clean_text(value, *, field: str, max_length: int, errors: dict, required=False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[field] = [_("Enter text.")]
        return ""
    value = value.strip()
    if "\x00" in value:
        errors[field] = [_("Invalid characters.")]
    elif len(value) > max_length:
        errors[field] = [_("At most %(max)d characters.") % {"max": max_length}]
    elif required and not value:
        errors[field] = [_("This field is required.")]
    return value


def address_snapshot(source) -> dict:
    """A model address (``Address`` or the company's billing fields) as a plain dict."""
    return {key: getattr(source, key, "") or "" for key in ADDRESS_KEYS if hasattr(source, key)}


def _address_key(data: Mapping) -> tuple:
    return tuple(
        re.sub(r"\s+", " ", str(data.get(k) or "")).strip().lower()
        for k in ("line1", "postal_code", "city", "country")
    )


def _resolve_shipping_address(company: Company, value, errors: dict) -> tuple[dict, bool]:
    """(snapshot, on file) for an Address, an address id, a dict or None (default)."""
    addresses = list(company.addresses.all())
    if value is None or value == "":
        default = next((a for a in addresses if a.is_default), addresses[0] if addresses else None)
        if default is None:
            return {**address_snapshot(company), "label": company.legal_name}, True
        return address_snapshot(default), True
    if isinstance(value, Address) or parse_quantity(value) is not None:
        pk = value.pk if isinstance(value, Address) else parse_quantity(value)
        found = next((a for a in addresses if a.pk == pk), None)
        if found is None:
            errors["shipping_address"] = [_("Choose one of the customer's addresses.")]
            return {}, False
        return address_snapshot(found), True
    if not isinstance(value, Mapping):
        errors["shipping_address"] = [_("Give an address (line1, postal_code, city, country).")]
        return {}, False
    snapshot = {}
    for key in ADDRESS_KEYS:
        snapshot[key] = _clean_text(
            value.get(key),
            field=f"shipping_address.{key}",
            max_length=ADDRESS_MAX[key],
            errors=errors,
            required=key in ADDRESS_REQUIRED,
        )
    unknown = set(value) - set(ADDRESS_KEYS)
    if unknown:
        errors["shipping_address"] = [
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(map(str, unknown)))}
        ]
    snapshot["country"] = snapshot["country"].upper()
    if snapshot["country"] and snapshot["country"] not in COUNTRY_CODES:
        errors["shipping_address.country"] = [_("Use a two-letter country code (e.g. ES, PL).")]
    on_file = {_address_key(address_snapshot(a)) for a in addresses}
    on_file.add(_address_key(address_snapshot(company)))
    return snapshot, _address_key(snapshot) in on_file


def find_coupon(code) -> Coupon | None:
    if not isinstance(code, str) or not code.strip() or "\x00" in code:
        return None
    return Coupon.objects.filter(code__iexact=code.strip()).first()


def coupon_problem(
    coupon: Coupon,
    subtotal: Decimal,
    *,
    today=None,
    currency: str | None = None,
    company_id: int | None = None,
) -> str | None:
    """Why ``coupon`` cannot be used on an order of ``subtotal`` in ``currency`` by
    ``company_id`` (None: it can)."""
    today = today or timezone.localdate()
    if not coupon.active:
        return _("The coupon %(code)s is not active.") % {"code": coupon.code}
    if coupon.company_id is not None and coupon.company_id != company_id:
        # Another customer's personal coupon: as if it did not exist.
        return _("Unknown coupon code.")
    if currency is not None and not coupon.applies_to(currency):
        return _(
            "The coupon %(code)s is an amount in %(currency)s: "
            "it applies only to orders in %(currency)s."
        ) % {
            "code": coupon.code,
            "currency": coupon.currency,
        }
    if today < coupon.valid_from:
        return _("The coupon %(code)s is valid from %(date)s.") % {
            "code": coupon.code,
            "date": formats.date_format(coupon.valid_from, "SHORT_DATE_FORMAT"),
        }
    if today > coupon.valid_until:
        return _("The coupon %(code)s expired on %(date)s.") % {
            "code": coupon.code,
            "date": formats.date_format(coupon.valid_until, "SHORT_DATE_FORMAT"),
        }
    if coupon.usage_limit is not None and coupon.times_used >= coupon.usage_limit:
        return _("The coupon %(code)s has been used up.") % {"code": coupon.code}
    if subtotal < coupon.minimum_order:
        return _("The coupon %(code)s needs an order of at least %(amount)s.") % {
            "code": coupon.code,
            "amount": format_amount(coupon.minimum_order),
        }
    return None


def promised_date(method: str, *, today=None) -> dt.date:
    """The delivery date promised at placement: preparation plus transit, business days."""
    days = (
        settings.PROMISED_DAYS_EXPRESS
        if method == ShippingMethod.EXPRESS
        else settings.PROMISED_DAYS_STANDARD
    )
    return add_business_days(today or timezone.localdate(), days)


# --- quote -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PricedLine:
    product: Product
    sku: str
    name: str
    list_price: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    quantity: int
    line_total: Decimal
    #: ``pricing.models.PriceSource``: list, break or contract
    price_source: str = PriceSource.LIST
    tax_category: str = fiscal.TaxCategory.STANDARD


@dataclass(frozen=True)
class Quote:
    """A validated, priced order that has not been placed (the portal's review page)."""

    company: Company
    lines: list[PricedLine]
    totals: Totals
    coupon: Coupon | None
    shipping_method: str
    shipping_address: dict
    address_on_file: bool
    po_number: str
    notes: str
    promised_delivery_date: dt.date
    #: the company's currency: every amount of the quote is in it
    currency: str = "EUR"
    fiscal_position: str = fiscal.FiscalPosition.DOMESTIC
    seller_vat_number: str = ""
    customer_vat_number: str = ""


def fiscal_position_of(company: Company) -> str:
    """The fiscal position of a sale to ``company`` now: its billing country and its EU
    VAT number against the seller's country (``core.fiscal``)."""
    return fiscal.fiscal_position(
        seller_country=fiscal.seller_country(),
        customer_country=company.country,
        vat_number=company.vat_number,
    )


def quote_order(
    *,
    company: Company,
    lines,
    shipping_method: str = ShippingMethod.STANDARD,
    shipping_address=None,
    coupon: str | Coupon | None = None,
    po_number: str = "",
    notes: str = "",
) -> Quote:
    """Validate and price an order without writing anything; raises ``InvalidOrder``
    (every field error at once) or ``CouponNotApplicable`` (only the coupon is wrong)."""
    errors: dict[str, list[str]] = {}
    pairs, line_errors = normalize_lines(lines)
    errors.update(line_errors)
    if shipping_method not in ShippingMethod.values:
        errors["shipping_method"] = [
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(ShippingMethod.values)}
        ]
    po_number = _clean_text(po_number, field="po_number", max_length=50, errors=errors)
    notes = _clean_text(notes, field="notes", max_length=2000, errors=errors)
    address, on_file = _resolve_shipping_address(company, shipping_address, errors)

    position = fiscal_position_of(company)
    priced: list[PricedLine] = []
    if pairs:
        wanted = {sku for sku, _q, _i in pairs} | {sku.upper() for sku, _q, _i in pairs}
        products = {p.sku: p for p in Product.objects.filter(sku__in=wanted)}
        # product pk -> [product, quantity, first position]; two spellings of the same
        # SKU ("abc", "ABC") are one line too.
        found: dict[int, list] = {}
        for sku, quantity, index in pairs:
            product = products.get(sku) or products.get(sku.upper())
            if product is None:
                errors[f"lines.{index}.sku"] = [_("Unknown SKU: %(sku)s.") % {"sku": sku}]
                continue
            if not product.active:
                errors[f"lines.{index}.sku"] = [
                    _("%(sku)s is no longer sold.") % {"sku": product.sku}
                ]
                continue
            if product.pk in found:
                found[product.pk][1] += quantity
            else:
                found[product.pk] = [product, quantity, index]
        # The company's prices (contract > quantity break > list), in its currency.
        prices = resolve_prices(company, [(p, q) for p, q, _i in found.values()])
        for product, quantity, index in found.values():
            resolved = prices[product.pk]
            if not resolved.orderable:
                errors[f"lines.{index}.sku"] = [resolved.reason]
                continue
            priced.append(
                PricedLine(
                    product=product,
                    sku=product.sku,
                    name=i18n.text_in(product, "name", company.language),
                    list_price=resolved.list_price or resolved.base_price,
                    unit_price=resolved.unit_price,
                    vat_rate=fiscal.vat_rate_for(position, product.tax_category),
                    quantity=quantity,
                    line_total=resolved.unit_price * quantity,
                    price_source=resolved.source,
                    tax_category=product.tax_category,
                )
            )

    coupon_obj = None
    coupon_error = None
    if coupon not in (None, ""):
        coupon_obj = coupon if isinstance(coupon, Coupon) else find_coupon(coupon)
        if coupon_obj is None:
            coupon_error = _("Unknown coupon code.")
        elif not errors:
            subtotal = sum((line.line_total for line in priced), Decimal("0.00"))
            coupon_error = coupon_problem(
                coupon_obj, subtotal, currency=company.currency, company_id=company.pk
            )
    if errors:
        if coupon_error:
            errors["coupon"] = [coupon_error]
        raise InvalidOrder(errors)
    if coupon_error:
        raise CouponNotApplicable(coupon_error)

    totals = totals_for(
        priced, coupon=coupon_obj, shipping_method=shipping_method, currency=company.currency
    )
    return Quote(
        company=company,
        lines=priced,
        totals=totals,
        coupon=coupon_obj,
        shipping_method=shipping_method,
        shipping_address=address,
        address_on_file=on_file,
        po_number=po_number,
        notes=notes,
        promised_delivery_date=promised_date(shipping_method),
        currency=company.currency,
        fiscal_position=position,
        seller_vat_number=fiscal.seller_vat_number(),
        customer_vat_number=fiscal.normalize_vat_number(company.vat_number),
    )
