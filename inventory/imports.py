"""CSV import of stock receipts: parsing only; ``services.record_stock_changes`` validates
every row and writes all of them or none."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import MovementKind
from .services import StockChange

COLUMNS = ("sku", "warehouse", "quantity", "reason")
MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024
INTEGER = re.compile(r"[+-]?\d+")


class CsvFileError(Exception):
    """The file as a whole cannot be read (encoding, header, size)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class ParsedReceipts:
    changes: list[StockChange]
    #: The file's line number of each change (for row-numbered errors).
    line_numbers: list[int]


def parse_receipts_csv(data: bytes) -> ParsedReceipts:
    """Read ``sku,warehouse,quantity,reason`` rows (comma or semicolon separated, UTF-8).

    Quantities that are not whole numbers are passed on as text, so that the service
    reports them with the other errors of their row.
    """
    if len(data) > MAX_BYTES:
        raise CsvFileError(_("The file is too large (at most 2 MB)."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvFileError(_("The file must be UTF-8 encoded CSV.")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        raise CsvFileError(_("The file is empty."))
    header = [name.strip().lower() for name in header]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise CsvFileError(
            _("Missing columns: %(missing)s. The first row must be: %(columns)s.")
            % {"missing": ", ".join(missing), "columns": ",".join(COLUMNS)}
        )
    index = {name: header.index(name) for name in COLUMNS}
    changes, line_numbers = [], []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(changes) >= MAX_ROWS:
            raise CsvFileError(_("Too many rows (at most %(max)d).") % {"max": MAX_ROWS})
        cells = {name: (row[i].strip() if i < len(row) else "") for name, i in index.items()}
        quantity = cells["quantity"]
        changes.append(
            StockChange(
                sku=cells["sku"],
                warehouse=cells["warehouse"],
                quantity=int(quantity) if INTEGER.fullmatch(quantity) else quantity,
                kind=MovementKind.RECEIPT,
                reason=cells["reason"],
            )
        )
        line_numbers.append(reader.line_num)
    if not changes:
        raise CsvFileError(_("The file has no rows to import."))
    return ParsedReceipts(changes, line_numbers)
