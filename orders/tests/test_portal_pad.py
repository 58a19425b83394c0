"""The order pad (usual products) and shared shopping lists: contents, sorting, add all
to the cart, lists scoped to the company, roles, bad input writing nothing, and the
query budgets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orders import services
from orders.errors import InvalidInput
from orders.models import CartLine, Order, OrderStatus, ShoppingList, ShoppingListItem
from orders.portal import cart
from orders.selectors import usual_products

from .factories import stocked_product

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def history(buyer, drill, gloves, manager):
    """Two orders of the buyer's company: drills 2 at 100.00 (40 days ago) and then
    drills 3 + gloves 10 (now, at a 10 % discount)."""
    company = buyer.company
    old = services.place_order(
        actor=manager, company=company, lines=[{"sku": "DRILL-18V", "quantity": 2}]
    )
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    company.discount_percent = Decimal("10.00")
    company.save()
    recent = services.place_order(
        actor=manager,
        company=company,
        lines=[{"sku": "DRILL-18V", "quantity": 3}, {"sku": "GLOVES-L", "quantity": 10}],
    )
    return old, recent


def test_usual_products_have_last_price_date_and_totals(buyer, history, other_buyer, manager):
    _old, recent = history
    rows = {p.sku: p for p in usual_products(buyer.company)}
    assert set(rows) == {"DRILL-18V", "GLOVES-L"}
    drill = rows["DRILL-18V"]
    assert drill.last_price == Decimal("90.00") and drill.last_quantity == 3
    assert drill.ordered_quantity == 5 and drill.times_ordered == 2
    assert drill.last_ordered_at == Order.objects.get(pk=recent.pk).created_at
    # Another company's purchases are not ours.
    assert not usual_products(other_buyer.company).exists()


def test_usual_products_leave_out_cancelled_and_older_than_a_year(buyer, drill, gloves, manager):
    company = buyer.company
    cancelled = services.place_order(
        actor=manager, company=company, lines=[{"sku": "GLOVES-L", "quantity": 1}]
    )
    services.cancel_order(order=cancelled, actor=manager, reason="No")
    old = services.place_order(
        actor=manager, company=company, lines=[{"sku": "DRILL-18V", "quantity": 1}]
    )
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    assert not usual_products(company).exists()


def test_pad_page_lists_and_sorts_usual_products(client_for, buyer, history):
    client = client_for(buyer)
    page = client.get(reverse("portal:pad"), **EN)
    assert page.status_code == 200
    skus = [p.sku for p in page.context["products"]]
    assert set(skus) == {"DRILL-18V", "GLOVES-L"}
    assert 'name="qty-' in page.text and "Add all to cart" in page.text
    by_units = client.get(reverse("portal:pad"), {"sort": "-ordered"})
    assert [p.sku for p in by_units.context["products"]] == ["GLOVES-L", "DRILL-18V"]
    by_price = client.get(reverse("portal:pad"), {"sort": "last_price"})
    assert [p.sku for p in by_price.context["products"]] == ["GLOVES-L", "DRILL-18V"]
    found = client.get(reverse("portal:pad"), {"q": "taladro"})
    assert [p.sku for p in found.context["products"]] == ["DRILL-18V"]
    filled = client.get(reverse("portal:pad"), {"fill": "last"})
    drill = history[1].lines.get(sku="DRILL-18V").product
    assert f'name="qty-{drill.pk}" id="qty-{drill.pk}" placeholder="3" value="3"' in filled.text


def test_pad_add_all_to_cart(client_for, buyer, history):
    drill, gloves = (line.product for line in history[1].lines.order_by("position"))
    client = client_for(buyer)
    response = client.post(
        reverse("portal:pad_add"),
        {"action": "cart", f"qty-{drill.pk}": "4", f"qty-{gloves.pk}": "20"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("portal:cart")
    assert cart.get(buyer) == {"DRILL-18V": 4, "GLOVES-L": 20}
    # Blank and zero quantities are skipped.
    client.post(
        reverse("portal:pad_add"),
        {"action": "cart", f"qty-{drill.pk}": "1", f"qty-{gloves.pk}": ""},
    )
    assert cart.get(buyer) == {"DRILL-18V": 5, "GLOVES-L": 20}


@pytest.mark.parametrize("bad", ["-1", "abc", "1.5", "100001", "٣"])
def test_pad_bad_quantity_adds_nothing(client_for, buyer, history, bad):
    drill, gloves = (line.product for line in history[1].lines.order_by("position"))
    response = client_for(buyer).post(
        reverse("portal:pad_add"),
        {"action": "cart", f"qty-{drill.pk}": "2", f"qty-{gloves.pk}": bad},
        **EN,
    )
    assert response.status_code == 302 and response["Location"] == reverse("portal:pad")
    assert not CartLine.objects.exists()


def test_pad_refuses_products_the_company_may_not_buy(client_for, buyer, history, mad):
    other = stocked_product(5, mad, sku="SECRET-1", active=False)
    response = client_for(buyer).post(
        reverse("portal:pad_add"), {"action": "cart", f"qty-{other.pk}": "1"}, follow=True, **EN
    )
    assert "not on sale to your company" in response.text
    assert not CartLine.objects.exists()


def test_pad_adds_to_a_list(client_for, buyer, history):
    drill = history[1].lines.get(sku="DRILL-18V").product
    shopping_list = services.create_shopping_list(actor=buyer, company=buyer.company, name="Obra")
    response = client_for(buyer).post(
        reverse("portal:pad_add"),
        {"action": "list", "list": shopping_list.pk, f"qty-{drill.pk}": "6"},
    )
    assert response["Location"] == reverse("portal:shopping_list", args=[shopping_list.pk])
    assert list(shopping_list.items.values_list("product__sku", "quantity")) == [("DRILL-18V", 6)]


def test_viewer_reads_the_pad_but_cannot_add(client_for, viewer, history):
    client = client_for(viewer)
    page = client.get(reverse("portal:pad"))
    assert page.status_code == 200 and 'name="qty-' not in page.text
    drill = history[1].lines.get(sku="DRILL-18V").product
    response = client.post(reverse("portal:pad_add"), {"action": "cart", f"qty-{drill.pk}": "1"})
    assert response.status_code == 403 and not CartLine.objects.exists()


# --- shopping lists --------------------------------------------------------------------


def test_lists_are_shared_in_the_company_and_hidden_from_others(
    client_for, buyer, customer_admin, viewer, other_admin, drill
):
    client = client_for(buyer)
    response = client.post(reverse("portal:shopping_lists"), {"name": "Obra Norte"})
    shopping_list = ShoppingList.objects.get()
    assert response["Location"] == reverse("portal:shopping_list", args=[shopping_list.pk])
    assert shopping_list.company == buyer.company and shopping_list.created_by == buyer
    url = reverse("portal:shopping_list", args=[shopping_list.pk])
    for colleague in (customer_admin, viewer):
        assert "Obra Norte" in client_for(colleague).get(url).text
    foreign = client_for(other_admin)
    assert foreign.get(url).status_code == 404
    assert foreign.post(url, {"action": "delete"}).status_code == 404
    assert foreign.post(url, {"action": "order"}).status_code == 404
    assert "Obra Norte" not in foreign.get(reverse("portal:shopping_lists")).text
    response = foreign.post(
        reverse("portal:pad_add"),
        {"action": "list", "list": shopping_list.pk, f"qty-{drill.pk}": "1"},
    )
    assert response.status_code in (302, 404) and not ShoppingListItem.objects.exists()
    response = foreign.post(
        reverse("portal:shopping_list_add"),
        {"list": shopping_list.pk, "sku": "DRILL-18V", "quantity": 1},
    )
    assert response.status_code == 404 and not ShoppingListItem.objects.exists()
    assert ShoppingList.objects.filter(pk=shopping_list.pk).exists()


def test_viewer_cannot_change_lists(client_for, viewer, buyer, drill):
    shopping_list = services.create_shopping_list(actor=buyer, company=buyer.company, name="A")
    client = client_for(viewer)
    url = reverse("portal:shopping_list", args=[shopping_list.pk])
    assert client.post(reverse("portal:shopping_lists"), {"name": "B"}).status_code == 403
    assert client.post(url, {"action": "rename", "name": "C"}).status_code == 403
    assert client.post(url, {"action": "delete"}).status_code == 403
    assert list(ShoppingList.objects.values_list("name", flat=True)) == ["A"]
    with pytest.raises(Exception) as refused:
        services.create_shopping_list(actor=viewer, company=viewer.company, name="D")
    assert refused.value.code == "permission_denied"


def test_create_rename_delete_with_clear_errors(client_for, buyer):
    client = client_for(buyer)
    client.post(reverse("portal:shopping_lists"), {"name": "Obra"})
    again = client.post(reverse("portal:shopping_lists"), {"name": "OBRA"}, **EN)
    assert again.status_code == 400 and "already has a list with this name" in again.text
    blank = client.post(reverse("portal:shopping_lists"), {"name": "  "}, **EN)
    assert blank.status_code == 400 and "This field is required" in blank.text
    long = client.post(reverse("portal:shopping_lists"), {"name": "x" * 81}, **EN)
    assert long.status_code == 400 and "At most 80 characters" in long.text
    assert ShoppingList.objects.count() == 1
    shopping_list = ShoppingList.objects.get()
    url = reverse("portal:shopping_list", args=[shopping_list.pk])
    client.post(reverse("portal:shopping_lists"), {"name": "Taller"})
    taken = client.post(url, {"action": "rename", "name": "taller"}, **EN)
    assert taken.status_code == 400 and "already has a list" in taken.text
    assert client.post(url, {"action": "rename", "name": "Obra Sur"}).status_code == 302
    shopping_list.refresh_from_db()
    assert shopping_list.name == "Obra Sur"
    assert client.post(url, {"action": "delete"})["Location"] == reverse("portal:shopping_lists")
    assert not ShoppingList.objects.filter(pk=shopping_list.pk).exists()


def test_list_items_add_by_sku_set_quantities_remove_and_order(client_for, buyer, drill, gloves):
    shopping_list = services.create_shopping_list(actor=buyer, company=buyer.company, name="A")
    client = client_for(buyer)
    url = reverse("portal:shopping_list", args=[shopping_list.pk])
    client.post(url, {"action": "add_sku", "sku": "drill-18v", "quantity": "2"})
    client.post(url, {"action": "add_sku", "sku": "GLOVES-L", "quantity": "5"})
    client.post(url, {"action": "add_sku", "sku": "DRILL-18V", "quantity": "1"})  # adds up
    items = {i.product.sku: i for i in shopping_list.items.select_related("product")}
    assert {sku: i.quantity for sku, i in items.items()} == {"DRILL-18V": 3, "GLOVES-L": 5}
    page = client.get(url, **EN)
    assert page.status_code == 200 and "324.75" in page.text  # 3 x 100.00 + 5 x 4.95
    unknown = client.post(url, {"action": "add_sku", "sku": "NOPE", "quantity": "1"}, **EN)
    assert unknown.status_code == 400 and "NOPE is not on sale to your company" in unknown.text
    bad = client.post(url, {"action": "add_sku", "sku": "GLOVES-L", "quantity": "0"}, **EN)
    assert bad.status_code == 400 and "Enter a quantity from 1 to" in bad.text
    response = client.post(
        url,
        {
            "action": "quantities",
            f"item-{items['DRILL-18V'].pk}": "7",
            f"item-{items['GLOVES-L'].pk}": "-2",
        },
        **EN,
    )
    assert response.status_code == 400  # nothing saved
    assert shopping_list.items.get(pk=items["DRILL-18V"].pk).quantity == 3
    client.post(url, {"action": "quantities", f"item-{items['DRILL-18V'].pk}": "7"})
    assert shopping_list.items.get(pk=items["DRILL-18V"].pk).quantity == 7
    client.post(url, {"action": "remove", "item": items["GLOVES-L"].pk})
    assert list(shopping_list.items.values_list("product__sku", flat=True)) == ["DRILL-18V"]
    response = client.post(url, {"action": "order"})
    assert response["Location"] == reverse("portal:cart")
    assert cart.get(buyer) == {"DRILL-18V": 7}
    assert shopping_list.items.count() == 1  # ordering keeps the list


def test_order_a_list_skips_products_no_longer_on_sale(client_for, buyer, drill, gloves):
    shopping_list = services.create_shopping_list(actor=buyer, company=buyer.company, name="A")
    services.add_to_shopping_list(
        actor=buyer, shopping_list=shopping_list, items=[(drill, 1), (gloves, 2)]
    )
    gloves.active = False
    gloves.save()
    response = client_for(buyer).post(
        reverse("portal:shopping_list", args=[shopping_list.pk]), {"action": "order"}, **EN
    )
    assert response.status_code == 302 and cart.get(buyer) == {"DRILL-18V": 1}


def test_add_to_list_from_catalog_and_from_an_order(client_for, buyer, drill, gloves, manager):
    client = client_for(buyer)
    page = client.get(reverse("portal:catalog_product", args=["DRILL-18V"]), **EN)
    assert 'id="add-to-list"' in page.text
    response = client.post(
        reverse("portal:shopping_list_add"),
        {"list": "new", "name": "Favoritos", "sku": "DRILL-18V", "quantity": "2"},
    )
    favourites = ShoppingList.objects.get(name="Favoritos")
    assert response.status_code == 302
    assert list(favourites.items.values_list("product__sku", "quantity")) == [("DRILL-18V", 2)]
    order = services.place_order(
        actor=manager,
        company=buyer.company,
        lines=[{"sku": "DRILL-18V", "quantity": 3}, {"sku": "GLOVES-L", "quantity": 4}],
    )
    page = client.get(reverse("portal:order_detail", args=[order.number]))
    assert 'id="add-to-list"' in page.text and "Favoritos" in page.text
    response = client.post(
        reverse("portal:shopping_list_add"), {"list": favourites.pk, "order": order.number}
    )
    assert response["Location"] == reverse("portal:order_detail", args=[order.number])
    assert dict(favourites.items.values_list("product__sku", "quantity")) == {
        "DRILL-18V": 5,
        "GLOVES-L": 4,
    }


def test_add_to_list_from_another_company_order_is_404(
    client_for, buyer, other_buyer, drill, manager
):
    order = services.place_order(
        actor=manager, company=other_buyer.company, lines=[{"sku": "DRILL-18V", "quantity": 1}]
    )
    response = client_for(buyer).post(
        reverse("portal:shopping_list_add"), {"list": "new", "name": "X", "order": order.number}
    )
    assert response.status_code == 404 and not ShoppingList.objects.exists()


def test_list_limits(buyer, drill, monkeypatch):
    from orders.services import shopping_lists

    monkeypatch.setattr(shopping_lists, "MAX_LISTS", 2)
    services.create_shopping_list(actor=buyer, company=buyer.company, name="1")
    services.create_shopping_list(actor=buyer, company=buyer.company, name="2")
    with pytest.raises(Exception) as refused:
        services.create_shopping_list(actor=buyer, company=buyer.company, name="3")
    assert refused.value.code == "validation_error"
    shopping_list = ShoppingList.objects.first()
    with pytest.raises(InvalidInput):
        services.add_to_shopping_list(
            actor=buyer, shopping_list=shopping_list, items=[(drill, 100_001)]
        )
    assert not shopping_list.items.exists()


def test_pad_and_list_pages_in_spanish_and_polish(client_for, buyer, history):
    shopping_list = services.create_shopping_list(actor=buyer, company=buyer.company, name="A")
    client = client_for(buyer)
    for language in ("es", "pl"):
        for url in (
            reverse("portal:pad"),
            reverse("portal:shopping_lists"),
            reverse("portal:shopping_list", args=[shopping_list.pk]),
        ):
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200 and f'lang="{language}"' in response.text


def test_pad_menu_entry_is_marked_on_its_pages(client_for, buyer):
    client = client_for(buyer)
    for name in ("pad", "shopping_lists"):
        page = client.get(reverse(f"portal:{name}"))
        assert page.context["section"] == "pad"
        assert f'href="{reverse("portal:pad")}" aria-current="page"' in page.text


# --- query budgets ----------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_pad_costs_the_same_for_2_and_20_products(client_for, buyer, mad, manager):
    client = client_for(buyer)
    products = [stocked_product(10, mad, sku=f"PAD-{i:02d}") for i in range(20)]

    def order(items):
        services.place_order(
            actor=manager,
            company=buyer.company,
            lines=[{"sku": p.sku, "quantity": 1} for p in items],
        )

    order(products[:2])
    client.get(reverse("portal:pad"))
    small = _queries(client, reverse("portal:pad"))
    order(products[2:])
    assert _queries(client, reverse("portal:pad")) == small
    assert small <= 15


def test_list_pages_cost_the_same_for_2_and_20_items(client_for, buyer, mad):
    client = client_for(buyer)
    products = [stocked_product(10, mad, sku=f"LIST-{i:02d}") for i in range(20)]
    shopping_list = services.create_shopping_list(actor=buyer, company=buyer.company, name="A")
    services.create_shopping_list(actor=buyer, company=buyer.company, name="B")
    services.add_to_shopping_list(
        actor=buyer, shopping_list=shopping_list, items=[(p, 1) for p in products[:2]]
    )
    url = reverse("portal:shopping_list", args=[shopping_list.pk])
    client.get(url)
    small, small_index = _queries(client, url), _queries(client, reverse("portal:shopping_lists"))
    services.add_to_shopping_list(
        actor=buyer, shopping_list=shopping_list, items=[(p, 1) for p in products[2:]]
    )
    for i in range(18):
        services.create_shopping_list(actor=buyer, company=buyer.company, name=f"L{i}")
    assert _queries(client, url) == small <= 15
    assert _queries(client, reverse("portal:shopping_lists")) == small_index <= 12


def test_cancelled_order_status_is_left_out_of_the_pad(client_for, buyer, history, manager):
    _old, recent = history
    services.cancel_order(order=recent, actor=manager, reason="No")
    assert Order.objects.get(pk=recent.pk).status == OrderStatus.CANCELADO
    rows = {p.sku: p for p in usual_products(buyer.company)}
    assert set(rows) == {"DRILL-18V"} and rows["DRILL-18V"].last_price == Decimal("100.00")
