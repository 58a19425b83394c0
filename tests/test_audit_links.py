"""The audit page links each audited domain object to its back-office page (each app
registers its models' pages with ``core.backoffice.links``)."""

import pytest
from django.urls import reverse

from core import audit
from core.backoffice.links import registered_url
from customers.tests.factories import CompanyFactory

PAGES = {
    "customers.company": "backoffice:customer_detail",
    "inventory.product": "backoffice:product_detail",
    "inventory.category": "backoffice:category_edit",
    "inventory.warehouse": "backoffice:warehouse_edit",
    "inventory.stockitem": "backoffice:stock_levels",
    "orders.coupon": "backoffice:coupon_edit",
    "orders.carrier": "backoffice:carrier_edit",
    "webhooks.subscription": "backoffice:webhook_detail",
}


@pytest.mark.parametrize("model_label,url_name", PAGES.items())
def test_every_audited_domain_model_has_its_page(model_label, url_name):
    reverse("backoffice:audit_list")  # the URLconf (and every app's tables) is loaded
    assert registered_url(model_label, 42) == reverse(url_name, args=[42])


def test_unknown_models_have_no_page():
    assert registered_url("customers.timelineentry", 1) is None


@pytest.mark.django_db
def test_the_audit_page_links_a_company(client_for, manager):
    company = CompanyFactory(legal_name="Ferretería Sol S.L.")
    audit.record_created(actor=manager, instance=company)
    html = client_for(manager).get(reverse("backoffice:audit_list")).text
    url = reverse("backoffice:customer_detail", args=[company.pk])
    assert f'<a href="{url}">Ferretería Sol S.L.</a>' in html
