"""The XML files people download: one document's records, and the records of a date
range, each as the ``RegFactuSistemaFacturacion`` envelope the AEAT web service takes
(validated against the vendored schema before it is served)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from . import building, conf
from .models import VerifactuRecord


class ExportError(ValueError):
    """A range that cannot be exported (translated message); ``empty`` when it has no
    records (the API answers 404), otherwise it is too large (400)."""

    def __init__(self, message, *, empty: bool):
        super().__init__(message)
        self.empty = empty


def _envelope(records) -> bytes:
    root = building.envelope(
        records, issuer_name=conf.issuer_name(), issuer_nif=records[0].issuer_nif
    )
    errors = building.validate(root)
    if errors:  # never expected: every record was validated when written
        raise ExportError("; ".join(errors), empty=False)
    return building.envelope_bytes(root)


def document_records(invoice) -> list[VerifactuRecord]:
    return list(VerifactuRecord.objects.filter(invoice=invoice).order_by("sequence"))


def document_xml(invoice) -> bytes | None:
    """The document's registration (and its cancellation, when there is one), or None
    when it has no record."""
    records = document_records(invoice)
    return _envelope(records) if records else None


def range_records(date_from: dt.date, date_to: dt.date):
    return VerifactuRecord.objects.filter(
        invoice__issue_date__gte=date_from, invoice__issue_date__lte=date_to
    ).order_by("issuer_nif", "sequence")


def range_xml(date_from: dt.date, date_to: dt.date) -> bytes:
    if date_from > date_to:
        raise ExportError(_("The start date is after the end date."), empty=True)
    records = list(range_records(date_from, date_to)[: building.MAX_RECORDS + 1])
    if not records:
        raise ExportError(
            _("There are no VeriFactu records of documents issued in that range."), empty=True
        )
    if len(records) > building.MAX_RECORDS:
        raise ExportError(
            _("More than %(max)s records: choose a shorter range (one file holds %(max)s).")
            % {"max": building.MAX_RECORDS},
            empty=False,
        )
    return _envelope(records)


def range_filename(date_from: dt.date, date_to: dt.date) -> str:
    return f"verifactu-{date_from:%Y%m%d}-{date_to:%Y%m%d}.xml"
