"""The return label PDF: the RMA number as a Code 128 barcode (``python-barcode``'s SVG
writer, through ``documents.pdf.code128_svg``), the return warehouse's address, the
sender, the goods expected and the instructions, in the company's language; rendered by
WeasyPrint with the documents' renderer (local fonts, no network)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from documents.pdf import code128_svg, country_name
from documents.rendering import render_pdf

from .models import Return

TEMPLATE = "returns/pdf/label.html"


def return_warehouse(ret: Return):
    """Where the goods go back: the return's warehouse, else the default one."""
    from inventory.models import Warehouse

    if ret.warehouse_id:
        return ret.warehouse
    return Warehouse.objects.filter(is_default=True).first() or Warehouse.objects.first()


def label_context(ret: Return) -> dict:
    order = ret.order
    company = ret.company
    sender = dict(order.shipping_address or {})
    if not sender.get("line1"):
        sender = {
            "line1": company.line1,
            "line2": company.line2,
            "postal_code": company.postal_code,
            "city": company.city,
            "country": company.country,
        }
    sender["country_name"] = country_name(sender.get("country", ""))
    warehouse = return_warehouse(ret)
    address = (warehouse.address if warehouse and warehouse.address else "") or settings.SELLER[
        "address"
    ]
    return {
        "ret": ret,
        "order_number": order.number,
        "company": company,
        "sender": sender,
        "seller": {key: str(value) for key, value in settings.SELLER.items()},
        "warehouse": warehouse,
        "return_address": address,
        "lines": [
            {"sku": line.sku, "name": line.name, "quantity": line.quantity}
            for line in ret.lines.order_by("position")
        ],
        "seller_pays": ret.return_shipping_payer == "seller",
        "receive_by": ret.receive_by,
        "barcode": code128_svg(ret.number),
    }


def render_label(ret: Return) -> bytes:
    """The label's PDF bytes in the company's language."""
    ret = Return.objects.select_related("order", "company", "warehouse").get(pk=ret.pk)
    language = ret.company.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = label_context(ret)
    return render_pdf(TEMPLATE, context, language=language)
