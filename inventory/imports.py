"""CSV import of stock receipts: parsing only; ``services.record_stock_changes`` validates
every row and writes all of them or none."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.csvio import CsvError, read_csv

from .models import MovementKind
from .services import StockChange

COLUMNS = ("sku", "warehouse", "quantity", "reason")
MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024
#: Only the digits 0-9 ("٣" is not a quantity, whatever ``int()`` thinks).
INTEGER = re.compile(r"[+-]?[0-9]+")

#: The file as a whole cannot be read (encoding, header, size); ``.message`` says why.
CsvFileError = CsvError


@dataclass
class ParsedReceipts:
    changes: list[StockChange]
    #: The file's line number of each change (for row-numbered errors).
    line_numbers: list[int]


def parse_receipts_csv(data) -> ParsedReceipts:
    """Read ``sku,warehouse,quantity,reason`` rows (comma or semicolon separated, UTF-8)
    from bytes or an uploaded file; ``CsvFileError`` when the file cannot be read.

    Quantities that are not whole numbers are passed on as text, so that the service
    reports them with the other errors of their row.
    """
    table = read_csv(data, max_bytes=MAX_BYTES, max_rows=MAX_ROWS, header=True)
    header = [name.lower() for name in table.header]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise CsvFileError(
            _("Missing columns: %(missing)s. The first row must be: %(columns)s.")
            % {"missing": ", ".join(missing), "columns": ",".join(COLUMNS)}
        )
    index = {name: header.index(name) for name in COLUMNS}
    changes, line_numbers = [], []
    for row in table.rows:
        cells = {name: (row.cells[i] if i < len(row.cells) else "") for name, i in index.items()}
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
        line_numbers.append(row.line)
    if not changes:
        raise CsvFileError(_("The file has no rows to import."))
    return ParsedReceipts(changes, line_numbers)
