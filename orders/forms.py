"""Forms shared by the back-office and the portal: lines typed or uploaded as CSV."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.csvio import CsvError, read_csv

from .services import MAX_LINES

MAX_CSV_BYTES = 1024 * 1024
#: Rows an uploaded file may have: the most lines an order may have.
MAX_CSV_ROWS = MAX_LINES
HEADER_WORDS = ("sku", "ref", "referencia", "indeks")
_SPLIT = re.compile(r"[\s,;]+")
#: Only the digits 0-9: "٣" or "３" are not quantities, whatever ``int()`` thinks.
_ASCII_DIGITS = re.compile(r"[0-9]+")
#: Longer numbers are passed on as this (over any limit) instead of being converted.
_TOO_MANY = 10**9


def quantity_from_text(value):
    """A typed quantity for the services: an int when written with the digits 0-9 only,
    else None, which the services refuse as "not a whole number of units"."""
    text = value.strip() if isinstance(value, str) else ""
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    digits = text.lstrip("0") or "0"
    return int(digits) if len(digits) < 10 else _TOO_MANY


def parse_lines_text(text: str) -> tuple[list[dict], list[str]]:
    """``SKU quantity`` per row (separated by spaces, comma, semicolon or tab)."""
    lines, errors = [], []
    for number, row in enumerate((text or "").splitlines(), start=1):
        row = row.strip()
        if not row:
            continue
        parts = [p for p in _SPLIT.split(row) if p]
        if len(parts) != 2:
            errors.append(_("Row %(row)d: write a SKU and a quantity.") % {"row": number})
            continue
        lines.append({"sku": parts[0], "quantity": quantity_from_text(parts[1])})
    return lines, errors


def _is_header(cells: list[str]) -> bool:
    return cells[0].lower() in HEADER_WORDS


def parse_lines_csv(upload) -> tuple[list[dict], list[str]]:
    """A CSV file with ``sku,quantity`` columns (a header row is optional); any file it
    cannot read gives one error saying why (see ``core.csvio.read_csv``)."""
    try:
        table = read_csv(upload, max_bytes=MAX_CSV_BYTES, max_rows=MAX_CSV_ROWS, header=_is_header)
    except CsvError as error:
        return [], [error.message]
    lines, errors = [], []
    for row in table.rows:
        cells = [c for c in row.cells if c]
        if len(cells) < 2:
            errors.append(_("Row %(row)d: write a SKU and a quantity.") % {"row": row.line})
            continue
        lines.append({"sku": cells[0], "quantity": quantity_from_text(cells[1])})
    return lines, errors


def line_messages(fields: dict, lines: list[dict]) -> list[str]:
    """Service field errors (``lines.2.quantity``) as sentences naming the row and SKU."""
    messages = []
    for name, errors in fields.items():
        match = re.match(r"^lines\.(\d+)(?:\.(\w+))?$", name)
        if match:
            index = int(match.group(1))
            sku = lines[index].get("sku", "") if index < len(lines) else ""
            for error in errors:
                messages.append(
                    _("Line %(row)d (%(sku)s): %(error)s")
                    % {"row": index + 1, "sku": sku, "error": error}
                )
        elif name == "lines":
            messages.extend(str(e) for e in errors)
    return messages


class LinesField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 6, "class": "font-monospace"})

    def __init__(self, **kwargs):
        kwargs.setdefault("label", gettext_lazy("Lines"))
        kwargs.setdefault(
            "help_text", gettext_lazy("One product per row: SKU and quantity, e.g. DRILL-18V 3.")
        )
        super().__init__(**kwargs)
