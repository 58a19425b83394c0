"""The menus each app registers (``core.navigation``): the same entries, order, labels,
disabled state, role restrictions and badges as before the registry existed."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from core.navigation import backoffice_menu, portal_menu

BACKOFFICE = [
    ("home", "Dashboard", "/backoffice/"),
    ("orders", "Orders", "/backoffice/orders/"),
    ("customers", "Customers", "/backoffice/customers/"),
    ("inventory", "Inventory", "/backoffice/inventory/"),
    ("pricing", "Prices", "/backoffice/pricing/"),
    ("returns", "Returns", "/backoffice/returns/"),
    ("complaints", "Complaints", "/backoffice/complaints/"),
    ("exchange_rates", "Exchange rates", "/backoffice/documents/exchange-rates/"),
    ("verifactu", "VeriFactu", "/backoffice/documents/verifactu/"),
    ("api", "API", "/backoffice/api-keys/"),
    ("audit", "Audit trail", "/backoffice/audit/"),
    ("closures", "Closure days", "/backoffice/closures/"),
]
PORTAL = [
    ("home", "Home", "/portal/"),
    ("catalog", "Catalog", "/portal/catalog/"),
    ("cart", "Cart", "/portal/cart/"),
    ("pad", "Order pad", "/portal/pad/"),
    ("orders", "Orders", "/portal/orders/"),
    ("returns", "Returns", "/portal/returns/"),
    ("complaints", "Complaints", "/portal/complaints/"),
    ("account", "Account", "/portal/account/"),
    ("company", "Company", "/portal/company/"),
    ("users", "Users", "/portal/users/"),
]


def _rows(menu):
    return [(entry["key"], str(entry["label"]), entry["url"]) for entry in menu]


@pytest.mark.django_db
def test_backoffice_menu_for_a_manager(manager):
    with translation.override("en"):
        assert _rows(backoffice_menu(manager)) == BACKOFFICE


@pytest.mark.django_db
def test_api_and_audit_entries_are_for_managers_only(service_agent):
    with translation.override("en"):
        assert _rows(backoffice_menu(service_agent)) == [
            r for r in BACKOFFICE if r[0] not in ("api", "audit", "closures")
        ]


@pytest.mark.django_db
def test_prices_entry_is_for_customer_service_and_managers(warehouse_worker):
    with translation.override("en"):
        assert _rows(backoffice_menu(warehouse_worker)) == [
            r for r in BACKOFFICE if r[0] not in ("api", "audit", "pricing", "closures")
        ]


@pytest.mark.django_db
def test_portal_menu_for_a_company_admin(customer_admin):
    with translation.override("en"):
        assert _rows(portal_menu(customer_admin)) == PORTAL


@pytest.mark.django_db
def test_users_entry_is_for_company_admins_only(buyer):
    with translation.override("en"):
        assert _rows(portal_menu(buyer)) == [r for r in PORTAL if r[0] != "users"]


@pytest.mark.django_db
def test_low_stock_badge_is_the_inventory_count(manager):
    from inventory.models import StockItem
    from inventory.tests.factories import StockItemFactory

    assert all(entry["badge"] is None for entry in backoffice_menu(manager))
    StockItemFactory()
    # Low stock: available (on hand less reserved) below the reorder point.
    StockItem.objects.update(on_hand=2, reserved=0, reorder_point=5)
    cache.clear()  # badge counts are reused for a minute: let it pass
    badges = {entry["key"]: entry["badge"] for entry in backoffice_menu(manager)}
    assert badges.pop("inventory")["count"] == 1
    assert set(badges.values()) == {None}


@pytest.mark.django_db
def test_backoffice_home_shows_the_customer_figures(client_for, manager, company, other_company):
    from customers.models import Company, CompanyStatus

    Company.objects.filter(pk=other_company.pk).update(status=CompanyStatus.BLOCKED)
    with translation.override("en"):
        response = client_for(manager).get(reverse("backoffice:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/backoffice/customers/?status=active"' in html
    assert 'href="/backoffice/customers/?status=blocked"' in html
    active = html.split("?status=active")[1].split('display-6">')[1].split("<")[0]
    blocked = html.split("?status=blocked")[1].split('display-6">')[1].split("<")[0]
    assert (active, blocked) == ("1", "1")


@pytest.mark.django_db
def test_configuration_pages_sit_in_the_settings_dropdown(client_for, manager):
    """The bar keeps the daily work; API keys, the audit trail, closure days and
    exchange rates are in the "Settings" dropdown (it fits a 1280 px screen in every
    language: tests/test_browser_layout.py)."""
    grouped = {entry["key"] for entry in backoffice_menu(manager) if entry["group"]}
    assert grouped == {"exchange_rates", "verifactu", "api", "audit", "closures"}
    html = client_for(manager).get(reverse("backoffice:home")).content.decode()
    bar, dropdown = html.split('class="nav-item dropdown"', 1)
    for url in (
        "/backoffice/api-keys/",
        "/backoffice/audit/",
        "/backoffice/closures/",
        "/backoffice/documents/verifactu/",
    ):
        assert f'href="{url}"' in dropdown and f'href="{url}"' not in bar.split("<main")[0]
    assert 'href="/backoffice/orders/"' in bar


@pytest.mark.django_db
def test_the_settings_dropdown_holds_only_what_the_role_may_open(client_for, warehouse_worker):
    html = client_for(warehouse_worker).get(reverse("backoffice:home")).content.decode()
    dropdown = html.split('class="nav-item dropdown"', 1)[1].split("</ul>", 1)[0]
    assert 'href="/backoffice/documents/exchange-rates/"' in dropdown
    for url in ("/backoffice/api-keys/", "/backoffice/audit/", "/backoffice/closures/"):
        assert url not in dropdown
