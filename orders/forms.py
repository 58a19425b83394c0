"""Forms shared by the back-office and the portal: lines typed or uploaded as CSV."""

from __future__ import annotations

import csv
import io
import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_CSV_BYTES = 1024 * 1024
_SPLIT = re.compile(r"[\s,;]+")


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
        lines.append({"sku": parts[0], "quantity": parts[1]})
    return lines, errors


def parse_lines_csv(upload) -> tuple[list[dict], list[str]]:
    """A CSV file with ``sku,quantity`` columns (a header row is optional)."""
    if upload.size > MAX_CSV_BYTES:
        return [], [_("The file is too large (at most 1 MB).")]
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [_("The file must be a UTF-8 CSV file.")]
    if "\x00" in text:
        return [], [_("The file must be a UTF-8 CSV file.")]
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    lines, errors = [], []
    for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        cells = [c.strip() for c in row if c.strip()]
        if not cells:
            continue
        if number == 1 and cells[0].lower() in ("sku", "ref", "referencia", "indeks"):
            continue
        if len(cells) < 2:
            errors.append(_("Row %(row)d: write a SKU and a quantity.") % {"row": number})
            continue
        lines.append({"sku": cells[0], "quantity": cells[1]})
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
