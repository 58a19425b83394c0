"""The QR code of an invoice or credit note (Orden HAC/1177/2024, art. 20-21 and the
AEAT's "Características del QR"): the verification URL ``.../wlpl/TIKE-CONT/ValidarQR``
on the test or production host (``VERIFACTU_MODE``) with ``nif``, ``numserie``,
``fecha`` (DD-MM-YYYY) and ``importe``, each URL-encoded; ISO/IEC 18004 with error
correction level M, drawn locally by segno as a PNG (an image WeasyPrint embeds as is,
cheaper to lay out than an SVG), printed 30-40 mm wide with "QR tributario:" above and
"VERI*FACTU" below."""

from __future__ import annotations

import base64
import io
from urllib.parse import quote

import segno

from . import conf
from .building import aeat_date, amount, in_euros

LABEL = "QR tributario:"
LEGEND = "VERI*FACTU"
#: The printed width: the symbol alone is about 32 mm of it (within 30-40 mm), the rest
#: is the quiet zone (2 modules each side).
PRINTED_MM = 36
BORDER_MODULES = 2


def qr_url(invoice) -> str:
    """The AEAT verification URL of an issued document, from the values its record
    carries (issuer NIF, number, DD-MM-YYYY date, total in euros)."""
    params = [
        ("nif", conf.issuer_nif(invoice)),
        ("numserie", invoice.number),
        ("fecha", aeat_date(invoice.issue_date)),
        ("importe", amount(in_euros(invoice, invoice.total))),
    ]
    query = "&".join(f"{name}={quote(str(value), safe='')}" for name, value in params)
    return f"{conf.qr_base_url()}?{query}"


def qr_png(url: str, *, scale: int = 2) -> bytes:
    """A small PNG (2 px a module): the PDF scales it up without smoothing
    (``image-rendering: pixelated``), so it prints sharp and costs little to make."""
    out = io.BytesIO()
    segno.make_qr(url, error="m", boost_error=False).save(
        out, kind="png", scale=scale, border=BORDER_MODULES
    )
    return out.getvalue()


def qr_data_uri(url: str) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(url)).decode("ascii")


def qr_context(invoice) -> dict | None:
    """What the PDF prints (None while VeriFactu is off)."""
    if not conf.enabled():
        return None
    url = qr_url(invoice)
    return {"url": url, "image": qr_data_uri(url), "label": LABEL, "legend": LEGEND}
