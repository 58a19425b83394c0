"""Whether VeriFactu is on (off when the company reports through the SII), its mode
(test or production: the QR's host), the issuer and the billing software."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

TEST = "test"
PRODUCTION = "production"
QR_HOSTS = {
    TEST: "https://prewww2.aeat.es/wlpl/TIKE-CONT/ValidarQR",
    PRODUCTION: "https://www2.agenciatributaria.gob.es/wlpl/TIKE-CONT/ValidarQR",
}


def enabled() -> bool:
    """VeriFactu records and QR codes are made unless the company reports through SII."""
    return not settings.SII_REPORTING


def disabled_reason() -> str:
    """Why VeriFactu is off, for the UI ("" when it is on)."""
    if enabled():
        return ""
    return str(
        _(
            "VeriFactu is off: the company reports its invoices through the SII "
            "(SII_REPORTING), which exempts it from VeriFactu records and QR codes."
        )
    )


def mode() -> str:
    value = str(settings.VERIFACTU_MODE).lower()
    if value not in QR_HOSTS:
        raise ImproperlyConfigured("VERIFACTU_MODE must be 'test' or 'production'.")
    return value


def qr_base_url() -> str:
    return QR_HOSTS[mode()]


def spanish_nif(value: str) -> str:
    """A Spanish NIF as the AEAT schema takes it: 9 characters, no ``ES`` prefix."""
    code = "".join(ch for ch in str(value or "").upper() if ch.isalnum())
    if code.startswith("ES") and len(code) == 11:
        code = code[2:]
    return code


def issuer_nif(invoice=None) -> str:
    vat_number = invoice.seller_vat_number if invoice is not None else ""
    return spanish_nif(vat_number or settings.SELLER_VAT_NUMBER or settings.SELLER["tax_id"])


def issuer_name(invoice=None) -> str:
    seller = invoice.seller if invoice is not None else settings.SELLER
    return str(seller.get("legal_name", ""))[:120]


def software() -> dict:
    return {
        "producer_name": str(settings.SELLER["legal_name"])[:120],
        "producer_nif": issuer_nif(),
        "name": settings.VERIFACTU_SOFTWARE_NAME[:30],
        "id": settings.VERIFACTU_SOFTWARE_ID[:2],
        "version": settings.VERIFACTU_SOFTWARE_VERSION[:50],
        "installation": settings.VERIFACTU_INSTALLATION_NUMBER[:100],
    }
