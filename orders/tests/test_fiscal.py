"""The fiscal position of an order: decided at placement from the billing country and
the EU VAT number, snapshotted, shown; changed while pending, with a note, audited."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import AuditEntry
from customers.tests.factories import CompanyFactory
from orders import services
from orders.errors import InvalidInput, NotAllowed, TransitionNotAllowed
from orders.models import EventKind
from pricing.tests.factories import price_every_product

pytestmark = pytest.mark.django_db

VALID_PL = "PL5260250995"
LINES = [{"sku": "DRILL-18V", "quantity": 2}, {"sku": "GLOVES-L", "quantity": 10}]


def company_in(country, vat_number="", **extra):
    return CompanyFactory(country=country, vat_number=vat_number, **extra)


@pytest.mark.parametrize(
    ("country", "vat_number", "position", "rates", "tax"),
    [
        # 200.00 of drills (standard) + 49.50 of gloves (reduced), under 300: 9.90 of
        # shipping taxed at the highest rate: (200 + 9.90) x 21 % + 49.50 x 10 % = 49.03.
        ("ES", "ESB12345674", "domestic", ["21.00", "10.00"], "49.03"),
        ("PL", VALID_PL, "intra_eu", ["0.00", "0.00"], "0.00"),
        ("PL", "", "domestic", ["21.00", "10.00"], "49.03"),
        ("CH", "", "export", ["0.00", "0.00"], "0.00"),
        ("US", "", "export", ["0.00", "0.00"], "0.00"),
    ],
)
def test_fiscal_position_matrix_at_placement(
    service_agent, drill, gloves, country, vat_number, position, rates, tax
):
    company = company_in(country, vat_number)
    order = services.place_order(actor=service_agent, company=company, lines=LINES)
    order.refresh_from_db()
    assert order.fiscal_position == position
    assert [str(line.vat_rate) for line in order.lines.order_by("position")] == rates
    assert order.tax == Decimal(tax)
    assert order.total == order.subtotal - order.discount + order.shipping + order.tax
    assert order.seller_vat_number == "ESB12345674"
    assert order.customer_vat_number == vat_number
    assert list(order.lines.values_list("tax_category", flat=True).order_by("position")) == [
        "standard",
        "reduced",
    ]


def test_domestic_rates_follow_the_seller_country(settings, service_agent, drill, gloves):
    settings.SELLER_COUNTRY = "PL"
    settings.SELLER_VAT_NUMBER = VALID_PL
    polish = company_in("PL")
    order = services.place_order(actor=service_agent, company=polish, lines=LINES)
    assert order.fiscal_position == "domestic"
    assert [line.vat_rate for line in order.lines.order_by("position")] == [
        Decimal("23.00"),
        Decimal("8.00"),
    ]


def test_the_api_answers_the_position_of_an_intra_eu_order(api, seller_key, drill, gloves):
    company = company_in("PL", VALID_PL, currency="PLN", language="pl")
    price_every_product("PLN")
    response = api(seller_key).post(
        "/api/v1/orders/", {"customer": company.pk, "lines": LINES}, format="json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["fiscal_position"] == "intra_eu"
    assert data["customer_vat_number"] == VALID_PL
    assert data["seller_vat_number"] == "ESB12345674"
    assert [line["vat_rate"] for line in data["lines"]] == ["0.00", "0.00"]
    assert data["totals"]["tax"] == "0.00"
    detail = api(seller_key).get(f"/api/v1/orders/{data['number']}/").json()
    assert detail["fiscal_position"] == "intra_eu"


def test_order_pages_show_the_position(client_for, service_agent, drill, gloves):
    company = company_in("PL", VALID_PL)
    order = services.place_order(actor=service_agent, company=company, lines=LINES)
    page = client_for(service_agent).get(reverse("backoffice:order_detail", args=[order.number]))
    html = page.content.decode()
    assert 'data-fiscal-position="intra_eu"' in html and VALID_PL in html


def test_portal_order_page_shows_the_position(client_for, service_agent, drill, gloves):
    from customers.tests.factories import CustomerUserFactory

    company = company_in("CH", language="en")
    buyer = CustomerUserFactory(company=company, role="buyer")
    order = services.place_order(actor=service_agent, company=company, lines=LINES)
    page = client_for(buyer).get(reverse("portal:order_detail", args=[order.number]))
    assert page.status_code == 200
    assert 'data-fiscal-position="export"' in page.content.decode()
    assert "Export" in page.content.decode()


# --- changing the position -----------------------------------------------------------------


def test_customer_service_changes_the_position_before_preparation(service_agent, drill, gloves):
    company = company_in("PL")  # no VAT number yet: domestic treatment
    order = services.place_order(actor=service_agent, company=company, lines=LINES)
    assert order.tax == Decimal("49.03")
    services.change_fiscal_position(
        order=order,
        actor=service_agent,
        fiscal_position="intra_eu",
        note="VAT number PL5260250995 checked in VIES",
    )
    order.refresh_from_db()
    assert order.fiscal_position == "intra_eu"
    assert set(order.lines.values_list("vat_rate", flat=True)) == {Decimal("0.00")}
    assert order.tax == Decimal("0.00")
    assert order.total == order.subtotal - order.discount + order.shipping
    event = order.events.get(kind=EventKind.FISCAL_POSITION)
    assert event.note == "VAT number PL5260250995 checked in VIES"
    assert event.data["from"] == "domestic" and event.data["to"] == "intra_eu"
    entry = AuditEntry.objects.get(object_id=str(order.pk), content_type__model="order")
    assert entry.changes["fiscal_position"] == ["domestic", "intra_eu"]
    assert entry.changes["tax"] == ["49.03", "0.00"]
    # ...and back: the rates come back from the lines' categories.
    services.change_fiscal_position(
        order=order, actor=service_agent, fiscal_position="domestic", note="Back"
    )
    order.refresh_from_db()
    assert order.tax == Decimal("49.03")


def test_changing_the_position_needs_a_note_and_a_valid_position(service_agent, drill, gloves):
    order = services.place_order(actor=service_agent, company=company_in("ES"), lines=LINES)
    with pytest.raises(InvalidInput) as error:
        services.change_fiscal_position(
            order=order, actor=service_agent, fiscal_position="export", note=" "
        )
    assert "note" in error.value.fields
    with pytest.raises(InvalidInput) as error:
        services.change_fiscal_position(
            order=order, actor=service_agent, fiscal_position="moon", note="x"
        )
    assert "fiscal_position" in error.value.fields
    order.refresh_from_db()
    assert order.fiscal_position == "domestic" and order.tax == Decimal("49.03")


def test_the_position_cannot_change_after_preparation_or_by_the_warehouse(
    service_agent, warehouse_worker, drill, gloves
):
    order = services.place_order(actor=service_agent, company=company_in("ES"), lines=LINES)
    with pytest.raises(NotAllowed):
        services.change_fiscal_position(
            order=order, actor=warehouse_worker, fiscal_position="export", note="x"
        )
    services.prepare_order(order=order, actor=service_agent)
    with pytest.raises(TransitionNotAllowed):
        services.change_fiscal_position(
            order=order, actor=service_agent, fiscal_position="export", note="x"
        )
    order.refresh_from_db()
    assert order.fiscal_position == "domestic"


def test_the_position_changes_through_the_api_and_the_backoffice(
    api, seller_key, company_key, company, client_for, manager, drill, gloves
):
    order = services.place_order(actor=manager, company=company, lines=LINES)
    url = f"/api/v1/orders/{order.number}/fiscal-position/"
    refused = api(company_key).post(url, {"fiscal_position": "export", "note": "x"}, format="json")
    assert refused.status_code == 403
    bad = api(seller_key).post(url, {"fiscal_position": "export"}, format="json")
    assert bad.status_code == 400 and "note" in bad.json()["fields"]
    done = api(seller_key).post(url, {"fiscal_position": "export", "note": "CH"}, format="json")
    assert done.status_code == 200, done.json()
    assert done.json()["fiscal_position"] == "export" and done.json()["totals"]["tax"] == "0.00"

    client = client_for(manager)
    page = client.get(reverse("backoffice:order_detail", args=[order.number]))
    assert 'data-action="change_fiscal_position"' in page.content.decode()
    action = reverse("backoffice:order_action", args=[order.number, "change_fiscal_position"])
    missing = client.post(action, {"change_fiscal_position-fiscal_position": "domestic"})
    assert missing.status_code == 400
    response = client.post(
        action,
        {
            "change_fiscal_position-fiscal_position": "domestic",
            "change_fiscal_position-note": "Spanish customer after all",
        },
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.fiscal_position == "domestic" and order.tax > 0


def test_the_portal_catalog_shows_the_rate_the_company_pays(client_for, drill, gloves):
    from customers.tests.factories import CustomerUserFactory

    def vat_cells(company):
        buyer = CustomerUserFactory(company=company, role="buyer")
        html = client_for(buyer).get(reverse("portal:catalog")).content.decode()
        row = html.split('data-sku="DRILL-18V"')[1].split("</tr>")[0]
        return row

    assert "21 %" in vat_cells(company_in("ES"))
    intra = vat_cells(company_in("PL", VALID_PL))
    assert "0 %" in intra and "21 %" not in intra
