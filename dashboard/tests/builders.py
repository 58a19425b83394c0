"""A small hand-built data set for the KPI tests: rows created directly (no services)
so each timestamp is exactly what the test says."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from decimal import Decimal

from complaints.models import Complaint
from documents.models import Invoice, InvoiceKind
from inventory.tests.factories import ProductFactory
from orders.models import Channel, Order, OrderLine
from returns.models import Return, ReturnLine, ReturnReason

MADRID = zoneinfo.ZoneInfo("Europe/Madrid")
_numbers = itertools.count(1)


def madrid(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=MADRID)


def make_order(
    company,
    *,
    placed: dt.datetime,
    status: str = "pendiente",
    quantity: int = 1,
    total: str = "100.00",
    **fields,
) -> Order:
    n = next(_numbers)
    order = Order.objects.create(
        number=f"PED-2026-8{n:05d}",
        company=company,
        channel=Channel.PORTAL,
        currency=fields.pop("currency", company.currency),
        subtotal=Decimal(total),
        total=Decimal(total),
        **fields,
    )
    product = ProductFactory()
    OrderLine.objects.create(
        order=order,
        position=1,
        product=product,
        sku=product.sku,
        name=product.name,
        list_price=Decimal(total) / quantity,
        unit_price=Decimal(total) / quantity,
        vat_rate=Decimal("21.00"),
        quantity=quantity,
        line_total=Decimal(total),
    )
    Order.objects.filter(pk=order.pk).update(created_at=placed, status=status)
    order.refresh_from_db()
    return order


def make_delivered(
    company,
    carrier,
    shipped: dt.datetime,
    delivered: dt.datetime,
    *,
    promised=None,
    service="standard",
) -> Order:
    """An order placed the day before ``shipped``, delivered at ``delivered`` by
    ``carrier`` with ``service``, its transit in business days stored as delivery does."""
    from orders.transit import transit_business_days

    return make_order(
        company,
        placed=shipped - dt.timedelta(days=1),
        status="entregado",
        carrier=carrier,
        shipping_method=service,
        shipped_at=shipped,
        delivered_at=delivered,
        promised_delivery_date=promised,
        transit_business_days=transit_business_days(shipped, delivered),
    )


def make_return(
    order,
    *,
    requested: dt.datetime,
    quantity: int = 1,
    reason: str = "defective",
    status: str = "solicitada",
    refund_total=None,
) -> Return:
    n = next(_numbers)
    ret = Return.objects.create(
        number=f"DEV-2026-8{n:05d}",
        order=order,
        company=order.company,
        channel="portal",
        requested_resolution="refund",
        resolution="refund",
        return_shipping_payer="seller",
        currency=order.currency,
        refund_total=refund_total,
    )
    line = order.lines.first()
    ReturnLine.objects.create(
        ret=ret,
        position=1,
        order_line=line,
        product=line.product,
        sku=line.sku,
        name=line.name,
        quantity=quantity,
        reason=ReturnReason.objects.get(code=reason),
    )
    Return.objects.filter(pk=ret.pk).update(created_at=requested, status=status)
    ret.refresh_from_db()
    return ret


def _document(ret, issued: dt.datetime, *, corrects=None) -> Invoice:
    n = next(_numbers)
    amount = Decimal("-10.00") if corrects else Decimal("10.00")
    return Invoice.objects.create(
        kind=InvoiceKind.CREDIT_NOTE if corrects else InvoiceKind.INVOICE,
        number=f"{'AB' if corrects else 'FV'}-2026-8{n:05d}",
        order=ret.order,
        company=ret.company,
        corrects=corrects,
        reason_code="correction" if corrects else "",
        issued_at=issued,
        issue_date=issued.date(),
        due_date=issued.date(),
        language="es",
        currency=ret.currency,
        seller={},
        customer={},
        order_number=ret.order.number,
        payment_terms="net30",
        subtotal=amount,
        discount=Decimal("0.00"),
        shipping=Decimal("0.00"),
        tax=Decimal("0.00"),
        total=amount,
    )


def credit_note(ret, issued: dt.datetime) -> Invoice:
    invoice = _document(ret, issued - dt.timedelta(days=30))
    note = _document(ret, issued, corrects=invoice)
    Return.objects.filter(pk=ret.pk).update(credit_note=note)
    return note


def make_complaint(company, *, filed: dt.datetime, status: str = "abierta", **fields) -> Complaint:
    n = next(_numbers)
    complaint = Complaint.objects.create(
        number=f"REC-2026-8{n:05d}",
        company=company,
        channel="portal",
        category="quality",
        description="Broken",
        filed_at=filed,
        **fields,
    )
    Complaint.objects.filter(pk=complaint.pk).update(status=status)
    complaint.refresh_from_db()
    return complaint
