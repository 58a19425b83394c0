"""Everything a person reads, in the reader's language: the same stored timeline rows,
order events and stock movements rendered in es, en and pl (pages and API), and
numbers in each locale's format on a page, in an email, in a PDF and in a CSV export
for people; decimal inputs read back what they show; ids above 999 never grouped."""

# ruff: noqa: F811 - the fixtures imported below are requested by name

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from apikeys.tests.api_fixtures import api, seller_key  # noqa: F401
from customers.models import TimelineEntry
from documents.models import DocumentFile, DocumentKind
from documents.tests.fixtures import flush, prepare, private_media, warehouses  # noqa: F401
from inventory.models import StockMovement, Warehouse
from orders import services as orders
from orders.models import Order
from orders.tests.factories import stocked_product

pytestmark = pytest.mark.django_db

LANGUAGES = ["es", "en", "pl"]
#: 1234.56 as each language writes it (Polish groups with a no-break space).
TOTAL = {"es": "1.234,56", "en": "1,234.56", "pl": "1\xa0234,56"}
PLACED = {
    "es": "Pedido {number} realizado: 1.234,56 EUR",
    "en": "Order {number} placed: 1,234.56 EUR",
    "pl": "Złożono zamówienie {number}: 1\xa0234,56 EUR",
}
RESERVED = {"es": "Pedido realizado", "en": "Order placed", "pl": "Złożono zamówienie"}


@pytest.fixture
def big_order(warehouses, company, service_agent, flush):
    """A placed order whose total is 1234.56 EUR (1020.30 + 21 % VAT, free shipping)."""
    stocked_product(10, warehouses[0], sku="BIG-1", name="Compresor", unit_price=Decimal("1020.30"))
    with flush():
        order = orders.place_order(
            actor=service_agent, company=company, lines=[{"sku": "BIG-1", "quantity": 1}]
        )
    assert order.total == Decimal("1234.56")
    return order


def _reader(language, user=None):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


def _text(response) -> str:
    return response.content.decode()


# --- stored messages, rendered for each reader ----------------------------------------------


def test_rows_store_keys_not_rendered_text(big_order):
    entry = TimelineEntry.objects.get(
        company=big_order.company, summary_message__key="order.placed"
    )
    assert entry.summary == ""
    assert entry.summary_message["params"] == {
        "number": big_order.number,
        "total": "1234.56",
        "currency": "EUR",
    }
    movement = StockMovement.objects.get(kind="reservation")
    assert movement.reason == "" and movement.reason_message == {
        "key": "stock.order_placed",
        "params": {},
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_same_timeline_rows_in_each_language_on_the_pages(language, big_order, manager, buyer):
    placed = PLACED[language].format(number=big_order.number)
    page = _text(_reader(language, manager).get(f"/backoffice/customers/{big_order.company.pk}/"))
    assert placed.replace(big_order.number, "") in re.sub(r"<a [^>]*>[^<]*</a>", "", page)
    with translation.override(language):
        email_line = TimelineEntry.objects.get(kind="email").summary_text
    unlinked = re.sub(r"<a [^>]*>([^<]*)</a>", r"\1", page).replace("&#x27;", "'")
    assert email_line in unlinked
    portal = _text(_reader(language, buyer).get("/portal/"))
    assert placed.replace(big_order.number, "") in re.sub(r"<a [^>]*>[^<]*</a>", "", portal)
    # The other languages' lines never show.
    for other in set(LANGUAGES) - {language}:
        assert PLACED[other].format(number="")[:12] not in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_same_stock_movements_in_each_language_on_the_page_and_the_api(
    language,
    big_order,
    manager,
    api,
    seller_key,
):
    page = _text(
        _reader(language, manager).get("/backoffice/inventory/movements/?kind=reservation")
    )
    assert f"<td>{RESERVED[language]}</td>" in page
    response = api(seller_key, HTTP_ACCEPT_LANGUAGE=language).get(
        "/api/v1/stock/movements/?kind=reservation"
    )
    assert response.status_code == 200
    assert [row["reason"] for row in response.json()["results"]] == [RESERVED[language]]


@pytest.mark.parametrize("language", LANGUAGES)
def test_hold_reasons_and_event_notes_in_each_language(
    language,
    big_order,
    settings,
    service_agent,
    flush,
    api,
    seller_key,
):
    settings.AUTO_HOLD_FIRST_ORDER_ABOVE = "1000.00"
    with flush():
        order = orders.place_order(
            actor=service_agent,
            company=big_order.company,
            lines=[{"sku": "BIG-1", "quantity": 1}],
            shipping_address={
                "line1": "Obra 3",
                "postal_code": "28100",
                "city": "Alcobendas",
                "country": "ES",
            },
        )
    assert order.on_hold and order.hold_reason == ""
    with translation.override(language):
        expected = [
            str(translation.gettext("Shipping address not on file.")),
        ]
    response = api(seller_key, HTTP_ACCEPT_LANGUAGE=language).get(f"/api/v1/orders/{order.number}/")
    assert response.json()["hold_reason"].splitlines() == expected
    events = api(seller_key, HTTP_ACCEPT_LANGUAGE=language).get(
        f"/api/v1/orders/{order.number}/events/"
    )
    held = [event for event in events.json() if event["kind"] == "held"]
    assert [event["note"] for event in held] == expected


# --- numbers in the locale's format ---------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_order_pages_print_the_total_in_the_locale_format(language, big_order, manager, buyer):
    back = _text(_reader(language, manager).get(f"/backoffice/orders/{big_order.number}/"))
    assert f"{TOTAL[language]}\xa0EUR" in back
    assert "1234.56" not in back and "1234,56" not in back
    portal = _text(_reader(language, buyer).get(f"/portal/orders/{big_order.number}/"))
    assert f"{TOTAL[language]}\xa0EUR" in portal
    listing = _text(_reader(language, manager).get("/backoffice/orders/?tab=all"))
    assert f"{TOTAL[language]}\xa0EUR" in listing


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_email_follows_the_company_language(
    language,
    warehouses,
    company,
    service_agent,
    flush,
):
    company.language = language
    company.save()
    stocked_product(5, warehouses[0], sku="BIG-1", name="Compresor", unit_price=Decimal("1020.30"))
    mail.outbox.clear()
    # Staff work in another language: the email is in the company's.
    with translation.override("es" if language != "es" else "pl"), flush():
        orders.place_order(
            actor=service_agent, company=company, lines=[{"sku": "BIG-1", "quantity": 1}]
        )
    (message,) = mail.outbox
    assert f"{TOTAL[language]} EUR" in message.body
    assert f"{TOTAL[language]} EUR" in message.alternatives[0][0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_invoice_pdf_follows_the_company_language(
    language,
    big_order,
    prepare,
):
    company = big_order.company
    company.language = language
    company.save()
    prepare(big_order)
    document = DocumentFile.objects.get(order=big_order, kind=DocumentKind.INVOICE)
    with document.file.open("rb") as handle:
        pdf = PdfReader(io.BytesIO(handle.read()))
    text = "\n".join(page.extract_text() for page in pdf.pages).replace("\xa0", " ")
    assert TOTAL[language].replace("\xa0", " ") in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_list_csv_exports_for_people_use_the_locale(language, big_order, manager):
    response = _reader(language, manager).get("/backoffice/orders/?tab=all&export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header, row = rows[0], rows[1]
    assert row[header.index("total")] == TOTAL[language]


def test_machine_csvs_keep_a_decimal_point(big_order, manager):
    response = _reader("es", manager).get("/backoffice/inventory/stock/export.csv")
    content = b"".join(response.streaming_content).decode()
    assert "1.234" not in content and "1234,56" not in content


@pytest.mark.parametrize(
    ("language", "shown"), [("es", "1.234,50"), ("en", "1,234.50"), ("pl", "1\xa0234,50")]
)
def test_a_product_price_round_trips_through_the_form_in_each_language(
    language,
    shown,
    warehouses,
    manager,
):
    product = stocked_product(0, warehouses[0], sku="RT-1", unit_price=Decimal("1234.50"))
    url = reverse("backoffice:product_edit", args=[product.pk])
    client = _reader(language, manager)
    page = _text(client.get(url))
    assert f'name="unit_price" value="{shown}"' in page
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {name: ("on" if value is True else value) for name, value in data.items()}
    data = {name: value for name, value in data.items() if value not in (None, False)}
    data["unit_price"] = shown
    data["name_es"] = data.get("name_es") or "Producto RT"  # the form's required language
    data["weight_kg"] = form["weight_kg"].as_widget().split('value="')[1].split('"')[0]
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    product.refresh_from_db()
    assert product.unit_price == Decimal("1234.50")
    # A point typed the English way is still read as decimals in every language.
    data["unit_price"] = "1234.5"
    client.post(url, data)
    product.refresh_from_db()
    assert product.unit_price == Decimal("1234.50")


@pytest.mark.parametrize(
    ("language", "typed"), [("es", "02/12/2026"), ("en", "12/02/2026"), ("pl", "02.12.2026")]
)
def test_date_filters_read_the_locale_format_and_iso(language, typed, manager, db):
    client = _reader(language, manager)
    for value in (typed, "2026-12-02"):
        response = client.get("/backoffice/orders/", {"tab": "all", "created_after": value})
        form = response.context["filterset"].form
        assert form.is_valid() and str(form.cleaned_data["created_after"]) == "2026-12-02"


def _next_id(model, value: int) -> None:
    """The next row of ``model`` gets id ``value``."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)"
            cursor.execute(sql, [table, value - 1])
        else:
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
            sql = "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)"
            cursor.execute(sql, [table, value - 1])


def test_ids_above_999_are_never_grouped(big_order, manager, warehouses, service_agent):
    _next_id(Order, 1234)
    order = orders.place_order(
        actor=service_agent, company=big_order.company, lines=[{"sku": "BIG-1", "quantity": 1}]
    )
    assert order.pk == 1234
    warehouse = Warehouse.objects.create(id=1500, code="BCN", name="Barcelona")
    stocked_product(0, warehouses[0], id=2345, sku="ID-2345")
    for language in LANGUAGES:
        client = _reader(language, manager)
        queue = _text(client.get("/backoffice/orders/?tab=all"))
        assert 'value="1234"' in queue  # the bulk-action checkbox
        stock = _text(client.get("/backoffice/inventory/warehouses/"))
        assert f"?warehouse={warehouse.pk}" in stock
        detail = client.get("/backoffice/inventory/products/2345/")
        assert detail.status_code == 200
        assert "/backoffice/inventory/products/2345/edit/" in _text(detail)
