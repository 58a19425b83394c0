"""The fiscal position rules, VAT rates per country and category, EU VAT numbers."""

from decimal import Decimal

import pytest
from django.utils import translation

from core import fiscal
from core.fiscal import FiscalPosition
from core.models import TaxRate

VALID_PL = "PL5260250995"


@pytest.mark.parametrize(
    ("customer", "vat_number", "expected"),
    [
        ("ES", "", FiscalPosition.DOMESTIC),
        ("ES", "ESB12345674", FiscalPosition.DOMESTIC),
        ("PL", VALID_PL, FiscalPosition.INTRA_EU),
        ("PL", "pl 526-025-09-95", FiscalPosition.INTRA_EU),
        ("PL", "", FiscalPosition.DOMESTIC),
        ("PL", "PL5260250996", FiscalPosition.DOMESTIC),  # bad check digit
        ("PL", "ESB12345674", FiscalPosition.DOMESTIC),  # the seller's own state's number
        ("CH", "", FiscalPosition.EXPORT),
        ("US", VALID_PL, FiscalPosition.EXPORT),
    ],
)
def test_fiscal_position_matrix(customer, vat_number, expected):
    position = fiscal.fiscal_position(
        seller_country="ES", customer_country=customer, vat_number=vat_number
    )
    assert position == expected


def test_a_polish_seller_sells_domestically_in_poland():
    assert fiscal.fiscal_position(seller_country="PL", customer_country="PL") == "domestic"
    assert (
        fiscal.fiscal_position(seller_country="PL", customer_country="ES", vat_number="ESB12345674")
        == "intra_eu"
    )


@pytest.mark.django_db
def test_rates_come_from_the_table_per_country(settings):
    assert fiscal.rates_for("ES") == {
        "standard": Decimal("21.00"),
        "reduced": Decimal("10.00"),
        "super_reduced": Decimal("4.00"),
        "exempt": Decimal("0.00"),
    }
    assert fiscal.rates_for("PL")["reduced"] == Decimal("8.00")
    assert fiscal.vat_rate_for("domestic", "reduced") == Decimal("10.00")
    assert fiscal.vat_rate_for("intra_eu", "standard") == Decimal("0.00")
    assert fiscal.vat_rate_for("export", "standard") == Decimal("0.00")
    settings.SELLER_COUNTRY = "PL"
    assert fiscal.vat_rate_for("domestic", "standard") == Decimal("23.00")


@pytest.mark.django_db
def test_a_changed_rate_is_used_at_once():
    row = TaxRate.objects.get(country="ES", category="reduced")
    assert fiscal.seller_rate("reduced") == Decimal("10.00")
    row.rate = Decimal("12.00")
    row.save()
    assert fiscal.seller_rate("reduced") == Decimal("12.00")


@pytest.mark.django_db
def test_category_for_rate_selects_the_seller_countrys_category():
    assert fiscal.category_for_rate("21") == "standard"
    assert fiscal.category_for_rate(Decimal("4.00")) == "super_reduced"
    assert fiscal.category_for_rate("0") == "exempt"
    assert fiscal.category_for_rate("7") is None
    assert fiscal.category_for_rate("23") is None
    assert fiscal.category_for_rate("23", country="PL") == "standard"
    assert fiscal.category_for_rate("abc") is None


def test_vat_numbers_are_checked_with_their_check_digit():
    assert fiscal.vat_number_problem(VALID_PL) is None
    assert fiscal.normalize_vat_number(" pl 526-025-09-95 ") == VALID_PL
    with translation.override("en"):
        assert "check digit" in fiscal.vat_number_problem("PL5260250996")
    with translation.override("pl"):
        assert "PL5260250996" in fiscal.vat_number_problem("PL5260250996")
    assert fiscal.vat_number_problem("XX123") is not None
    assert fiscal.vat_number_problem("5260250995") is not None  # no country prefix
    assert not fiscal.is_valid_vat_number(None)


@pytest.mark.django_db
def test_managers_edit_rates_in_the_admin_and_the_change_is_audited(
    client_for, manager, service_agent
):
    from core.models import AuditEntry

    row = TaxRate.objects.get(country="PL", category="reduced")
    url = f"/admin/core/taxrate/{row.pk}/change/"
    assert client_for(service_agent).get(url).status_code in (302, 403)
    client = client_for(manager)
    assert client.get(url).status_code == 200
    response = client.post(url, {"country": "PL", "category": "reduced", "rate": "7.00"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.rate == Decimal("7.00")
    assert fiscal.rates_for("PL")["reduced"] == Decimal("7.00")
    entry = AuditEntry.objects.get(content_type__model="taxrate", object_id=str(row.pk))
    assert entry.changes["rate"] == ["8.00", "7.00"]
