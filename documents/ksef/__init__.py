"""KSeF FA(3) XML (Poland's structured invoice, namespace
``http://crd.gov.pl/wzor/2025/06/25/13775/``), only for a seller with a fixed
establishment in Poland and its Polish NIP (``KSEF_POLISH_ESTABLISHMENT`` and
``KSEF_SELLER_NIP``): a Polish VAT number alone is not an establishment, and a Spanish
seller's exempt intra-Community supply is invoiced under Spanish rules (VeriFactu).

- ``status()``: ``(on, why not)`` for the UI and the API (404 while off).
- ``fa3(invoice, pln_rate=)``: the ``Faktura`` element of an invoice: rates 23/8/5 % in
  ``P_13_x``/``P_14_x`` (and ``P_14_xW``, the VAT in złoty, for another currency, with
  each line's ``KursWaluty``), an intra-Community supply as ``0 WDT``, an export as
  ``0 EX``, a domestic reverse charge (0 % to a Polish VAT payer) as ``oo`` with
  ``P_18``; a credit note as ``KOR`` with the invoice it corrects.
- ``validate(element)``: the Ministry's XSD messages (vendored in ``schemas/``, loaded
  offline by ``documents.xsd``).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree
from stdnum.pl import nip as polish_nip

from core.fiscal import FiscalPosition, normalize_vat_number

from .. import xsd

NS = "http://crd.gov.pl/wzor/2025/06/25/13775/"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
ENTRY = "schemat_FA(3)_v1-0E.xsd"
CENT = Decimal("0.01")
#: The schema's ``TNrNIP`` (a valid checksum alone is not enough).
NIP_PATTERN = re.compile(r"[1-9]((\d[1-9])|([1-9]\d))\d{7}")

#: VAT rate -> (net field, VAT field, VAT-in-PLN field).
RATE_FIELDS = {
    "23": ("P_13_1", "P_14_1", "P_14_1W"),
    "8": ("P_13_2", "P_14_2", "P_14_2W"),
    "5": ("P_13_3", "P_14_3", "P_14_3W"),
}
#: Zero-rated supplies: the net field and the line's ``P_12``.
ZERO_FIELDS = {
    "domestic": ("P_13_6_1", "0 KR"),
    FiscalPosition.INTRA_EU: ("P_13_6_2", "0 WDT"),
    FiscalPosition.EXPORT: ("P_13_6_3", "0 EX"),
    "reverse_charge": ("P_13_10", "oo"),
}


class KsefUnavailable(ValueError):
    """The export is off or the document cannot be expressed (translated message)."""


def seller_nip() -> str:
    value = normalize_vat_number(settings.KSEF_SELLER_NIP)
    return value[2:] if value.startswith("PL") else value


def status() -> tuple[bool, str]:
    """``(True, "")`` when the KSeF export is on, else ``(False, why)``."""
    if not settings.KSEF_POLISH_ESTABLISHMENT:
        return False, _(
            "The KSeF export is off: the seller has no fixed establishment in Poland "
            "(KSEF_POLISH_ESTABLISHMENT). Its invoices are Spanish invoices."
        )
    if not polish_nip.is_valid(seller_nip()) or not NIP_PATTERN.fullmatch(seller_nip()):
        return False, _(
            "The KSeF export is off: %(nip)s is not a valid Polish NIP (KSEF_SELLER_NIP)."
        ) % {"nip": settings.KSEF_SELLER_NIP or "-"}
    return True, ""


def enabled() -> bool:
    return status()[0]


def _money(value) -> str:
    return f"{Decimal(str(value)).quantize(CENT):f}"


def _add(parent, name: str, text: str | None = None):
    element = etree.SubElement(parent, f"{{{NS}}}{name}")
    if text is not None:
        element.text = text
    return element


def _rate_key(value) -> str:
    return str(Decimal(str(value)).normalize())


def is_reverse_charge(invoice) -> bool:
    """A domestic supply at 0 % to a Polish VAT payer: the buyer accounts for the VAT."""
    return (
        invoice.fiscal_position == FiscalPosition.DOMESTIC
        and invoice.tax == 0
        and normalize_vat_number(invoice.customer_vat_number).startswith("PL")
    )


def _zero_kind(invoice) -> str:
    if invoice.fiscal_position in (FiscalPosition.INTRA_EU, FiscalPosition.EXPORT):
        return invoice.fiscal_position
    return "reverse_charge" if is_reverse_charge(invoice) else "domestic"


def _buyer(root, invoice) -> None:
    customer = invoice.customer or {}
    party = _add(root, "Podmiot2")
    identity = _add(party, "DaneIdentyfikacyjne")
    vat_number = normalize_vat_number(invoice.customer_vat_number)
    tax_id = normalize_vat_number(customer.get("tax_id", ""))
    polish = vat_number[2:] if vat_number.startswith("PL") else tax_id.removeprefix("PL")
    if (
        str(customer.get("country", "")).upper() == "PL"
        and polish_nip.is_valid(polish)
        and NIP_PATTERN.fullmatch(polish_nip.compact(polish))
    ):
        _add(identity, "NIP", polish_nip.compact(polish))
    elif vat_number and vat_number[:2].isalpha():
        _add(identity, "KodUE", vat_number[:2])
        _add(identity, "NrVatUE", vat_number[2:])
    else:
        _add(identity, "BrakID", "1")
    _add(identity, "Nazwa", str(customer.get("legal_name") or "-")[:512])
    address = _add(party, "Adres")
    _add(address, "KodKraju", str(customer.get("country") or "PL").upper())
    _add(address, "AdresL1", str(customer.get("line1") or "-")[:512])
    line2 = " ".join(
        part for part in (customer.get("postal_code"), customer.get("city")) if part
    ).strip()
    if line2:
        _add(address, "AdresL2", line2[:512])
    _add(party, "JST", "2")
    _add(party, "GV", "2")


def fa3(invoice, *, pln_rate: Decimal | None = None, now: dt.datetime | None = None):
    """The FA(3) ``Faktura`` of ``invoice``. ``pln_rate``: złoty per unit of the
    invoice's currency (required unless it is in PLN)."""
    foreign = invoice.currency != "PLN"
    if foreign and not pln_rate:
        raise KsefUnavailable(
            _("There is no exchange rate to the złoty for %(currency)s on %(date)s.")
            % {"currency": invoice.currency, "date": invoice.issue_date.isoformat()}
        )
    root = etree.Element(f"{{{NS}}}Faktura", nsmap={None: NS})
    header = _add(root, "Naglowek")
    form = _add(header, "KodFormularza", "FA")
    form.set("kodSystemowy", "FA (3)")
    form.set("wersjaSchemy", "1-0E")
    _add(header, "WariantFormularza", "3")
    created = (now or timezone.now()).astimezone(dt.UTC).replace(microsecond=0)
    _add(header, "DataWytworzeniaFa", created.isoformat().replace("+00:00", "Z"))
    _add(header, "SystemInfo", "Mayorista")

    seller = _add(root, "Podmiot1")
    identity = _add(seller, "DaneIdentyfikacyjne")
    _add(identity, "NIP", seller_nip())
    _add(identity, "Nazwa", str(invoice.seller.get("legal_name", ""))[:512])
    address = _add(seller, "Adres")
    _add(address, "KodKraju", "PL")
    _add(
        address,
        "AdresL1",
        (settings.KSEF_SELLER_ADDRESS or invoice.seller.get("address") or "-")[:512],
    )
    _buyer(root, invoice)

    fa = _add(root, "Fa")
    _add(fa, "KodWaluty", invoice.currency)
    _add(fa, "P_1", invoice.issue_date.isoformat())
    _add(fa, "P_2", invoice.number)
    _add(fa, "P_6", invoice.issue_date.isoformat())
    taxed: dict[str, list[Decimal]] = {}
    zero = Decimal("0.00")
    zero_kind = _zero_kind(invoice)
    for row in invoice.tax_breakdown or []:
        key = _rate_key(row["rate"])
        if key in RATE_FIELDS:
            sums = taxed.setdefault(key, [Decimal("0"), Decimal("0")])
            sums[0] += Decimal(row["base"])
            sums[1] += Decimal(row["tax"])
        elif Decimal(str(row["rate"])) == 0:
            zero += Decimal(row["base"])
        else:
            raise KsefUnavailable(
                _("A VAT rate of %(rate)s %% is not a Polish rate.") % {"rate": row["rate"]}
            )
    for key, (net_field, vat_field, pln_field) in RATE_FIELDS.items():
        if key in taxed:
            base, tax = taxed[key]
            _add(fa, net_field, _money(base))
            _add(fa, vat_field, _money(tax))
            if foreign:
                _add(fa, pln_field, _money(tax * pln_rate))
    if zero or not taxed:
        _add(fa, ZERO_FIELDS[zero_kind][0], _money(zero))
    _add(fa, "P_15", _money(invoice.total))
    notes = _add(fa, "Adnotacje")
    _add(notes, "P_16", "2")
    _add(notes, "P_17", "2")
    _add(notes, "P_18", "1" if zero_kind == "reverse_charge" else "2")
    _add(notes, "P_18A", "2")
    _add(_add(notes, "Zwolnienie"), "P_19N", "1")
    _add(_add(notes, "NoweSrodkiTransportu"), "P_22N", "1")
    _add(notes, "P_23", "2")
    _add(_add(notes, "PMarzy"), "P_PMarzyN", "1")
    if invoice.is_credit_note:
        corrected = invoice.corrects
        _add(fa, "RodzajFaktury", "KOR")
        _add(fa, "PrzyczynaKorekty", (invoice.reason or invoice.get_reason_code_display())[:256])
        _add(fa, "TypKorekty", "1")
        original = _add(fa, "DaneFaKorygowanej")
        _add(original, "DataWystFaKorygowanej", corrected.issue_date.isoformat())
        _add(original, "NrFaKorygowanej", corrected.number)
        _add(original, "NrKSeFN", "1")
    else:
        _add(fa, "RodzajFaktury", "VAT")
    for line in invoice.lines.all():
        row = _add(fa, "FaWiersz")
        _add(row, "NrWierszaFa", str(line.position))
        _add(row, "P_7", line.description[:512])
        _add(row, "Indeks", line.sku[:50])
        _add(row, "P_8A", "szt.")
        _add(row, "P_8B", str(line.quantity))
        _add(row, "P_9A", _money(line.unit_price))
        _add(row, "P_11", _money(line.net_amount))
        key = _rate_key(line.vat_rate)
        _add(row, "P_12", key if key in RATE_FIELDS else ZERO_FIELDS[zero_kind][1])
        if foreign:
            _add(row, "KursWaluty", f"{Decimal(pln_rate).quantize(Decimal('0.000001')):f}")
    return root


def pln_rate_for(invoice) -> Decimal | None:
    """Złoty per unit of the invoice's currency on its issue date (from the rates to the
    euro: PLN per EUR is 1 / the złoty's rate to the euro)."""
    from customers.exchange_rates import latest_rate

    if invoice.currency == "PLN":
        return None
    zloty = latest_rate("PLN", invoice.issue_date)
    if zloty is None or not zloty.rate_to_eur:
        return None
    per_eur = Decimal(1) / zloty.rate_to_eur
    if invoice.currency == "EUR":
        return per_eur
    if invoice.exchange_rate:
        return invoice.exchange_rate * per_eur
    return None


def schema():
    return xsd.load_schema(str(SCHEMAS), ENTRY)


def validate(element) -> list[str]:
    return xsd.schema_errors(schema(), element)


def fa3_bytes(invoice) -> bytes:
    """The validated FA(3) XML of ``invoice`` (raises ``KsefUnavailable``)."""
    on, why = status()
    if not on:
        raise KsefUnavailable(why)
    element = fa3(invoice, pln_rate=pln_rate_for(invoice))
    errors = validate(element)
    if errors:
        raise KsefUnavailable("; ".join(errors))
    return etree.tostring(element, encoding="UTF-8", xml_declaration=True, pretty_print=True)
