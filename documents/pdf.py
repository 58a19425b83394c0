"""What each PDF shows: context builders over the snapshot (invoices) or the order
(packing list, shipping label), and ``render_document`` for a ``DocumentFile``."""

from __future__ import annotations

import base64
import io
import re
from collections import OrderedDict
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy

from core.countries import COUNTRIES
from core.fiscal import FiscalPosition
from customers.models import PaymentTerms
from orders.models import Order

from .models import DocumentFile, DocumentKind, Invoice
from .rendering import render_pdf
from .verifactu.qr import qr_context

TEMPLATES = {
    DocumentKind.INVOICE: "documents/pdf/invoice.html",
    DocumentKind.CREDIT_NOTE: "documents/pdf/invoice.html",
    DocumentKind.PACKING_LIST: "documents/pdf/packing_list.html",
    DocumentKind.SHIPPING_LABEL: "documents/pdf/shipping_label.html",
}
_COUNTRY_NAMES = dict(COUNTRIES)


def country_name(code: str) -> str:
    return str(_COUNTRY_NAMES.get(code, code or ""))


def code128_svg(value: str) -> str:
    """A Code 128 barcode of ``value`` as a ``data:`` URI (SVG, drawn locally)."""
    import barcode
    from barcode.writer import SVGWriter

    out = io.BytesIO()
    barcode.get("code128", value, writer=SVGWriter()).write(
        out,
        options={"write_text": False, "module_height": 15.0, "module_width": 0.33, "quiet_zone": 3},
    )
    svg = re.sub(rb"<!DOCTYPE[^>]*>", b"", out.getvalue(), flags=re.S)
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _seller():
    return {key: str(value) for key, value in settings.SELLER.items()}


#: What an invoice says of a supply without VAT, with its legal basis (a Spanish seller:
#: Ley 37/1992 del IVA), printed in the invoice's language.
LEGAL_MENTIONS = {
    FiscalPosition.INTRA_EU: gettext_lazy("Exempt intra-Community supply (art. 25 Ley 37/1992)"),
    FiscalPosition.EXPORT: gettext_lazy("Exempt export (art. 21 Ley 37/1992)"),
}


def invoice_context(invoice: Invoice, lines=None) -> dict:
    """Everything an invoice or credit note prints, from its snapshot only."""
    lines = list(invoice.lines.all()) if lines is None else lines
    customer = dict(invoice.customer)
    customer["country_name"] = country_name(customer.get("country", ""))
    shipping = dict(invoice.shipping_address or {})
    shipping["country_name"] = country_name(shipping.get("country", ""))
    breakdown = [
        {
            "rate": Decimal(row["rate"]),
            "base": Decimal(row["base"]),
            "tax": Decimal(row["tax"]),
            "total": Decimal(row["base"]) + Decimal(row["tax"]),
        }
        for row in invoice.tax_breakdown
    ]
    return {
        "invoice": invoice,
        "lines": lines,
        "seller": invoice.seller,
        "customer": customer,
        "shipping_address": shipping,
        "breakdown": breakdown,
        "tax_base": sum((row["base"] for row in breakdown), Decimal("0.00")),
        "payment_terms": PaymentTerms(invoice.payment_terms).label
        if invoice.payment_terms in PaymentTerms.values
        else invoice.payment_terms,
        "is_prepaid": invoice.payment_terms == PaymentTerms.PREPAID,
        "corrects": invoice.corrects,
        "legal_mention": str(LEGAL_MENTIONS.get(invoice.fiscal_position, "")),
        "seller_vat_number": invoice.seller_vat_number,
        "verifactu_qr": qr_context(invoice),
    }


def _allocations(order: Order) -> OrderedDict:
    """``{warehouse: [(line, quantity), ...]}`` from the lines' reservations."""
    from inventory.models import StockItem, Warehouse

    lines = list(order.lines.select_related("product").order_by("position"))
    by_code: OrderedDict = OrderedDict()
    for line in lines:
        # A line wholly backordered has nothing reserved yet: nothing to pick.
        allocations = line.allocations or (
            [] if line.backordered_quantity else [{"warehouse": "", "quantity": line.quantity}]
        )
        for allocation in allocations:
            by_code.setdefault(allocation.get("warehouse", ""), []).append(
                (line, int(allocation.get("quantity", line.quantity)))
            )
    warehouses = {w.code: w for w in Warehouse.objects.filter(code__in=by_code)}
    # The bin location of each (product, warehouse), for the packing list's column.
    locations = {
        (product_id, code): bin_location
        for product_id, code, bin_location in StockItem.objects.filter(
            product__in=[line.product_id for line in lines], warehouse__code__in=by_code
        )
        .exclude(bin_location="")
        .values_list("product_id", "warehouse__code", "bin_location")
    }
    groups = OrderedDict()
    for code, rows in by_code.items():
        groups[code] = {
            "warehouse": warehouses.get(code),
            "code": code,
            "rows": [
                {
                    "sku": line.sku,
                    "description": line.name,
                    "quantity": quantity,
                    "location": locations.get((line.product_id, code), ""),
                    "weight": (line.product.weight_kg or Decimal("0")) * quantity,
                }
                for line, quantity in rows
            ],
        }
        groups[code]["units"] = sum(row["quantity"] for row in groups[code]["rows"])
        groups[code]["weight"] = sum(
            (row["weight"] for row in groups[code]["rows"]), Decimal("0.000")
        )
    return groups


def _shipping_address(order: Order) -> dict:
    address = dict(order.shipping_address or {})
    address["country_name"] = country_name(address.get("country", ""))
    return address


def packing_list_context(order: Order) -> dict:
    return {
        "order": order,
        "seller": _seller(),
        "company": order.company,
        "shipping_address": _shipping_address(order),
        "groups": list(_allocations(order).values()),
        # Backordered units are not picked: they ship when stock arrives.
        "backorders": [line for line in order.lines.all() if line.backordered_quantity],
    }


def shipping_label_context(order: Order) -> dict:
    groups = list(_allocations(order).values())
    return {
        "order": order,
        "seller": _seller(),
        "company": order.company,
        "shipping_address": _shipping_address(order),
        "groups": groups,
        "parcels": len(groups),
        "barcode": code128_svg(order.number),
    }


def render_invoice(invoice: Invoice, lines=None) -> bytes:
    # The context is built in the document's language too: country names and labels
    # are evaluated there, not in the worker's default language.
    with translation.override(invoice.language):
        context = invoice_context(invoice, lines)
    return render_pdf(TEMPLATES[invoice.kind], context, language=invoice.language)


def render_document(document: DocumentFile) -> bytes:
    """The PDF bytes of one document file."""
    if document.kind in (DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE):
        return render_invoice(document.invoice)
    order = Order.objects.select_related("company", "carrier").get(pk=document.order_id)
    language = order.company.language
    with translation.override(language):
        if document.kind == DocumentKind.PACKING_LIST:
            context = packing_list_context(order)
        else:
            context = shipping_label_context(order)
    return render_pdf(TEMPLATES[document.kind], context, language=language)
