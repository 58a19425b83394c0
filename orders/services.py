"""The only code that creates or changes orders: placement and every transition.

The back-office, the portal and the API call these same functions. Each service is
one transaction (the API runs it inside the request's transaction, which also stores
the ``Idempotency-Key`` answer, so the effect and its answer commit together);
transitions lock the order row
(``SELECT ... FOR UPDATE``) and re-check its state under the lock, so two clicks on
"ship" never ship twice. Stock moves only through ``inventory.services``.

``actor`` is a ``customers.User`` (staff or customer), a ``core.ApiKey`` or None (the
system); ``orders.permissions`` decides which actor owns which action.

Lines: ``[{"sku": "ABC", "quantity": 3}, ...]`` (or ``(sku, quantity)`` pairs). The same
SKU given twice is merged into one line (quantities added, first position kept).
Quantities are whole numbers from 1 to ``MAX_LINE_QUANTITY`` (ints, or strings of
digits as typed in a form).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from apikeys.models import ApiKey
from core.countries import COUNTRIES
from core.money import CENT
from core.numbering import next_number
from customers.models import Address, Company, PaymentTerms
from inventory import services as inventory
from inventory.models import Product

from . import events
from .checks import open_exposure, preparation_checks
from .errors import (
    ChecksFailed,
    CouponNotApplicable,
    CustomerBlocked,
    InvalidInput,
    InvalidOrder,
    NotAllowed,
    TransitionNotAllowed,
)
from .models import (
    Carrier,
    Channel,
    Coupon,
    EventKind,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentStatus,
    ShippingMethod,
)
from .permissions import ACTION_LABELS, allowed, customer_cancel_window, is_customer_actor
from .pricing import Totals, totals_for, unit_price

ORDER_SERIES = "PED"
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


# --- input helpers ---------------------------------------------------------------------


def _user(actor):
    if actor is None or isinstance(actor, ApiKey) or not getattr(actor, "pk", None):
        return None
    return actor


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


def coupon_problem(coupon: Coupon, subtotal: Decimal, *, today=None) -> str | None:
    """Why ``coupon`` cannot be used on an order of ``subtotal`` (None: it can)."""
    today = today or timezone.localdate()
    if not coupon.active:
        return _("The coupon %(code)s is not active.") % {"code": coupon.code}
    if today < coupon.valid_from:
        return _("The coupon %(code)s is valid from %(date)s.") % {
            "code": coupon.code,
            "date": coupon.valid_from.isoformat(),
        }
    if today > coupon.valid_until:
        return _("The coupon %(code)s expired on %(date)s.") % {
            "code": coupon.code,
            "date": coupon.valid_until.isoformat(),
        }
    if coupon.usage_limit is not None and coupon.times_used >= coupon.usage_limit:
        return _("The coupon %(code)s has been used up.") % {"code": coupon.code}
    if subtotal < coupon.minimum_order:
        return _("The coupon %(code)s needs an order of at least %(amount)s.") % {
            "code": coupon.code,
            "amount": coupon.minimum_order,
        }
    return None


def add_business_days(start: dt.date, days: int) -> dt.date:
    current = start
    while days > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


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

    priced: list[PricedLine] = []
    if pairs:
        wanted = {sku for sku, _q, _i in pairs} | {sku.upper() for sku, _q, _i in pairs}
        products = {p.sku: p for p in Product.objects.filter(sku__in=wanted)}
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
            price = unit_price(product.unit_price, company.discount_percent)
            priced.append(
                PricedLine(
                    product=product,
                    sku=product.sku,
                    name=product.name,
                    list_price=product.unit_price,
                    unit_price=price,
                    vat_rate=product.vat_rate,
                    quantity=quantity,
                    line_total=price * quantity,
                )
            )
        # Two spellings of the same SKU ("abc", "ABC") are one line too.
        if len({line.product.pk for line in priced}) != len(priced):
            merged: dict[int, PricedLine] = {}
            for line in priced:
                if line.product.pk in merged:
                    first = merged[line.product.pk]
                    qty = first.quantity + line.quantity
                    merged[line.product.pk] = PricedLine(
                        **{**first.__dict__, "quantity": qty, "line_total": first.unit_price * qty}
                    )
                else:
                    merged[line.product.pk] = line
            priced = list(merged.values())

    coupon_obj = None
    coupon_error = None
    if coupon not in (None, ""):
        coupon_obj = coupon if isinstance(coupon, Coupon) else find_coupon(coupon)
        if coupon_obj is None:
            coupon_error = _("Unknown coupon code.")
        elif not errors:
            subtotal = sum((line.line_total for line in priced), Decimal("0.00"))
            coupon_error = coupon_problem(coupon_obj, subtotal)
    if errors:
        if coupon_error:
            errors["coupon"] = [coupon_error]
        raise InvalidOrder(errors)
    if coupon_error:
        raise CouponNotApplicable(coupon_error)

    totals = totals_for(priced, coupon=coupon_obj, shipping_method=shipping_method)
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
    )


# --- placement -------------------------------------------------------------------------


def _company_for(actor, company) -> Company:
    if isinstance(actor, ApiKey) and actor.company_id is not None:
        if company is not None and getattr(company, "pk", company) != actor.company_id:
            raise NotAllowed()
        return actor.company
    if actor is not None and getattr(actor, "company_id", None) is not None:
        if company is not None and getattr(company, "pk", company) != actor.company_id:
            raise NotAllowed()
        return actor.company
    if company is None:
        raise InvalidOrder({"customer": [_("Choose the customer.")]})
    return company


def _channel_for(actor) -> str:
    if isinstance(actor, ApiKey):
        return Channel.API
    if actor is not None and getattr(actor, "company_id", None) is not None:
        return Channel.PORTAL
    return Channel.BACKOFFICE


def _auto_hold_reasons(order: Order, quote: Quote) -> list[str]:
    reasons = []
    company = quote.company
    threshold = Decimal(settings.AUTO_HOLD_FIRST_ORDER_ABOVE)
    if order.total > threshold and not (
        Order.objects.filter(company=company)
        .exclude(pk=order.pk)
        .exclude(status=OrderStatus.CANCELADO)
        .exists()
    ):
        reasons.append(_("First order of this customer above %(amount)s.") % {"amount": threshold})
    if company.payment_terms != PaymentTerms.PREPAID:
        exposure = open_exposure(company)
        if exposure > company.credit_limit:
            reasons.append(
                _("Over the credit limit: %(exposure)s open of %(limit)s.")
                % {"exposure": exposure, "limit": company.credit_limit}
            )
    if not quote.address_on_file:
        reasons.append(_("Shipping address not on file."))
    return reasons


def place_order(
    *,
    actor,
    lines,
    company: Company | None = None,
    po_number: str = "",
    shipping_method: str = ShippingMethod.STANDARD,
    shipping_address=None,
    notes: str = "",
    coupon: str | Coupon | None = None,
    channel: str | None = None,
) -> Order:
    """Place an order: validate, price, reserve the stock (all lines or none), number it,
    apply the automatic hold rules, record the events. Raises ``InvalidOrder``,
    ``CouponNotApplicable``, ``InsufficientStock`` (per-line availability),
    ``CustomerBlocked`` or ``NotAllowed``; nothing is written when it raises."""
    company = _company_for(actor, company)
    if not allowed(actor, "place", company_id=company.pk):
        raise NotAllowed()
    if company.is_blocked:
        raise CustomerBlocked()
    quote = quote_order(
        company=company,
        lines=lines,
        shipping_method=shipping_method,
        shipping_address=shipping_address,
        coupon=coupon,
        po_number=po_number,
        notes=notes,
    )
    user = _user(actor)
    with transaction.atomic():
        totals = quote.totals
        order = Order(
            number=next_number(ORDER_SERIES),
            company=company,
            placed_by=user,
            api_key=actor if isinstance(actor, ApiKey) else None,
            channel=channel or _channel_for(actor),
            po_number=quote.po_number,
            shipping_method=quote.shipping_method,
            shipping_address=quote.shipping_address,
            shipping_address_on_file=quote.address_on_file,
            billing_address={
                "legal_name": company.legal_name,
                "tax_id": company.tax_id,
                "email": company.email,
                "phone": company.phone,
                **address_snapshot(company),
            },
            notes=quote.notes,
            coupon=quote.coupon,
            currency=company.currency,
            customer_discount_percent=company.discount_percent,
            promised_delivery_date=quote.promised_delivery_date,
            **totals.as_dict(),
        )
        order.save()
        allocations = inventory.reserve(
            lines=[(line.product, line.quantity) for line in quote.lines],
            user=user,
            reference=order.number,
            reference_object=order,
        )
        if quote.coupon is not None:
            redeemed = (
                Coupon.objects.filter(pk=quote.coupon.pk, active=True)
                .filter(Q(usage_limit__isnull=True) | Q(times_used__lt=F("usage_limit")))
                .update(times_used=F("times_used") + 1)
            )
            if not redeemed:
                raise CouponNotApplicable(
                    _("The coupon %(code)s has been used up.") % {"code": quote.coupon.code}
                )
        by_line: dict[int, list[dict]] = {}
        for allocation in allocations:
            by_line.setdefault(allocation.line, []).append(
                {
                    "warehouse": allocation.warehouse_code,
                    "warehouse_id": allocation.warehouse_id,
                    "product_id": allocation.product_id,
                    "quantity": allocation.quantity,
                }
            )
        order_lines = OrderLine.objects.bulk_create(
            [
                OrderLine(
                    order=order,
                    position=index + 1,
                    product=line.product,
                    sku=line.sku,
                    name=line.name,
                    list_price=line.list_price,
                    unit_price=line.unit_price,
                    vat_rate=line.vat_rate,
                    quantity=line.quantity,
                    line_total=line.line_total,
                    allocations=by_line.get(index, []),
                )
                for index, line in enumerate(quote.lines)
            ]
        )
        # Hold reasons are notes for staff: written in the seller's language, not in
        # the language of whoever placed the order.
        with translation.override(settings.LANGUAGE_CODE):
            reasons = _auto_hold_reasons(order, quote)
        if reasons:
            order.on_hold = True
            order.hold_reason = "\n".join(reasons)
            order.save()
        events.order_placed_event(order=order, actor=actor)
        events.publish(events.ORDER_CREATED, events.created_payload(order, order_lines))
        if reasons:
            events.order_held_event(order=order, actor=None, note=order.hold_reason, automatic=True)
            events.publish(
                events.ORDER_HELD,
                events.held_payload(order, reasons=reasons, automatic=True, actor=None),
            )
    return order


# --- transitions -----------------------------------------------------------------------


def _lock(order: Order) -> Order:
    """The order re-read under a row lock (its state may have changed meanwhile)."""
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("company", "carrier", "placed_by", "coupon")
        .get(pk=order.pk)
    )


def _ensure_allowed(actor, action: str, order: Order) -> None:
    if not allowed(actor, action, order=order):
        raise NotAllowed()


def _not_now(order: Order, action: str, message=None) -> TransitionNotAllowed:
    return TransitionNotAllowed(
        action=str(ACTION_LABELS[action]),
        status=str(order.get_status_display()),
        message=message,
    )


def _finish_transition(order: Order, *, actor, kind: str, from_status: str, note="", data=None):
    order.save()
    events.order_status_event(
        order=order, actor=actor, kind=kind, from_status=from_status, note=note, data=data
    )
    events.publish(
        events.ORDER_STATUS_CHANGED,
        events.status_changed_payload(order, from_status=from_status, actor=actor, note=note),
    )


def _sync(target: Order, source: Order) -> Order:
    """Copy the locked, changed row's state into the caller's instance."""
    target.__dict__.update(
        {k: v for k, v in source.__dict__.items() if not k.startswith("_") or k == "_state"}
    )
    target._update_initial_state()
    return target


def prepare_order(*, order: Order, actor, note: str = "") -> Order:
    """pendiente -> en_preparacion: only when not held and the three checks pass."""
    with transaction.atomic():
        locked = _lock(order)
        _ensure_allowed(actor, "prepare", locked)
        if locked.status != OrderStatus.PENDIENTE:
            raise _not_now(locked, "prepare")
        if locked.on_hold:
            raise _not_now(
                locked, "prepare", _("The order is on hold: release it before preparing it.")
            )
        checks = preparation_checks(locked)
        if not all(check.passed for check in checks):
            raise ChecksFailed(checks)
        from_status = locked.status
        locked.prepare()
        if locked.company.payment_terms != PaymentTerms.PREPAID:
            locked.payment_due = timezone.localdate() + dt.timedelta(
                days=locked.company.payment_terms_days
            )
        _finish_transition(
            locked, actor=actor, kind=EventKind.PREPARED, from_status=from_status, note=note
        )
    return _sync(order, locked)


def resolve_carrier(value) -> Carrier | None:
    """A carrier by code or name, case-insensitive (``seur``, ``SEUR``, ``Correos Express``)."""
    if isinstance(value, Carrier):
        return value
    if not isinstance(value, str) or not value.strip() or "\x00" in value:
        return None
    value = value.strip()
    return Carrier.objects.filter(
        Q(code__iexact=value) | Q(name__iexact=value), active=True
    ).first()


def _today() -> dt.date:
    return timezone.localdate()


def _parse_date(value, *, field: str, errors: dict) -> dt.date | None:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    errors[field] = [_("Enter a date (YYYY-MM-DD).")]
    return None


def _parse_datetime(value, *, field: str, errors: dict) -> dt.datetime | None:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            errors[field] = [_("Enter a date and time (ISO 8601).")]
            return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(12, 0))
    if not isinstance(value, dt.datetime):
        errors[field] = [_("Enter a date and time (ISO 8601).")]
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        value.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        errors[field] = [_("Enter a valid date and time.")]
        return None
    if value > timezone.now() + dt.timedelta(seconds=5):
        errors[field] = [_("This cannot be in the future.")]
        return None
    return value


def ship_order(
    *,
    order: Order,
    actor,
    carrier,
    tracking_number: str,
    estimated_delivery,
    note: str = "",
) -> Order:
    """en_preparacion -> enviado with carrier (code or name), tracking number and the
    estimated delivery date (not before today); the reserved stock leaves the warehouse."""
    errors: dict[str, list[str]] = {}
    carrier_obj = resolve_carrier(carrier)
    if carrier_obj is None:
        errors["carrier"] = [_("Unknown carrier: give a configured carrier's code or name.")]
    tracking_number = _clean_text(
        tracking_number, field="tracking_number", max_length=100, errors=errors, required=True
    )
    estimated = _parse_date(estimated_delivery, field="estimated_delivery", errors=errors)
    if estimated is not None and estimated < _today():
        errors["estimated_delivery"] = [_("The estimated delivery cannot be before today.")]
    note = _clean_text(note, field="note", max_length=2000, errors=errors)
    with transaction.atomic():
        locked = _lock(order)
        _ensure_allowed(actor, "ship", locked)
        if locked.status != OrderStatus.EN_PREPARACION:
            raise _not_now(locked, "ship")
        if locked.on_hold:
            raise _not_now(locked, "ship", _("The order is on hold: release it before shipping."))
        if errors:
            raise InvalidInput(errors)
        from_status = locked.status
        locked.carrier = carrier_obj
        locked.tracking_number = tracking_number
        locked.estimated_delivery = estimated
        locked.ship()
        inventory.ship(reference_object=locked, user=_user(actor), reference=locked.number)
        _finish_transition(
            locked,
            actor=actor,
            kind=EventKind.SHIPPED,
            from_status=from_status,
            note=note,
            data={
                "carrier": carrier_obj.code,
                "tracking_number": tracking_number,
                "estimated_delivery": estimated.isoformat(),
            },
        )
    return _sync(order, locked)


def deliver_order(*, order: Order, actor, delivered_at=None, note: str = "") -> Order:
    """enviado -> entregado; ``delivered_at`` defaults to now, may be any past time,
    never in the future."""
    errors: dict[str, list[str]] = {}
    when = (
        timezone.now()
        if delivered_at in (None, "")
        else _parse_datetime(delivered_at, field="delivered_at", errors=errors)
    )
    note = _clean_text(note, field="note", max_length=2000, errors=errors)
    with transaction.atomic():
        locked = _lock(order)
        _ensure_allowed(actor, "deliver", locked)
        if locked.status != OrderStatus.ENVIADO:
            raise _not_now(locked, "deliver")
        if errors:
            raise InvalidInput(errors)
        from_status = locked.status
        locked.delivered_at = when
        locked.deliver()
        _finish_transition(
            locked,
            actor=actor,
            kind=EventKind.DELIVERED,
            from_status=from_status,
            note=note,
            data={"delivered_at": when.isoformat()},
        )
    return _sync(order, locked)


def cancel_order(*, order: Order, actor, reason: str) -> Order:
    """pendiente or en_preparacion -> cancelado (customers: only while pendiente); the
    reason is required; reserved stock is released and the coupon use given back."""
    errors: dict[str, list[str]] = {}
    reason = _clean_text(reason, field="reason", max_length=1000, errors=errors, required=True)
    with transaction.atomic():
        locked = _lock(order)
        _ensure_allowed(actor, "cancel", locked)
        if not can_proceed(locked.cancel, check_conditions=False):
            raise _not_now(locked, "cancel")
        if is_customer_actor(actor) and not customer_cancel_window(locked):
            raise _not_now(
                locked,
                "cancel",
                _("Only pending orders can be cancelled here; please contact us."),
            )
        if errors:
            raise InvalidInput(errors)
        from_status = locked.status
        locked.cancel_reason = reason
        locked.on_hold = False  # nothing left to review on a cancelled order
        locked.cancel()
        inventory.release(
            reference_object=locked,
            user=_user(actor),
            reason=_("Order cancelled"),
            reference=locked.number,
        )
        if locked.coupon_id:
            Coupon.objects.filter(pk=locked.coupon_id, times_used__gt=0).update(
                times_used=F("times_used") - 1
            )
        _finish_transition(
            locked, actor=actor, kind=EventKind.CANCELLED, from_status=from_status, note=reason
        )
    return _sync(order, locked)


# --- holds, payments, notes --------------------------------------------------------------


def hold_order(*, order: Order, actor, note: str) -> Order:
    """Hold an open (pending or in preparation) order for review, with a note."""
    errors: dict[str, list[str]] = {}
    note = _clean_text(note, field="note", max_length=2000, errors=errors, required=True)
    with transaction.atomic():
        locked = _lock(order)
        _ensure_allowed(actor, "hold", locked)
        if locked.status not in (OrderStatus.PENDIENTE, OrderStatus.EN_PREPARACION):
            raise _not_now(locked, "hold")
        if locked.on_hold:
            raise _not_now(locked, "hold", _("The order is already on hold."))
        if errors:
            raise InvalidInput(errors)
        locked.on_hold = True
        locked.hold_reason = note
        locked.save()
        events.order_held_event(order=locked, actor=actor, note=note, automatic=False)
        events.publish(
            events.ORDER_HELD,
            events.held_payload(locked, reasons=[note], automatic=False, actor=actor),
        )
    return _sync(order, locked)


def release_order(*, order: Order, actor, note: str) -> Order:
    """Release a held order with a note; it may then enter preparation."""
    errors: dict[str, list[str]] = {}
    note = _clean_text(note, field="note", max_length=2000, errors=errors, required=True)
    with transaction.atomic():
        locked = _lock(order)
        _ensure_allowed(actor, "release", locked)
        if not locked.on_hold:
            raise _not_now(locked, "release", _("The order is not on hold."))
        if errors:
            raise InvalidInput(errors)
        locked.on_hold = False
        locked.save()
        events.order_released_event(order=locked, actor=actor, note=note)
    return _sync(order, locked)


def _parse_amount(value, errors: dict) -> Decimal | None:
    if isinstance(value, bool | float):
        amount = None
    else:
        try:
            amount = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            amount = None
    if amount is None or not amount.is_finite():
        errors["amount"] = [_("Enter an amount, e.g. 125.50.")]
        return None
    if amount != amount.quantize(CENT):
        errors["amount"] = [_("At most two decimals.")]
        return None
    if amount <= 0:
        errors["amount"] = [_("The amount must be greater than zero.")]
        return None
    if amount > MAX_AMOUNT:
        errors["amount"] = [_("The amount is too large.")]
        return None
    return amount.quantize(CENT)


def record_payment(*, order: Order, actor, amount, paid_at=None, reference: str = "") -> Payment:
    """Record a payment (> 0, in the order's currency, at most the balance due);
    ``paid_at`` defaults to now, never in the future. Updates the payment status."""
    errors: dict[str, list[str]] = {}
    amount = _parse_amount(amount, errors)
    when = (
        timezone.now()
        if paid_at in (None, "")
        else _parse_datetime(paid_at, field="paid_at", errors=errors)
    )
    reference = _clean_text(reference, field="reference", max_length=100, errors=errors)
    with transaction.atomic():
        locked = _lock(order)
        _ensure_allowed(actor, "record_payment", locked)
        if locked.status == OrderStatus.CANCELADO:
            raise _not_now(locked, "record_payment")
        if amount is not None and amount > locked.balance_due:
            errors["amount"] = [
                _("More than the balance due (%(due)s %(currency)s).")
                % {"due": locked.balance_due, "currency": locked.currency}
            ]
        if errors:
            raise InvalidInput(errors)
        payment = Payment.objects.create(
            order=locked,
            amount=amount,
            paid_at=when,
            reference=reference,
            recorded_by=_user(actor),
        )
        locked.amount_paid = locked.amount_paid + amount
        locked.payment_status = (
            PaymentStatus.PAID if locked.amount_paid >= locked.total else PaymentStatus.PARTIAL
        )
        locked.save()
        events.order_payment_event(order=locked, actor=actor, payment=payment)
    _sync(order, locked)
    return payment


def add_order_note(*, order: Order, actor, note: str, customer_visible: bool = False):
    """A staff note on the order's timeline (optionally shown to the customer)."""
    errors: dict[str, list[str]] = {}
    note = _clean_text(note, field="note", max_length=2000, errors=errors, required=True)
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        locked = _lock(order)
        _ensure_allowed(actor, "add_note", locked)
        Order.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
        return events.order_note_event(
            order=locked, actor=actor, note=note, customer_visible=bool(customer_visible)
        )


# --- catalog of coupons and carriers (back-office) ----------------------------------------


def _save_clean(instance, fields: dict[str, Any]):
    from django.core.exceptions import ValidationError

    for name, value in fields.items():
        setattr(instance, name, value)
    try:
        instance.full_clean()
    except ValidationError as error:
        raise InvalidOrder(error.message_dict, message=_("Some fields are invalid.")) from error
    instance.save()
    return instance


@transaction.atomic
def save_coupon(*, actor, coupon: Coupon | None = None, **fields: Any) -> Coupon:
    """Create or change a coupon (its code is stored in capitals)."""
    if "code" in fields:
        fields["code"] = str(fields["code"]).strip().upper()
    return _save_clean(coupon or Coupon(), fields)


@transaction.atomic
def save_carrier(*, actor, carrier: Carrier | None = None, **fields: Any) -> Carrier:
    """Create or change a carrier."""
    if "code" in fields:
        fields["code"] = str(fields["code"]).strip().lower()
    return _save_clean(carrier or Carrier(), fields)
