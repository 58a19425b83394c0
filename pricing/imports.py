"""CSV import and export of prices and contract prices (the machine format).

Price lists: ``sku,price,min_quantity`` (``min_quantity`` optional, 1 when empty).
Contract prices: ``sku,price,valid_from,valid_to`` (dates ``YYYY-MM-DD``, optional).
UTF-8, comma, semicolon or tab separated; amounts with a decimal point (``12.50``),
never a decimal comma or thousands separators, so that a file reads the same in every
language. Parsing only: the services check every row and write all of them or none.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.csvio import CsvError, read_csv

PRICE_COLUMNS = ("sku", "price", "min_quantity")
PRICE_REQUIRED = ("sku", "price")
CONTRACT_COLUMNS = ("sku", "price", "valid_from", "valid_to")
CONTRACT_REQUIRED = ("sku", "price")
MAX_ROWS = 1000
MAX_BYTES = 2 * 1024 * 1024

CsvFileError = CsvError


@dataclass
class ParsedRows:
    #: one dict per row (the services' item shape)
    items: list[dict]
    #: the file's line number of each item (for row-numbered errors)
    line_numbers: list[int]


def _parse(data, columns, required) -> ParsedRows:
    table = read_csv(data, max_bytes=MAX_BYTES, max_rows=MAX_ROWS, header=True)
    header = [name.strip().lower() for name in table.header]
    missing = [name for name in required if name not in header]
    if missing:
        raise CsvFileError(
            _("Missing columns: %(missing)s. The first row must be: %(columns)s.")
            % {"missing": ", ".join(missing), "columns": ",".join(columns)}
        )
    index = {name: header.index(name) for name in columns if name in header}
    items, lines = [], []
    for row in table.rows:
        item = {name: (row.cells[i] if i < len(row.cells) else "") for name, i in index.items()}
        items.append(item)
        lines.append(row.line)
    if not items:
        raise CsvFileError(_("The file has no rows to import."))
    return ParsedRows(items, lines)


def parse_prices_csv(data) -> ParsedRows:
    """``sku,price,min_quantity`` rows from bytes or an uploaded file."""
    return _parse(data, PRICE_COLUMNS, PRICE_REQUIRED)


def parse_contract_prices_csv(data) -> ParsedRows:
    """``sku,price,valid_from,valid_to`` rows from bytes or an uploaded file."""
    return _parse(data, CONTRACT_COLUMNS, CONTRACT_REQUIRED)


def row_errors(error, line_numbers: list[int]) -> list[dict]:
    """An ``InvalidPrices`` error as ``[{"row", "field", "message"}]`` by file line."""
    out = []
    for index, fields in sorted(error.errors.items()):
        for field, messages in fields.items():
            for message in messages:
                out.append({"row": line_numbers[index], "field": field, "message": message})
    return out


# --- exports -------------------------------------------------------------------------


def price_rows(rows):
    """Export rows of ``PriceRow``s: ``sku, price, min_quantity`` (decimal point)."""
    for row in rows:
        yield [row.product.sku, f"{row.price:.2f}", row.min_quantity]


def contract_rows(contracts):
    for contract in contracts:
        yield [
            contract.product.sku,
            f"{contract.price:.2f}",
            contract.valid_from.isoformat() if contract.valid_from else "",
            contract.valid_to.isoformat() if contract.valid_to else "",
        ]
