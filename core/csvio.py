"""CSV files people upload from, or download to, a spreadsheet: one reader, one writer.

Every CSV entry point reads through ``read_csv``; it never lets a malformed file turn
into a server error. Whatever it cannot read becomes a ``CsvError`` whose ``message``
is a translated sentence for the form. What it handles:

* encodings: UTF-8 with or without a BOM, and UTF-16 with a BOM (Excel's "Unicode
  text"); anything else (e.g. Windows-1252 from "CSV (comma delimited)") is refused
  with a message that says how to save the file, rather than guessed;
* line endings ``\\r\\n``, ``\\n`` and a lone ``\\r`` (classic Mac), even mixed; a line
  break inside a quoted cell is part of the cell;
* NUL characters (binary files, UTF-16 without a BOM) and cells longer than
  ``max_cell`` (including those over the ``csv`` module's own 128 KiB limit);
* the size of the file and, when the entry point has one, the number of rows;
* the delimiter: comma, semicolon or tab, whichever the first row uses most.

Cells come back stripped; blank rows are skipped. ``csv_response`` streams an export
with every text cell guarded against formula injection (``safe_cell``).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import StreamingHttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils import formats, translation
from django.utils.translation import gettext as _

#: Longest cell accepted, in characters (well below the csv module's 128 KiB limit).
MAX_CELL = 1000
DELIMITERS = (",", ";", "\t")
#: What a spreadsheet may run as a formula when a cell starts with it.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_QUOTED = re.compile(r'"[^"]*"')


class CsvError(Exception):
    """The file cannot be read; ``message`` says why, for the person who uploaded it."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CsvRow:
    #: Line of the file where the row starts (1-based; counts every line break).
    line: int
    cells: list[str]


@dataclass
class CsvTable:
    #: The first row when it was taken as the header (see ``read_csv``), else None.
    header: list[str] | None
    rows: list[CsvRow] = field(default_factory=list)


def read_csv(
    source,
    *,
    max_bytes: int,
    max_rows: int | None = None,
    max_cell: int = MAX_CELL,
    header: bool | Callable[[list[str]], bool] = False,
) -> CsvTable:
    """Read an uploaded file (or bytes) into stripped rows, or raise ``CsvError``.

    ``header``: True takes the first non-blank row as the header; a callable decides
    from that row's cells (an optional header). ``max_rows`` counts the other rows.
    An empty file (no non-blank row at all) is an error.
    """
    text = decode(_read_bytes(source, max_bytes))
    nul = text.find("\x00")
    if nul >= 0:
        raise CsvError(
            _("Line %(line)d contains a NUL character: the file is not a CSV text file.")
            % {"line": _line_of(text, nul)}
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    table = CsvTable(header=None)
    seen_first = False
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            line = max(reader.line_num, start)
            if "field larger than field limit" in str(error):
                raise _too_long(line, max_cell) from None
            raise CsvError(_("Line %(line)d is not valid CSV.") % {"line": line}) from None
        line, start = start, reader.line_num + 1
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if any(len(cell) > max_cell for cell in cells):
            raise _too_long(line, max_cell)
        if not seen_first:
            seen_first = True
            if header is True or (callable(header) and header(cells)):
                table.header = cells
                continue
        if max_rows is not None and len(table.rows) >= max_rows:
            raise CsvError(_("Too many rows (at most %(max)d).") % {"max": max_rows})
        table.rows.append(CsvRow(line=line, cells=cells))
    if not seen_first:
        raise CsvError(_("The file is empty."))
    return table


def decode(data: bytes) -> str:
    """UTF-8 (BOM optional) or UTF-16 with a BOM; anything else is a ``CsvError``."""
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise CsvError(
            _(
                "The file is not UTF-8 encoded text. In the spreadsheet, save it as "
                "“CSV UTF-8 (comma delimited)” and upload it again."
            )
        ) from None
    return text.removeprefix("\ufeff")


def _read_bytes(source, max_bytes: int) -> bytes:
    too_large = CsvError(
        _("The file is too large (at most %(size)s).") % {"size": filesizeformat(max_bytes)}
    )
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        if (getattr(source, "size", None) or 0) > max_bytes:
            raise too_large
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_large
    return data


def _line_of(text: str, position: int) -> int:
    return len(_LINE_BREAK.findall(text, 0, position)) + 1


def _delimiter(text: str) -> str:
    """The delimiter the first non-blank line uses most outside quotes (a comma on a
    tie or when it has none)."""
    first = next((line for line in _LINE_BREAK.split(text, 50) if line.strip()), "")
    first = _QUOTED.sub("", first[:10_000])
    return max(DELIMITERS, key=first.count)


def _too_long(line: int, max_cell: int) -> CsvError:
    return CsvError(
        _("Line %(line)d: a value is too long (at most %(max)d characters).")
        % {"line": line, "max": max_cell}
    )


# --- Exports ------------------------------------------------------------------------


def safe_cell(value, *, localize: bool = False) -> str:
    """A cell a spreadsheet shows as text, never runs: text starting with ``= + - @``,
    tab or carriage return gets a leading apostrophe (numbers are left alone).
    ``localize``: decimals in the active language's format (``1.234,56`` in Spanish),
    for exports people read; machine CSVs (re-imports) keep ``1234.56``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if localize and isinstance(value, Decimal):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _in_language(lines: Iterable[str], language: str | None) -> Iterable[str]:
    iterator = iter(lines)
    while True:
        with translation.override(language):
            line = next(iterator, None)
        if line is None:
            return
        yield line


class _Echo:
    def write(self, value):
        return value


def csv_rows(
    header: Iterable, rows: Iterable[Iterable], *, localize: bool = False
) -> Iterable[str]:
    """The header and rows as CSV text lines, every cell through ``safe_cell``."""
    writer = csv.writer(_Echo())
    yield writer.writerow([safe_cell(v) for v in header])
    for row in rows:
        yield writer.writerow([safe_cell(v, localize=localize) for v in row])


def csv_response(
    filename: str, header: Iterable, rows: Iterable[Iterable], *, localize: bool = False
):
    """A streamed CSV download (UTF-8) of ``header`` and ``rows``; ``localize`` for
    exports people read (decimals in the request's language, see ``safe_cell``)."""
    rows = csv_rows(header, rows, localize=localize)
    if localize:
        # The rows stream after the view returned: keep the request's language.
        rows = _in_language(rows, translation.get_language())
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
