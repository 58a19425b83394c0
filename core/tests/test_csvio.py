"""core.csvio: the one CSV reader every upload goes through, and the export guard."""

import codecs
import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from core.csvio import CsvError, csv_rows, decode, read_csv, safe_cell

MB = 1024 * 1024


def cells(table):
    return [row.cells for row in table.rows]


def lines(table):
    return [row.line for row in table.rows]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_line_ending_gives_the_same_rows(newline):
    data = newline.join(["a,1", "b,2", "", "c,3"]).encode() + newline.encode()
    table = read_csv(data, max_bytes=MB)
    assert cells(table) == [["a", "1"], ["b", "2"], ["c", "3"]]
    assert lines(table) == [1, 2, 4]


def test_classic_mac_file_from_the_black_box_run():
    table = read_csv(b"EL-CAB-01,1\rEL-CAB-02,2\r", max_bytes=MB)
    assert cells(table) == [["EL-CAB-01", "1"], ["EL-CAB-02", "2"]]


def test_mixed_line_endings_and_a_line_break_inside_quotes():
    table = read_csv(b'a,1\r\nb,"two\rlines"\nc,"x\r\ny"\rd,4', max_bytes=MB)
    assert cells(table) == [["a", "1"], ["b", "two\rlines"], ["c", "x\r\ny"], ["d", "4"]]
    assert lines(table) == [1, 2, 4, 6]


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + "sku;cantidad\nAÑO-1;2\n".encode(),
        "sku;cantidad\nAÑO-1;2\n".encode(),
        "sku;cantidad\r\nAÑO-1;2\r\n".encode("utf-16"),  # BOM, little-endian
        codecs.BOM_UTF16_BE + "sku;cantidad\nAÑO-1;2\n".encode("utf-16-be"),
    ],
)
def test_utf8_and_utf16_with_a_bom(data):
    table = read_csv(data, max_bytes=MB, header=True)
    assert table.header == ["sku", "cantidad"]
    assert cells(table) == [["AÑO-1", "2"]]


def test_excel_unicode_text_is_tab_separated_utf16():
    table = read_csv("SKU\tQty\r\nA\t1\r\n".encode("utf-16"), max_bytes=MB, header=True)
    assert cells(table) == [["A", "1"]]


@pytest.mark.parametrize(
    "data",
    ["sku,qty\nAÑO,1\n".encode("cp1252"), b"\xff\xfe\xfd", b"a,\xc3\n"],
)
def test_other_encodings_are_refused_with_advice(data):
    with pytest.raises(CsvError, match="UTF-8"):
        read_csv(data, max_bytes=MB)


def test_utf16_without_a_bom_is_refused_as_not_text():
    with pytest.raises(CsvError, match="NUL"):
        read_csv("a,1\n".encode("utf-16-le"), max_bytes=MB)


def test_nul_is_refused_naming_its_line():
    with pytest.raises(CsvError, match="Line 3 contains a NUL"):
        read_csv(b"a,1\rb,2\rc\x00,3\r", max_bytes=MB)


def test_a_field_over_the_csv_module_limit_is_a_clear_error():
    with pytest.raises(CsvError, match=r"Line 2: a value is too long \(at most 1000"):
        read_csv(b"a,1\nb," + b"9" * (128 * 1024 + 1) + b"\n", max_bytes=MB)
    with pytest.raises(CsvError, match="Line 1: a value is too long"):
        read_csv(b'"' + b"x" * 200_000, max_bytes=MB)  # unterminated quote too


def test_a_cell_over_max_cell_is_refused():
    with pytest.raises(CsvError, match="at most 10 characters"):
        read_csv(b"a,12345678901\n", max_bytes=MB, max_cell=10)
    assert cells(read_csv(b"a,1234567890\n", max_bytes=MB, max_cell=10))


def test_size_limit_for_bytes_and_uploads():
    with pytest.raises(CsvError, match="too large"):
        read_csv(b"a,1\n" * 300, max_bytes=1000)
    upload = SimpleUploadedFile("x.csv", b"a,1\n" * 300)
    with pytest.raises(CsvError, match="too large"):
        read_csv(upload, max_bytes=1000)
    upload = SimpleUploadedFile("x.csv", b"a,1\n")
    upload.read()  # already read once: read_csv starts from the beginning
    assert cells(read_csv(upload, max_bytes=1000)) == [["a", "1"]]


def test_row_cap_counts_rows_after_the_header():
    data = b"h\n" + b"r\n" * 3
    assert len(read_csv(data, max_bytes=MB, max_rows=3, header=True).rows) == 3
    with pytest.raises(CsvError, match=r"Too many rows \(at most 2\)"):
        read_csv(data, max_bytes=MB, max_rows=2, header=True)


def test_optional_header():
    def is_header(row):
        return row[0].lower() == "sku"

    assert read_csv(b"SKU,qty\na,1", max_bytes=MB, header=is_header).header == ["SKU", "qty"]
    table = read_csv(b"a,1\nsku,2", max_bytes=MB, header=is_header)
    assert table.header is None and cells(table) == [["a", "1"], ["sku", "2"]]


@pytest.mark.parametrize("data", [b"", b"\n\r\n\r", b" , ,\n,,\n", codecs.BOM_UTF8])
def test_empty_file(data):
    with pytest.raises(CsvError, match="The file is empty"):
        read_csv(data, max_bytes=MB)


def test_header_only_gives_a_header_and_no_rows():
    table = read_csv(b"sku,warehouse\r\n", max_bytes=MB, header=True)
    assert table.header == ["sku", "warehouse"] and table.rows == []


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"a;1;x\n", [["a", "1", "x"]]),
        (b"a\t1\n", [["a", "1"]]),
        (b'"Taladro, 18 V";3\n', [["Taladro, 18 V", "3"]]),
        (b"\n\na,1;2\n", [["a", "1;2"]]),
        (b"a\n", [["a"]]),
    ],
)
def test_delimiter_from_the_first_row(data, expected):
    assert cells(read_csv(data, max_bytes=MB)) == expected


def test_cells_are_stripped_and_formulas_are_just_text():
    table = read_csv(b" =cmd|' /C calc'!A0 , @SUM(1) \n", max_bytes=MB)
    assert cells(table) == [["=cmd|' /C calc'!A0", "@SUM(1)"]]


def test_decode_drops_one_bom():
    assert decode(codecs.BOM_UTF8 + b"x") == "x"
    assert decode("x".encode("utf-16")) == "x"


def test_messages_are_translated():
    with translation.override("es"), pytest.raises(CsvError) as error:
        read_csv(b"", max_bytes=MB)
    assert error.value.message != "The file is empty."


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_give_rows_or_a_csv_error(data):
    try:
        table = read_csv(data, max_bytes=MB, max_rows=50, max_cell=40, header=True)
    except CsvError as error:
        assert error.message
    else:
        assert table.header is not None and len(table.rows) <= 50
        for row in table.rows:
            assert row.line >= 1 and any(row.cells)
            assert all(len(c) <= 40 and c == c.strip() and "\x00" not in c for c in row.cells)


cell_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.lists(cell_text, min_size=1, max_size=4), min_size=1, max_size=8),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
)
def test_what_a_csv_writer_writes_reads_back(rows, newline, delimiter, quoting):
    """Round trip: rows written by the csv module (any text, any line ending) read back
    as the same stripped cells, blank rows skipped."""
    if quoting == csv.QUOTE_MINIMAL:  # the writer only quotes its own line terminator
        rows = [[c.replace("\r", " ").replace("\n", " ") for c in row] for row in rows]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline, quoting=quoting)
    writer.writerow(["h1", "h2"])
    writer.writerows(rows)
    data = out.getvalue().encode()
    try:
        table = read_csv(data, max_bytes=MB, header=True)
    except CsvError as error:
        assert any("\x00" in c for row in rows for c in row), error.message
        return
    expected = [[c.strip() for c in row] for row in rows]
    assert cells(table) == [row for row in expected if any(row)]


# --- Exports ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+34 600", "'+34 600"),
        ("-2+3", "'-2+3"),
        ("--1", "'--1"),
        ("-٣", "'-٣"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-5", "-5"),
        ("-1.5", "-1.5"),
        (-5, "-5"),
        (True, "1"),
        (None, ""),
        ("Taladro = bueno", "Taladro = bueno"),
        ("", ""),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=10), min_size=1, max_size=4))
def test_exported_cells_never_start_a_formula(values):
    text = "".join(csv_rows(["h"], [values]))
    for cell in next(csv.reader(io.StringIO(text.split("\r\n", 1)[1], newline=""))):
        assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
        assert not cell.startswith("-") or re.fullmatch(r"-[0-9]+(\.[0-9]+)?", cell), cell
