import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from customers.models import Address, Company, TimelineEntry, User


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get(reverse("portal:login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


@pytest.mark.django_db
def test_every_domain_of_the_menu_is_built(client_for, manager):
    """Complaints took over their planned place: no menu entry is disabled any more."""
    content = client_for(manager).get(reverse("backoffice:home")).content.decode()
    assert 'href="/backoffice/customers/"' in content
    assert 'href="/backoffice/complaints/"' in content
    assert 'aria-disabled="true"' not in content


@pytest.mark.django_db
def test_static_assets_are_local(client_for, manager):
    content = client_for(manager).get(reverse("backoffice:home")).content.decode()
    assert "/static/vendor/bootstrap/bootstrap.min.css" in content
    assert "/static/vendor/htmx/htmx.min.js" in content
    assert "cdn" not in content.lower()


@pytest.mark.django_db
def test_seed_demo_is_idempotent(capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    counts = [m.objects.count() for m in (Company, User, Address, TimelineEntry)]
    call_command("seed_demo")
    assert [m.objects.count() for m in (Company, User, Address, TimelineEntry)] == counts
    assert "demo-pass-2026" in first and "admin@gomez.example" in first
    assert Company.objects.filter(country="PL").count() >= 2
    assert Company.objects.filter(country="ES").count() >= 2
    assert User.objects.filter(is_staff=True, groups__name="warehouse").exists()
    assert User.objects.get(email="buyer@kowalski.example").check_password("demo-pass-2026")


@pytest.mark.django_db
def test_backoffice_menu_shows_low_stock_badge(client_for, manager):
    from inventory.models import StockItem
    from inventory.tests.factories import StockItemFactory

    url = reverse("backoffice:home")
    assert "text-bg-warning" not in client_for(manager).get(url).content.decode()
    StockItemFactory()
    # Low stock: available (0 here) below the reorder point.
    StockItem.objects.update(reorder_point=5, low_stock=True)
    cache.clear()  # badge counts are reused for a minute: let it pass
    content = client_for(manager).get(url).content.decode()
    assert 'rounded-pill text-bg-warning" title=' in content
