"""The VeriFactu hash ("huella", Orden HAC/1177/2024 and the AEAT's "Detalle de las
especificaciones técnicas para generación de la huella"): ``name=value`` pairs joined by
``&``, each value trimmed and exactly as written in the record's XML, UTF-8, SHA-256,
upper-case hexadecimal."""

from __future__ import annotations

import hashlib

# The AEAT's reference trims like Java's String.trim(): code points up to U+0020.
_TRIM = "".join(chr(code) for code in range(0x21))

ALTA_FIELDS = (
    "IDEmisorFactura",
    "NumSerieFactura",
    "FechaExpedicionFactura",
    "TipoFactura",
    "CuotaTotal",
    "ImporteTotal",
    "Huella",
    "FechaHoraHusoGenRegistro",
)
ANULACION_FIELDS = (
    "IDEmisorFacturaAnulada",
    "NumSerieFacturaAnulada",
    "FechaExpedicionFacturaAnulada",
    "Huella",
    "FechaHoraHusoGenRegistro",
)


def _digest(names: tuple[str, ...], values: tuple[str, ...]) -> str:
    payload = "&".join(
        f"{name}={(value or '').strip(_TRIM)}" for name, value in zip(names, values, strict=True)
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest().upper()


def alta_hash(
    *,
    issuer_nif: str,
    number: str,
    issue_date: str,
    invoice_type: str,
    total_tax: str,
    total_amount: str,
    previous_hash: str,
    generated_at: str,
) -> str:
    """The hash of a registration record ("registro de alta")."""
    return _digest(
        ALTA_FIELDS,
        (
            issuer_nif,
            number,
            issue_date,
            invoice_type,
            total_tax,
            total_amount,
            previous_hash,
            generated_at,
        ),
    )


def anulacion_hash(
    *, issuer_nif: str, number: str, issue_date: str, previous_hash: str, generated_at: str
) -> str:
    """The hash of a cancellation record ("registro de anulación")."""
    return _digest(ANULACION_FIELDS, (issuer_nif, number, issue_date, previous_hash, generated_at))
