"""What complaints added to the lower apps: the supplier of a product, the carriers'
claim windows, the consumer-protection flag and company-bound coupons, with their API
fields and back-office form fields."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory.models import Product, Supplier
from orders.models import Carrier, Coupon
from orders.services.quote import coupon_problem


@pytest.mark.django_db
class TestSupplier:
    def test_product_api_names_its_supplier(self, api, seller_key, supplier, products):
        client = api(seller_key, HTTP_ACCEPT_LANGUAGE="en")
        response = client.patch(
            f"/api/v1/products/{products['paper'].sku}/", {"supplier": supplier.pk}, format="json"
        )
        assert response.status_code == 200, response.json()
        assert response.json()["supplier"] == supplier.pk
        assert Product.objects.get(sku="PAPER-A4").supplier == supplier
        bad = client.patch(
            f"/api/v1/products/{products['paper'].sku}/", {"supplier": 999999}, format="json"
        )
        assert bad.status_code == 400
        assert bad.json()["fields"]["supplier"] == ["Unknown supplier."]

    def test_save_supplier_is_audited_and_for_catalog_editors(self, manager, buyer):
        from core.errors import NotAllowed
        from core.models import AuditEntry
        from inventory.services import save_supplier

        supplier = save_supplier(
            actor=manager, name="Papelera Norte", claims_email="q@norte.example"
        )
        assert supplier.claim_window_days == 30
        assert AuditEntry.objects.filter(object_id=str(supplier.pk)).exists()
        with pytest.raises(NotAllowed):
            save_supplier(actor=buyer, name="X")
        assert not Supplier.objects.filter(name="X").exists()

    def test_product_form_offers_the_supplier(self):
        from inventory.backoffice.forms import ProductForm

        assert "supplier" in ProductForm().fields


@pytest.mark.django_db
def test_carrier_form_takes_claim_windows_with_cmr_defaults(client_for, manager):
    client = client_for(manager)
    response = client.post(
        reverse("backoffice:carrier_create"),
        {
            "code": "nacex",
            "name": "Nacex",
            "transit_days_standard": 2,
            "transit_days_express": 1,
            "claims_email": "claims@nacex.example",
            "claim_days_delay": 30,
            "active": "on",
        },
    )
    assert response.status_code == 302
    carrier = Carrier.objects.get(code="nacex")
    assert (carrier.claim_days_damage, carrier.claim_days_delay) == (7, 30)
    assert carrier.claims_email == "claims@nacex.example"


@pytest.mark.django_db
def test_customer_api_and_form_carry_consumer_protection(api, seller_key, other_company):
    from customers.forms import CompanyForm

    assert "consumer_protected" in CompanyForm().fields
    client = api(seller_key, HTTP_ACCEPT_LANGUAGE="en")
    response = client.patch(
        f"/api/v1/customers/{other_company.pk}/", {"consumer_protected": True}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["consumer_protected"] is True
    other_company.refresh_from_db()
    assert other_company.consumer_protected


@pytest.mark.django_db
def test_a_company_bound_coupon_is_unknown_to_other_companies(company, other_company):
    today = timezone.localdate()
    coupon = Coupon.objects.create(
        code="REC-2026-000001",
        kind="percent",
        value=Decimal("10"),
        valid_from=today,
        valid_until=today,
        usage_limit=1,
        company=company,
    )
    assert coupon_problem(coupon, Decimal("100"), company_id=company.pk) is None
    assert coupon_problem(coupon, Decimal("100"), company_id=other_company.pk)
