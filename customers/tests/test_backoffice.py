import pytest
from django.urls import reverse

from customers.models import Company, TimelineEntry

from .factories import CompanyFactory, TagFactory

LIST = reverse("backoffice:customer_list")


def backoffice_urls(company):
    address = company.addresses.get()
    return [
        reverse("backoffice:home"),
        LIST,
        reverse("backoffice:customer_create"),
        reverse("backoffice:customer_detail", args=[company.pk]),
        reverse("backoffice:customer_edit", args=[company.pk]),
        reverse("backoffice:customer_address_create", args=[company.pk]),
        reverse("backoffice:customer_address_edit", args=[company.pk, address.pk]),
        reverse("backoffice:customer_user_create", args=[company.pk]),
    ]


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_the_staff_login(client, company):
    for url in backoffice_urls(company):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("backoffice:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("role_fixture", ["customer_admin", "buyer", "viewer"])
def test_customer_users_never_reach_the_backoffice(request, client_for, company, role_fixture):
    client = client_for(request.getfixturevalue(role_fixture))
    for url in backoffice_urls(company):
        response = client.get(url)
        assert response.status_code == 404, url
        assert company.tax_id.encode() not in response.content
    response = client.post(
        reverse("backoffice:customer_note_create", args=[company.pk]),
        {"kind": "note", "summary": "x", "visibility": "staff"},
    )
    assert response.status_code == 404
    assert not TimelineEntry.objects.exists()


@pytest.mark.django_db
def test_warehouse_staff_can_read_but_not_edit_customers(client_for, warehouse_worker, company):
    client = client_for(warehouse_worker)
    assert client.get(reverse("backoffice:customer_detail", args=[company.pk])).status_code == 200
    assert client.get(reverse("backoffice:customer_edit", args=[company.pk])).status_code == 403
    response = client.post(reverse("backoffice:customer_create"), {"legal_name": "X"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_customer_list_search_filter_and_pagination(
    client_for, service_agent, django_assert_max_num_queries
):
    vip = TagFactory(name="vip")
    CompanyFactory(legal_name="Alfa Distribución", status="blocked").tags.add(vip)
    CompanyFactory(legal_name="Beta Suministros")
    for n in range(30):
        CompanyFactory(legal_name=f"Zeta {n:02d}")
    client = client_for(service_agent)

    response = client.get(LIST, {"q": "alfa"})
    assert [c.legal_name for c in response.context["companies"]] == ["Alfa Distribución"]
    response = client.get(LIST, {"status": "active", "q": "a"})
    assert "Alfa Distribución" not in [c.legal_name for c in response.context["companies"]]
    response = client.get(LIST, {"tag": vip.pk})
    assert [c.legal_name for c in response.context["companies"]] == ["Alfa Distribución"]

    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert len(response.context["companies"]) == 25
    assert response.context["page_obj"].paginator.count == 32
    response = client.get(LIST, {"page": 2})
    assert len(response.context["companies"]) == 7


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_rows(
    client_for, service_agent, django_assert_num_queries
):
    client = client_for(service_agent)
    for n in range(3):
        CompanyFactory(legal_name=f"A{n}").tags.add(TagFactory())
    client.get(LIST)  # warm caches (content types, session)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for n in range(20):
        CompanyFactory(legal_name=f"B{n}").tags.add(TagFactory())
    with CaptureQueriesContext(connection) as many:
        client.get(LIST)
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.django_db
def test_htmx_request_gets_only_the_table(client_for, service_agent, company):
    response = client_for(service_agent).get(LIST, HTTP_HX_REQUEST="true")
    assert response.templates[0].name == "htmx/table.html"
    assert b"<html" not in response.content


VALID = {
    "legal_name": "Nueva Empresa S.L.",
    "tax_id": "B11223344",
    "email": "compras@nueva.example",
    "line1": "Calle Nueva 5",
    "postal_code": "08001",
    "city": "Barcelona",
    "country": "ES",
    "language": "es",
    "currency": "EUR",
    "payment_terms": "net30",
    "credit_limit": "1500.00",
    "discount_percent": "2.5",
    "status": "active",
}


@pytest.mark.django_db
def test_create_customer(client_for, service_agent):
    response = client_for(service_agent).post(reverse("backoffice:customer_create"), VALID)
    company = Company.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("backoffice:customer_detail", args=[company.pk])
    assert company.addresses.get().is_default


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("tax_id", "B11223345"),
        ("email", "not-an-email"),
        ("credit_limit", "-5"),
        ("discount_percent", "150"),
        ("legal_name", ""),
    ],
)
def test_invalid_customer_form_shows_errors_and_saves_nothing(
    client_for, service_agent, field, value
):
    response = client_for(service_agent).post(
        reverse("backoffice:customer_create"), {**VALID, field: value}
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert b"invalid-feedback" in response.content
    assert not Company.objects.exists()


@pytest.mark.django_db
def test_form_errors_are_in_the_users_language(client_for, service_agent):
    client = client_for(service_agent)
    client.cookies["django_language"] = "es"
    response = client.post(reverse("backoffice:customer_create"), {**VALID, "legal_name": ""})
    assert "Este campo es obligatorio." in response.context["form"].errors["legal_name"]


@pytest.mark.django_db
def test_edit_customer_records_the_change(client_for, service_agent, company):
    data = {**VALID, "tax_id": company.tax_id, "credit_limit": "777.00"}
    response = client_for(service_agent).post(
        reverse("backoffice:customer_edit", args=[company.pk]), data
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert str(company.credit_limit) == "777.00"
    assert company.timeline.filter(kind="account", actor=service_agent).exists()


@pytest.mark.django_db
def test_add_timeline_note_with_htmx(client_for, service_agent, company):
    url = reverse("backoffice:customer_note_create", args=[company.pk])
    response = client_for(service_agent).post(
        url,
        {
            "kind": "call",
            "summary": "Llamó por el pedido 123",
            "body": "Quiere adelantar la entrega",
            "visibility": "staff",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Llamó por el pedido 123" in response.content.decode()
    entry = company.timeline.get()
    assert (entry.kind, entry.actor, entry.visibility) == ("call", service_agent, "staff")


@pytest.mark.django_db
def test_invalid_note_is_not_saved(client_for, service_agent, company):
    url = reverse("backoffice:customer_note_create", args=[company.pk])
    response = client_for(service_agent).post(
        url, {"kind": "call", "summary": "", "visibility": "staff"}, HTTP_HX_REQUEST="true"
    )
    assert response.context["note_form"].errors["summary"]
    assert not company.timeline.exists()


@pytest.mark.django_db
def test_detail_shows_addresses_users_and_timeline(client_for, manager, company, buyer):
    from customers import services

    services.add_staff_note(
        company=company,
        actor=manager,
        kind="note",
        summary="Cliente preferente",
        visibility="staff",
    )
    response = client_for(manager).get(reverse("backoffice:customer_detail", args=[company.pk]))
    content = response.content.decode()
    assert company.addresses.get().line1 in content
    assert buyer.email in content
    assert "Cliente preferente" in content


@pytest.mark.django_db
def test_staff_create_customer_user_sends_invitation(
    client_for, service_agent, company, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(service_agent).post(
            reverse("backoffice:customer_user_create", args=[company.pk]),
            {"email": "nuevo@gomez.example", "role": "buyer"},
        )
    assert response.status_code == 302
    assert company.users.get().email == "nuevo@gomez.example"
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_staff_resend_an_invitation(
    client_for,
    service_agent,
    warehouse_worker,
    company,
    other_company,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(service_agent).post(
            reverse("backoffice:customer_user_create", args=[company.pk]),
            {"email": "nuevo@gomez.example", "role": "buyer"},
        )
    invited = company.users.get(email="nuevo@gomez.example")
    url = reverse("backoffice:customer_user_invitation", args=[company.pk, invited.pk])
    detail = client_for(service_agent).get(reverse("backoffice:customer_detail", args=[company.pk]))
    assert url in detail.content.decode()
    assert client_for(warehouse_worker).post(url).status_code == 403
    wrong_company = reverse(
        "backoffice:customer_user_invitation", args=[other_company.pk, invited.pk]
    )
    assert client_for(service_agent).post(wrong_company).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(service_agent).post(url).status_code == 302
    assert [m.to for m in mailoutbox] == [["nuevo@gomez.example"]] * 2


@pytest.mark.django_db
def test_address_form_for_another_companys_address_is_404(
    client_for, service_agent, company, other_company
):
    foreign = other_company.addresses.get()
    url = reverse("backoffice:customer_address_edit", args=[company.pk, foreign.pk])
    assert client_for(service_agent).get(url).status_code == 404


@pytest.mark.django_db
def test_staff_make_an_existing_address_the_default(client_for, service_agent, company):
    from .factories import AddressFactory

    old = company.addresses.get()
    other = AddressFactory(company=company, label="Almacén Getafe")
    data = {
        "label": other.label,
        "line1": other.line1,
        "postal_code": other.postal_code,
        "city": other.city,
        "country": other.country,
        "is_default": "on",
    }
    response = client_for(service_agent).post(
        reverse("backoffice:customer_address_edit", args=[company.pk, other.pk]), data
    )
    assert response.status_code == 302
    old.refresh_from_db()
    other.refresh_from_db()
    assert other.is_default and not old.is_default


@pytest.mark.django_db
def test_staff_get_a_form_error_for_a_255_character_email(client_for, service_agent, company):
    email = "a" * (255 - len("@gomez.example")) + "@gomez.example"
    response = client_for(service_agent).post(
        reverse("backoffice:customer_user_create", args=[company.pk]),
        {"email": email, "role": "buyer"},
    )
    assert response.status_code == 400
    assert "254" in response.context["form"].errors["email"][0]
    assert not company.users.exists()


@pytest.mark.django_db
def test_staff_are_told_an_email_already_has_an_account(
    client_for, service_agent, company, other_buyer, mailoutbox, django_capture_on_commit_callbacks
):
    """Staff are trusted: unlike a portal admin, they see why nobody was created."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(service_agent).post(
            reverse("backoffice:customer_user_create", args=[company.pk]),
            {"email": other_buyer.email.upper(), "role": "buyer"},
        )
    assert response.status_code == 400
    assert response.context["form"].errors["email"] == [
        "Ya existe un usuario con este correo electrónico."
    ]
    assert not company.users.exists()
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_service_validation_error_on_a_company_is_a_form_error(client_for, manager, company):
    from unittest import mock

    from django.core.exceptions import ValidationError

    url = reverse("backoffice:customer_edit", args=[company.pk])
    form = client_for(manager).get(url).context["form"]
    data = {
        name: value for name, value in form.initial.items() if value is not None and name != "tags"
    }
    refusal = ValidationError({"tax_id": "Taken meanwhile.", "id": "Odd."})
    with mock.patch("customers.services.update_company", side_effect=refusal):
        response = client_for(manager).post(url, data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["tax_id"] == ["Taken meanwhile."] and errors["__all__"] == ["Odd."]


@pytest.mark.django_db
def test_staff_allow_a_customer_backorders(client_for, service_agent, company):
    assert company.allows_backorders is False  # off by default
    client = client_for(service_agent)
    url = reverse("backoffice:customer_edit", args=[company.pk])
    assert 'name="allows_backorders"' in client.get(url).text
    data = {**VALID, "tax_id": company.tax_id, "allows_backorders": "on"}
    assert client.post(url, data).status_code == 302
    company.refresh_from_db()
    assert company.allows_backorders is True
    page = client.get(
        reverse("backoffice:customer_detail", args=[company.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Backorders" in page.text and "Allowed" in page.text


def test_the_new_customer_button_is_only_for_those_who_may_create(
    client_for, warehouse_worker, manager
):
    new = reverse("backoffice:customer_create")
    listing = reverse("backoffice:customer_list")
    assert new.encode() not in client_for(warehouse_worker).get(listing).content
    assert new.encode() in client_for(manager).get(listing).content
