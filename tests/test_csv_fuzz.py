"""Every CSV entry point, through its real HTTP view, with awkward files: a success
(redirect) or a form error (400), never a server error, and nothing changed on error.

Entry points (``grep -rn csv --include=*.py``): the portal cart upload
(``portal:cart_update``, action ``csv``), the back-office stock receipts import
(``backoffice:stock_import``) and the stock export (``backoffice:stock_export``). The
API has no CSV endpoint: it only parses JSON, so a CSV body is a 415.
"""

from __future__ import annotations

import codecs
import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apikeys.tests.api_fixtures import api, seller_key  # noqa: F401
from inventory.imports import MAX_ROWS
from inventory.models import StockItem, StockMovement
from inventory.tests.factories import ProductFactory, WarehouseFactory
from orders.models import Order
from orders.portal import cart
from orders.services import MAX_LINE_QUANTITY
from orders.tests.factories import stocked_product

pytestmark = pytest.mark.django_db

CART = "portal:cart_update"
IMPORT = "backoffice:stock_import"
HEADER = "sku,warehouse,quantity,reason"
BIG = 128 * 1024 + 1  # one over the csv module's field size limit
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def mad(db):
    return WarehouseFactory(code="MAD", name="Madrid", is_default=True)


@pytest.fixture
def cables(mad):
    return [
        stocked_product(500, mad, sku="EL-CAB-01", name="Cable 1"),
        stocked_product(500, mad, sku="EL-CAB-02", name="Cable 2"),
    ]


@pytest.fixture
def portal(client_for, buyer, cables):
    client = client_for(buyer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def backoffice(client_for, warehouse_worker, cables):
    client = client_for(warehouse_worker)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def upload(data: bytes, name="lines.csv"):
    return SimpleUploadedFile(name, data, "text/csv")


def post_cart_csv(client, data: bytes):
    return client.post(reverse(CART), {"action": "csv", "file": upload(data)})


def post_import(client, data: bytes):
    return client.post(reverse(IMPORT), {"file": upload(data, "receipts.csv")})


def cart_of(client):
    from customers.models import User

    return cart.get(User.objects.get(pk=client.session["_auth_user_id"]))


def stock_state():
    return (
        StockMovement.objects.count(),
        sorted(StockItem.objects.values_list("pk", "on_hand", "reserved")),
    )


def page_errors(response) -> str:
    """The form's errors as one text (the form is in the context under its key)."""
    context = response.context
    form = context.get("csv_form") or context.get("form")
    messages = [str(e) for errors in form.errors.values() for e in errors]
    messages += [f"{e['row']} {e['field']} {e['message']}" for e in context.get("row_errors", ())]
    return " | ".join(messages)


# --- Portal cart upload ---------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"EL-CAB-01,1\rEL-CAB-02,2\r",  # classic Mac, from the black-box run
        b"EL-CAB-01,1\r\nEL-CAB-02,2\r\n",
        b"EL-CAB-01,1\nEL-CAB-02,2",
        b"sku;quantity\rEL-CAB-01;1\r\nEL-CAB-02;2\n",
        codecs.BOM_UTF8 + b"SKU,Qty\nel-cab-01,1\nEL-CAB-02,2\n",
        "SKU\tQty\r\nEL-CAB-01\t1\r\nEL-CAB-02\t2\r\n".encode("utf-16"),  # Excel Unicode text
        b'"EL-CAB-01","1"\n\n\n"EL-CAB-02",2\n',
    ],
)
def test_portal_upload_line_endings_and_encodings_work(portal, data):
    response = post_cart_csv(portal, data)
    assert response.status_code == 302, page_errors(response)
    assert cart_of(portal) == {"EL-CAB-01": 1, "EL-CAB-02": 2}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"EL-CAB-01," + b"1" * BIG + b"\n", "Line 1: a value is too long"),
        (b'EL-CAB-01,1\nEL-CAB-02,"' + b"x" * BIG, "Line 2: a value is too long"),
        (b"EL-CAB-01,1\nEL-\x00CAB-02,2\n", "Line 2 contains a NUL character"),
        ("EL-CAB-01,1\n".encode("utf-16-le"), "NUL character"),
        ("sku,cantidad\nEL-CAB-01,1\nAÑO,2\n".encode("latin-1"), "not UTF-8"),
        ("EL-CAB-01,٣\n".encode(), "Enter a whole number of units"),
        ("EL-CAB-01,３\n".encode(), "Enter a whole number of units"),
        ("EL-CAB-01,1\nEL-CAB-02,٢\n".encode(), "Enter a whole number of units"),
        (b"EL-CAB-01," + b"9" * 999 + b"\n", "At most 100000 units per line"),
        (b"EL-CAB-01,100001\n", "At most 100000 units per line"),
        (b"EL-CAB-01,60000\nEL-CAB-01,60000\n", "at most 100000 units in total"),
        (b"=EL-CAB-01,1\n", "unknown SKU =EL-CAB-01"),
        (b"@SUM(A1),1\n+EL-CAB-01,2\n", "unknown SKU @SUM(A1)"),
        (b"EL-CAB-01,=1+1\n", "Enter a whole number of units"),
        (b"EL-CAB-01,-1\n", "Enter a whole number of units"),
        (b"sku,quantity\n", "Add at least one line"),
        (b"\r\n\r\n", "The file is empty"),
        (b"EL-CAB-01\n", "Row 1: write a SKU and a quantity"),
        (b"EL-CAB-01,1\n" * 501, "Too many rows (at most 500)"),
        (b"EL-CAB-01,1\n" * 90_000, "The file is too large"),
    ],
)
def test_portal_upload_refuses_bad_files_with_a_message(portal, data, message):
    response = post_cart_csv(portal, data)
    assert response.status_code == 400
    assert message in page_errors(response)
    assert cart_of(portal) == {}


def test_portal_upload_of_an_empty_file(portal):
    response = post_cart_csv(portal, b"")
    assert response.status_code == 400 and "file" in response.context["csv_form"].errors
    assert cart_of(portal) == {}


def test_portal_cart_refuses_more_than_a_line_may_have_at_add(portal):
    add = {"action": "add", "sku": "EL-CAB-01"}
    assert portal.post(reverse(CART), {**add, "quantity": 60_000}).status_code == 302
    portal.post(reverse(CART), {**add, "quantity": 60_000})
    assert cart_of(portal) == {"EL-CAB-01": 60_000}
    page = portal.get(reverse("portal:cart"))
    assert "at most 100000 units in total" in page.text
    # The CSV upload and the quick order add to the cart under the same limit.
    response = post_cart_csv(portal, b"EL-CAB-02,5\nEL-CAB-01,40001\n")
    assert response.status_code == 400 and "EL-CAB-01: at most 100000" in page_errors(response)
    response = portal.post(reverse(CART), {"action": "quick", "lines": "EL-CAB-01 40001"})
    assert response.status_code == 400
    assert cart_of(portal) == {"EL-CAB-01": 60_000}
    # Up to the limit is fine.
    assert post_cart_csv(portal, b"EL-CAB-01,40000\n").status_code == 302
    assert cart_of(portal) == {"EL-CAB-01": MAX_LINE_QUANTITY}
    over = portal.post(reverse(CART), {**add, "quantity": MAX_LINE_QUANTITY + 1})
    assert over.status_code == 302 and cart_of(portal) == {"EL-CAB-01": MAX_LINE_QUANTITY}


def test_portal_cart_refuses_more_products_than_it_holds(portal, mad):
    for i in range(cart.MAX_ITEMS + 1):
        ProductFactory(sku=f"BULK-{i:03d}")
    rows = "".join(f"BULK-{i:03d},1\n" for i in range(cart.MAX_ITEMS + 1)).encode()
    response = post_cart_csv(portal, rows)
    assert response.status_code == 400
    assert f"at most {cart.MAX_ITEMS} products" in page_errors(response)
    assert cart_of(portal) == {}  # nothing silently dropped: nothing added


@pytest.mark.parametrize("value", ["٣", "３", "1٣"])
def test_portal_add_and_set_refuse_non_ascii_digits(portal, value):
    portal.post(reverse(CART), {"action": "add", "sku": "EL-CAB-01", "quantity": value})
    assert cart_of(portal) == {}
    portal.post(reverse(CART), {"action": "quick", "lines": f"EL-CAB-01 {value}"})
    assert cart_of(portal) == {}
    portal.post(reverse(CART), {"action": "add", "sku": "EL-CAB-01", "quantity": 2})
    portal.post(reverse(CART), {"action": "set", "qty-EL-CAB-01": value})
    assert cart_of(portal) == {"EL-CAB-01": 2}


def test_portal_quick_order_and_set_with_a_huge_number(portal):
    huge = "9" * 5000  # int() refuses more than 4300 digits
    response = portal.post(reverse(CART), {"action": "quick", "lines": f"EL-CAB-01 {huge}"})
    assert response.status_code == 400
    portal.post(reverse(CART), {"action": "add", "sku": "EL-CAB-01", "quantity": 2})
    response = portal.post(reverse(CART), {"action": "set", "qty-EL-CAB-01": huge})
    assert response.status_code == 302 and cart_of(portal) == {"EL-CAB-01": 2}


# --- Back-office stock import ---------------------------------------------------------


def receipts(*rows, header=HEADER, newline="\n") -> bytes:
    return newline.join([header, *rows, ""]).encode()


@pytest.mark.parametrize(
    "data",
    [
        receipts("EL-CAB-01,MAD,3,Albarán 1", "EL-CAB-02,mad,4,", newline="\r"),
        receipts("EL-CAB-01,MAD,3,Albarán 1", "EL-CAB-02,mad,4,", newline="\r\n"),
        receipts(
            "EL-CAB-01;MAD;3;Albarán 1", "EL-CAB-02;mad;4;", header="SKU;Warehouse;Quantity;Reason"
        ),
        codecs.BOM_UTF8 + receipts("EL-CAB-01,MAD,3,Albarán 1", "EL-CAB-02,MAD,4,x"),
        "\r\n".join([HEADER, "EL-CAB-01,MAD,3,Albarán 1", "EL-CAB-02,MAD,4,x"]).encode("utf-16"),
        receipts('EL-CAB-01,MAD,3,"Albarán\r1"', 'EL-CAB-02,MAD,4,"línea\r\ndos"'),  # CR inside
        receipts('EL-CAB-01,MAD,3,=HYPERLINK("http://x")', "EL-CAB-02,MAD,4,@SUM(A1)"),
    ],
)
def test_stock_import_line_endings_encodings_and_quoted_breaks_work(backoffice, data):
    response = post_import(backoffice, data)
    assert response.status_code == 302, page_errors(response)
    on_hand = dict(StockItem.objects.values_list("product__sku", "on_hand"))
    assert on_hand == {"EL-CAB-01": 503, "EL-CAB-02": 504}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (receipts("EL-CAB-01,MAD,3,x", "EL-\x00CAB-02,MAD,4,x"), "Line 3 contains a NUL"),
        (receipts("EL-CAB-01,MAD,3,x\x00"), "Line 2 contains a NUL"),
        ("\n".join([HEADER, "EL-CAB-01,MAD,3,x"]).encode("utf-16-le"), "NUL character"),
        (receipts("EL-CAB-01,MAD,3,Albar\rán"), "3 quantity"),  # an unquoted CR ends a row
        (receipts("EL-CAB-01,MAD,3," + "x" * BIG), "Line 2: a value is too long"),
        (receipts('EL-CAB-01,MAD,3,"' + "x" * BIG), "Line 2: a value is too long"),
        (receipts("EL-CAB-01,MAD,3,Albarán").decode().encode("latin-1"), "not UTF-8"),
        (receipts("EL-CAB-01,MAD,٣,x"), "2 quantity Enter a whole number of units"),
        (receipts("EL-CAB-01,MAD,+٣,x"), "2 quantity Enter a whole number of units"),
        (receipts("EL-CAB-01,MAD,3,x", "EL-CAB-02,MAD,３,x"), "3 quantity"),
        (receipts("EL-CAB-01,MAD," + "9" * 999 + ",x"), "2 quantity At most 1000000"),
        (receipts("=EL-CAB-01,MAD,3,x"), "2 sku Unknown SKU: =EL-CAB-01."),
        (receipts("EL-CAB-01,MAD,=3,x"), "2 quantity"),
        (receipts(), "The file has no rows to import"),
        (b"\n\r\n", "The file is empty"),
        (receipts("EL-CAB-01,3", header="sku,quantity"), "Missing columns: warehouse, reason"),
        (receipts(*["EL-CAB-01,MAD,1,x"] * (MAX_ROWS + 1)), "Too many rows (at most 5000)"),
    ],
)
def test_stock_import_refuses_bad_files_with_a_message(backoffice, data, message):
    before = stock_state()
    response = post_import(backoffice, data)
    assert response.status_code == 400
    assert message in page_errors(response)
    assert stock_state() == before


def test_stock_import_of_an_empty_or_too_large_file(backoffice):
    before = stock_state()
    response = post_import(backoffice, b"")
    assert response.status_code == 400 and "file" in response.context["form"].errors
    response = post_import(backoffice, receipts(*["EL-CAB-01,MAD,1,x" * 30] * 5000))
    assert response.status_code == 400 and "too large" in page_errors(response)
    assert stock_state() == before


# --- Hypothesis: any file -------------------------------------------------------------

text_cell = st.text(max_size=8)
quantity_cell = st.one_of(
    st.integers(min_value=-5, max_value=200_000).map(str),
    st.text(st.characters(whitelist_categories=("Nd",)), min_size=1, max_size=3),
    st.sampled_from(["=1+1", "+3", "@1", "\t2", " 4 ", "", "1.5", "0x10", "1_000"]),
)
sku_cell = st.one_of(
    st.sampled_from(["EL-CAB-01", "el-cab-02", "EL-CAB-02", "=EL-CAB-01", "-EL", "@x"]),
    text_cell,
)
encoding = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1252"])
newline = st.sampled_from(["\n", "\r\n", "\r"])
delimiter = st.sampled_from([",", ";", "\t"])


def encode(rows, *, encoding, newline, delimiter, nul) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
    text = out.getvalue()
    if nul is not None:
        text = text[:nul] + "\x00" + text[nul:]
    return text.encode(encoding, errors="replace")


portal_files = st.one_of(
    st.builds(
        encode,
        st.lists(st.lists(st.one_of(sku_cell, quantity_cell), max_size=3), max_size=6).map(
            lambda rows: [["sku", "quantity"], *rows]
        )
        | st.lists(st.tuples(sku_cell, quantity_cell).map(list), max_size=6),
        encoding=encoding,
        newline=newline,
        delimiter=delimiter,
        nul=st.none() | st.integers(min_value=0, max_value=40),
    ),
    st.binary(max_size=200),
)


@FUZZ
@given(data=portal_files)
def test_fuzz_portal_upload(portal, data):
    portal.post(reverse(CART), {"action": "clear"})
    orders = Order.objects.count()
    response = post_cart_csv(portal, data)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert page_errors(response)
        assert cart_of(portal) == {}
    else:
        assert cart_of(portal)
        assert set(cart_of(portal)) <= {"EL-CAB-01", "EL-CAB-02"}
        assert all(0 < qty <= MAX_LINE_QUANTITY for qty in cart_of(portal).values())
    assert Order.objects.count() == orders


import_files = st.one_of(
    st.builds(
        encode,
        st.lists(
            st.tuples(
                sku_cell, st.sampled_from(["MAD", "mad", "", "XXX", "=1"]), quantity_cell, text_cell
            ).map(list),
            max_size=6,
        ).map(lambda rows: [HEADER.split(","), *rows]),
        encoding=encoding,
        newline=newline,
        delimiter=st.sampled_from([",", ";"]),
        nul=st.none() | st.integers(min_value=0, max_value=60),
    ),
    st.binary(max_size=200),
)


@FUZZ
@given(data=import_files)
def test_fuzz_stock_import(backoffice, data):
    before = stock_state()
    response = post_import(backoffice, data)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert page_errors(response)
        assert stock_state() == before
    else:
        assert stock_state()[0] > before[0]


# --- Stock export: formula injection ----------------------------------------------------


def test_stock_export_guards_formula_injection(client_for, service_agent, mad):
    nasty = ['=HYPERLINK("http://evil","x")', "+34 600", "-2+3", "@SUM(A1)", "\tx", "\rx"]
    for i, text in enumerate(nasty):
        product = stocked_product(3, mad, sku=f"{text[0]}SKU-{i}", name=text, unit_price=1)
        product.category.name = text
        product.category.save()
        StockItem.objects.filter(product=product).update(bin_location=text[:20])
    response = client_for(service_agent).get(reverse("backoffice:stock_export"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(content, newline="")))
    assert len(rows) == 1 + len(nasty)
    for row in rows[1:]:
        sku, name, category, _warehouse, on_hand, *_rest, bin_location = row
        assert all(cell.startswith("'") for cell in (sku, name, category, bin_location)), row
        assert name[1:] in nasty and category[1:] == name[1:]
        assert on_hand == "3"


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=st.text(min_size=1, max_size=30).filter(lambda s: "\x00" not in s))
def test_fuzz_stock_export_never_starts_a_formula(client_for, service_agent, mad, name):
    StockItem.objects.create(product=ProductFactory(name=name), warehouse=mad)
    response = client_for(service_agent).get(reverse("backoffice:stock_export"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode()
    for row in list(csv.reader(io.StringIO(content, newline="")))[1:]:
        for cell in (row[0], row[1], row[2], row[-1]):
            if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", cell):
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row


# --- The API takes no CSV -------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/products/bulk/", "/api/v1/orders/"])
def test_api_refuses_a_csv_body(api, seller_key, url):  # noqa: F811
    response = api(seller_key).post(
        url, data=b"sku,quantity\nEL-CAB-01,1\r", content_type="text/csv"
    )
    assert response.status_code == 415
