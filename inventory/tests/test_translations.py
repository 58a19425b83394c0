"""The translated catalog: names and texts per language with the fallback, the services,
the back-office forms and search, and the API (dicts, plain strings, Accept-Language,
``translations``)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from apikeys.tests.api_fixtures import *  # noqa: F403 - pytest fixtures
from core.models import AuditEntry
from inventory import i18n, services
from inventory.errors import InvalidData
from inventory.models import Category, Product

from .factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/v1/products/"
CATEGORIES = "/api/v1/categories/"


@pytest.fixture
def tools(db):
    return services.create_category(
        actor=None,
        name={"es": "Herramientas", "en": "Tools", "pl": "Narzędzia"},
        return_conditions={"es": "Sin usar", "en": "Unused", "pl": "Nieużywane"},
    )


# --- reading with the fallback ------------------------------------------------------------


def test_a_product_with_only_spanish_reads_spanish_in_every_language(tools):
    product = services.create_product(
        actor=None, sku="ONLY-ES", name="Sierra", category=tools, unit_price=Decimal("5")
    )
    for language in i18n.LANGUAGES:
        with translation.override(language):
            assert product.name == "Sierra"
        assert i18n.text_in(product, "name", language) == "Sierra"


def test_the_readers_language_first_then_spanish_then_any(tools):
    product = services.create_product(
        actor=None,
        sku="ES-PL",
        name={"es": "Pala", "pl": "Łopata"},
        description={"en": "A spade"},
        category=tools,
        unit_price=Decimal("5"),
    )
    with translation.override("pl"):
        assert product.name == "Łopata"
        assert product.description == "A spade"  # neither pl nor es: any translation
        assert str(tools) == "Narzędzia"
    with translation.override("en"):
        assert product.name == "Pala"  # no English: Spanish
        assert tools.return_conditions == "Unused"
    assert i18n.text_in(product, "name", "pl") == "Łopata"
    assert i18n.translations(product, "name") == {"es": "Pala", "en": "", "pl": "Łopata"}


def test_the_original_column_holds_spanish_whoever_saves(tools):
    with translation.override("pl"):
        product = services.create_product(
            actor=None,
            sku="PL-SAVE",
            name={"es": "Pala", "pl": "Łopata"},
            category=tools,
            unit_price=Decimal("5"),
        )
        services.update_product(actor=None, product=product, name={"pl": "Łopata duża"})
    row = Product.objects.filter(pk=product.pk).values("name_es", "name_pl").get()
    assert row == {"name_es": "Pala", "name_pl": "Łopata duża"}
    assert Product.objects.raw_values("name").get(pk=product.pk)["name"] == "Pala"


def test_spanish_name_is_required_and_languages_are_checked(tools):
    with pytest.raises(InvalidData) as error:
        services.create_product(
            actor=None, sku="NO-ES", name={"en": "Saw"}, category=tools, unit_price=Decimal("5")
        )
    assert "name_es" in error.value.fields
    with pytest.raises(InvalidData) as error:
        services.create_product(
            actor=None,
            sku="XX",
            name={"es": "Sierra", "de": "Säge"},
            category=tools,
            unit_price=Decimal("5"),
        )
    assert "name" in error.value.fields
    assert not Product.objects.exists()


def test_category_names_are_unique_per_language_and_missing_ones_do_not_clash():
    services.create_category(actor=None, name={"es": "Jardín"})
    services.create_category(actor=None, name={"es": "Oficina"})  # both lack en/pl: NULL
    services.create_category(actor=None, name={"es": "Limpieza", "pl": "Sprzątanie"})
    with pytest.raises(InvalidData) as error:
        services.create_category(actor=None, name={"es": "Otra", "pl": "Sprzątanie"})
    assert "name_pl" in error.value.fields
    assert Category.objects.count() == 3


def test_changes_are_audited_per_language(tools):
    services.update_category(actor=None, category=tools, name={"pl": "Narzędzia ręczne"})
    entry = AuditEntry.objects.filter(object_id=str(tools.pk)).order_by("-pk").first()
    assert entry.changes == {"name_pl": ["Narzędzia", "Narzędzia ręczne"]}


# --- back-office ------------------------------------------------------------------------------


def test_backoffice_product_form_saves_three_languages(client_for, manager, tools):
    client = client_for(manager)
    page = client.get(reverse("backoffice:product_create"))
    html = page.content.decode()
    for language in i18n.LANGUAGES:
        assert f'name="name_{language}"' in html and f'name="description_{language}"' in html
    data = {
        "sku": "SAW-3L",
        "name_es": "Sierra de calar",
        "name_en": "Jigsaw",
        "name_pl": "Wyrzynarka",
        "description_es": "Con maletín",
        "description_en": "With a case",
        "description_pl": "Z walizką",
        "category": tools.pk,
        "unit_price": "59.00",
        "tax_category": "standard",
        "weight_kg": "1.500",
        "active": "on",
    }
    response = client.post(reverse("backoffice:product_create"), data)
    assert response.status_code == 302, response.context["form"].errors
    product = Product.objects.get(sku="SAW-3L")
    assert i18n.translations(product, "name") == {
        "es": "Sierra de calar",
        "en": "Jigsaw",
        "pl": "Wyrzynarka",
    }
    assert i18n.translations(product, "description")["pl"] == "Z walizką"
    # Spanish is required; the others are not.
    response = client.post(
        reverse("backoffice:product_edit", args=[product.pk]),
        {**data, "name_es": "", "name_en": ""},
    )
    assert response.status_code == 400 and "name_es" in response.context["form"].errors
    response = client.post(
        reverse("backoffice:product_edit", args=[product.pk]), {**data, "name_en": ""}
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name_en is None and product.name_pl == "Wyrzynarka"


def test_backoffice_category_form_saves_three_languages(client_for, manager):
    client = client_for(manager)
    response = client.post(
        reverse("backoffice:category_create"),
        {
            "name_es": "Ropa laboral",
            "name_en": "Workwear",
            "name_pl": "Odzież robocza",
            "return_conditions_es": "Sin usar",
            "return_conditions_en": "Unworn, with tags",
            "return_conditions_pl": "Nienoszone, z metkami",
            "returnable": "on",
            "return_window_days": 30,
            "return_shipping_paid_by": "buyer",
            "restocking_fee_percent": "0",
        },
    )
    assert response.status_code == 302
    category = Category.objects.get(name_es="Ropa laboral")
    assert i18n.translations(category, "return_conditions")["en"] == "Unworn, with tags"
    assert category.name_pl == "Odzież robocza"


def test_backoffice_labels_name_the_language(client_for, manager):
    client = client_for(manager)
    html = client.get(reverse("backoffice:category_create"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Name (Polish)" in html.content.decode()


def test_backoffice_search_finds_a_product_by_any_language(client_for, manager, tools):
    ProductFactory(sku="SHOVEL", name_es="Pala", name_pl="Łopata", category=tools)
    ProductFactory(sku="OTHER", name_es="Martillo", category=tools)
    client = client_for(manager)
    for query in ("łopata", "Pala"):
        response = client.get(reverse("backoffice:product_list"), {"q": query})
        skus = [p.sku for p in response.context["products"]]
        assert skus == ["SHOVEL"], query
    response = client.get(reverse("backoffice:category_list"), {"q": "narzęd"})
    assert [c.pk for c in response.context["categories"]] == [tools.pk]


def test_backoffice_list_shows_the_staff_language(client_for, manager, tools):
    ProductFactory(sku="SHOVEL", name_es="Pala", name_pl="Łopata", category=tools)
    client = client_for(manager)
    html = client.get(reverse("backoffice:product_list"), HTTP_ACCEPT_LANGUAGE="pl")
    text = html.content.decode()
    assert "Łopata" in text and "Narzędzia" in text


# --- API ------------------------------------------------------------------------------------


def _product(tools, **overrides):
    return {
        "sku": "SAW-600",
        "name": "Sierra de calar",
        "category": tools.pk,
        "unit_price": "59.00",
        **overrides,
    }


def test_api_writes_a_plain_string_as_spanish(api, seller_key, tools):
    client = api(seller_key, HTTP_ACCEPT_LANGUAGE="pl")
    response = client.post(PRODUCTS, _product(tools), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Sierra de calar"  # pl asked, only Spanish: the fallback
    assert body["translations"]["name"] == {"es": "Sierra de calar", "en": "", "pl": ""}


def test_api_writes_a_dict_and_reads_per_accept_language(api, seller_key, tools):
    names = {"es": "Sierra de calar", "en": "Jigsaw", "pl": "Wyrzynarka"}
    client = api(seller_key)
    response = client.post(
        PRODUCTS, _product(tools, name=names, description={"pl": "Z walizką"}), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "Sierra de calar"  # no header: Spanish
    for language, expected in names.items():
        body = api(seller_key, HTTP_ACCEPT_LANGUAGE=language).get(f"{PRODUCTS}SAW-600/").json()
        assert body["name"] == expected
        assert body["translations"]["name"] == names
        assert body["translations"]["description"] == {"es": "", "en": "", "pl": "Z walizką"}
    body = api(seller_key, HTTP_ACCEPT_LANGUAGE="pl").get(PRODUCTS).json()
    assert body["results"][0]["name"] == "Wyrzynarka"
    assert body["results"][0]["description"] == "Z walizką"


def test_api_patch_changes_only_the_languages_given(api, seller_key, tools):
    client = api(seller_key)
    client.post(PRODUCTS, _product(tools, name={"es": "Sierra", "en": "Saw"}), format="json")
    response = client.patch(f"{PRODUCTS}SAW-600/", {"name": {"pl": "Piła"}}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["translations"]["name"] == {"es": "Sierra", "en": "Saw", "pl": "Piła"}
    response = client.patch(f"{PRODUCTS}SAW-600/", {"name": {"en": None}}, format="json")
    assert response.json()["translations"]["name"]["en"] == ""
    response = client.patch(f"{PRODUCTS}SAW-600/", {"name": "Sierra nueva"}, format="json")
    assert response.json()["translations"]["name"] == {
        "es": "Sierra nueva",
        "en": "",
        "pl": "Piła",
    }


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ({"en": "Saw"}, "name.es"),
        ({"es": "Sierra", "de": "Säge"}, "name"),
        ({"es": ""}, "name.es"),
        ({"es": "Sierra", "pl": ["Piła"]}, "name.pl"),
        (["Sierra"], "name"),
        ({"es": "x" * 201}, "name.es"),
    ],
)
def test_api_refuses_bad_translations_and_writes_nothing(api, seller_key, tools, name, field):
    response = api(seller_key).post(PRODUCTS, _product(tools, name=name), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"], response.json()
    assert not Product.objects.exists()


def test_api_categories_read_and_write_translations(api, seller_key):
    client = api(seller_key, HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        CATEGORIES,
        {
            "name": {"es": "Jardín", "en": "Garden", "pl": "Ogród"},
            "return_conditions": {"es": "Sin usar", "pl": "Nieużywane"},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Garden" and body["return_conditions"] == "Sin usar"
    assert body["translations"]["return_conditions"] == {
        "es": "Sin usar",
        "en": "",
        "pl": "Nieużywane",
    }
    again = client.post(CATEGORIES, {"name": {"es": "Otra", "pl": "Ogród"}}, format="json")
    assert again.status_code == 400 and "name" in again.json()["fields"]


def test_api_bulk_upsert_takes_translations(api, seller_key, tools):
    ProductFactory(sku="OLD-1", name_es="Viejo", category=tools)
    response = api(seller_key, HTTP_ACCEPT_LANGUAGE="pl").post(
        f"{PRODUCTS}bulk/",
        [
            {
                "sku": "OLD-1",
                "name": {"es": "Viejo", "pl": "Stary"},
                "category": tools.pk,
                "unit_price": "1.00",
            },
            {"sku": "NEW-1", "name": "Nuevo", "category": tools.pk, "unit_price": "2.00"},
        ],
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["updated"] == ["OLD-1"] and body["created"] == ["NEW-1"]
    assert [r["name"] for r in body["results"]] == ["Stary", "Nuevo"]
    old = Product.objects.get(sku="OLD-1")
    assert old.name_pl == "Stary" and old.name_es == "Viejo"
    new = Product.objects.raw_values("name", "name_es").get(sku="NEW-1")
    assert new == {"name": "Nuevo", "name_es": "Nuevo"}


def test_api_bulk_names_the_item_of_a_bad_translation(api, seller_key, tools):
    response = api(seller_key).post(
        f"{PRODUCTS}bulk/",
        [{"sku": "N-1", "name": {"pl": "Tylko"}, "category": tools.pk, "unit_price": "1"}],
        format="json",
    )
    assert response.status_code == 400
    assert "0.name.es" in response.json()["fields"]
    assert not Product.objects.filter(sku="N-1").exists()


def test_category_factory_still_finds_by_name():
    first = CategoryFactory(name="Repetida")
    assert CategoryFactory(name="Repetida") == first


def test_the_stock_low_payload_names_the_product_in_spanish(tools):
    from types import SimpleNamespace

    from inventory.events import stock_low_payload

    product = services.create_product(
        actor=None,
        sku="PAYLOAD",
        name={"es": "Pala", "pl": "Łopata"},
        category=tools,
        unit_price=Decimal("5"),
    )
    item = SimpleNamespace(
        product=product,
        warehouse=SimpleNamespace(code="MAD"),
        on_hand=1,
        reserved=0,
        available=1,
        reorder_point=5,
        reorder_quantity=10,
    )
    with translation.override("pl"):
        payload = stock_low_payload(item, SimpleNamespace(pk=1))
    assert payload["product_name"] == "Pala"
