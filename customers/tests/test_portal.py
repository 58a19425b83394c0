import pytest
from django.urls import reverse

from customers.models import Address, CustomerRole, User

from .factories import CustomerUserFactory


def portal_urls(company=None, address=None, user=None):
    urls = [
        reverse("portal:home"),
        reverse("portal:company"),
        reverse("portal:address_create"),
        reverse("portal:user_list"),
        reverse("portal:user_create"),
    ]
    return urls


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_the_portal_login(client):
    for url in portal_urls():
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("portal:login"))


@pytest.mark.django_db
def test_staff_get_404_in_the_portal(client_for, manager):
    client = client_for(manager)
    for url in portal_urls():
        assert client.get(url).status_code == 404, url


@pytest.mark.django_db
def test_portal_pages_show_only_the_users_company(client_for, buyer, company, other_company):
    client = client_for(buyer)
    for url in (reverse("portal:home"), reverse("portal:company")):
        content = client.get(url).content.decode()
        assert company.legal_name in content
        assert other_company.legal_name not in content
        assert other_company.tax_id not in content


@pytest.mark.django_db
def test_company_profile_lists_addresses(client_for, viewer, company):
    content = client_for(viewer).get(reverse("portal:company")).content.decode()
    assert company.addresses.get().line1 in content
    assert company.tax_id in content


@pytest.mark.django_db
@pytest.mark.parametrize("role_fixture", ["buyer", "viewer"])
def test_only_admins_manage_users_and_addresses(request, client_for, role_fixture, company):
    client = client_for(request.getfixturevalue(role_fixture))
    address = company.addresses.get()
    assert client.get(reverse("portal:user_list")).status_code == 403
    assert (
        client.post(
            reverse("portal:user_create"), {"email": "a@b.example", "role": "buyer"}
        ).status_code
        == 403
    )
    assert client.get(reverse("portal:address_edit", args=[address.pk])).status_code == 403
    assert not User.objects.filter(email="a@b.example").exists()


@pytest.mark.django_db
def test_admin_invites_a_user(
    client_for, customer_admin, company, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(customer_admin).post(
            reverse("portal:user_create"),
            {"email": "Nuevo@Gomez.example", "first_name": "Luis", "role": "viewer"},
        )
    assert response.status_code == 302
    user = User.objects.get(email="nuevo@gomez.example")
    assert (user.company, user.role) == (company, CustomerRole.VIEWER)
    assert mailoutbox[0].to == ["nuevo@gomez.example"]


@pytest.mark.django_db
def test_admin_changes_role_and_deactivates(client_for, customer_admin, buyer):
    client = client_for(customer_admin)
    url = reverse("portal:user_update", args=[buyer.pk])
    client.post(url, {"action": "role", "role": "viewer"})
    client.post(url, {"action": "deactivate"})
    buyer.refresh_from_db()
    assert buyer.role == "viewer" and not buyer.is_active
    client.post(url, {"action": "activate"})
    buyer.refresh_from_db()
    assert buyer.is_active


@pytest.mark.django_db
def test_invalid_role_changes_nothing(client_for, customer_admin, buyer):
    client_for(customer_admin).post(
        reverse("portal:user_update", args=[buyer.pk]), {"action": "role", "role": "superuser"}
    )
    buyer.refresh_from_db()
    assert buyer.role == "buyer"


@pytest.mark.django_db
def test_admin_cannot_deactivate_themselves(client_for, customer_admin):
    client_for(customer_admin).post(
        reverse("portal:user_update", args=[customer_admin.pk]), {"action": "deactivate"}
    )
    customer_admin.refresh_from_db()
    assert customer_admin.is_active


@pytest.mark.django_db
def test_admin_cannot_touch_another_companys_users_or_addresses(
    client_for, customer_admin, other_buyer, other_company
):
    client = client_for(customer_admin)
    response = client.post(
        reverse("portal:user_update", args=[other_buyer.pk]), {"action": "deactivate"}
    )
    assert response.status_code == 404
    other_buyer.refresh_from_db()
    assert other_buyer.is_active
    foreign = other_company.addresses.get()
    assert client.get(reverse("portal:address_edit", args=[foreign.pk])).status_code == 404
    response = client.post(
        reverse("portal:address_edit", args=[foreign.pk]),
        {"label": "hijack", "line1": "x", "postal_code": "1", "city": "x", "country": "ES"},
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.label != "hijack"
    assert other_buyer.email not in client.get(reverse("portal:user_list")).content.decode()


@pytest.mark.django_db
def test_admin_adds_a_default_shipping_address(client_for, customer_admin, company):
    response = client_for(customer_admin).post(
        reverse("portal:address_create"),
        {
            "label": "Obra Vallecas",
            "line1": "Calle Obra 1",
            "postal_code": "28031",
            "city": "Madrid",
            "country": "ES",
            "is_default": "on",
        },
    )
    assert response.status_code == 302
    assert Address.objects.get(company=company, is_default=True).label == "Obra Vallecas"


@pytest.mark.django_db
def test_address_with_missing_fields_is_refused(client_for, customer_admin, company):
    response = client_for(customer_admin).post(
        reverse("portal:address_create"), {"label": "Incompleta"}
    )
    assert response.status_code == 400
    assert {"line1", "postal_code", "city"} <= set(response.context["form"].errors)
    assert company.addresses.count() == 1


@pytest.mark.django_db
def test_portal_home_shows_customer_visible_timeline_only(client_for, buyer, company, manager):
    from customers import services

    services.add_staff_note(
        company=company,
        actor=manager,
        kind="call",
        summary="Interno: riesgo de impago",
        visibility="staff",
    )
    services.add_staff_note(
        company=company, actor=manager, kind="note", summary="Bienvenidos", visibility="customer"
    )
    content = client_for(buyer).get(reverse("portal:home")).content.decode()
    assert "Bienvenidos" in content
    assert "riesgo de impago" not in content


@pytest.mark.django_db
def test_users_menu_entry_only_for_admins(client_for, buyer, company):
    content = client_for(buyer).get(reverse("portal:home")).content.decode()
    assert reverse("portal:user_list") not in content
    admin = CustomerUserFactory(company=company, role="admin")
    client_for(admin)
    assert (
        reverse("portal:user_list")
        in client_for(admin).get(reverse("portal:home")).content.decode()
    )


@pytest.mark.django_db
def test_inviting_with_the_mail_server_down_is_not_a_server_error(
    client_for, customer_admin, mailoutbox, django_capture_on_commit_callbacks
):
    """Embedded mode runs the invitation task inside the request: an SMTP failure is
    logged, the user is created, the admin is not shown an error page."""
    import smtplib
    from unittest import mock

    with (
        mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=smtplib.SMTPServerDisconnected("down"),
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client_for(customer_admin).post(
            reverse("portal:user_create"),
            {"email": "tarde@gomez.example", "first_name": "Ana", "role": "buyer"},
        )
    assert response.status_code == 302
    assert User.objects.filter(email="tarde@gomez.example").exists()
    assert mailoutbox == []


@pytest.mark.django_db
def test_admin_resends_an_invitation(
    client_for, customer_admin, company, mailoutbox, django_capture_on_commit_callbacks
):
    from customers.tests.factories import CustomerUserFactory

    invited = CustomerUserFactory(company=company, email="nueva@gomez.example")
    invited.set_unusable_password()
    invited.save()
    client = client_for(customer_admin)
    page = client.get(reverse("portal:user_list")).content.decode()
    assert 'value="resend"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:user_update", args=[invited.pk]), {"action": "resend"}
        )
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["nueva@gomez.example"]]
    assert "/portal/invitation/" in mailoutbox[0].body


@pytest.mark.django_db
def test_no_resend_for_a_user_with_a_password_or_of_another_company(
    client_for, customer_admin, buyer, other_buyer, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(customer_admin)
    with django_capture_on_commit_callbacks(execute=True):
        mine = client.post(reverse("portal:user_update", args=[buyer.pk]), {"action": "resend"})
        theirs = client.post(
            reverse("portal:user_update", args=[other_buyer.pk]), {"action": "resend"}
        )
    assert mine.status_code == 302 and theirs.status_code == 404
    assert mailoutbox == []


# --- addresses: making an existing one the default ------------------------------------


def _address_data(address, **overrides):
    fields = ("label", "recipient", "line1", "line2", "postal_code", "city", "region", "country")
    data = {name: getattr(address, name) for name in fields}
    return {**data, "phone": address.phone, **overrides}


@pytest.mark.django_db
def test_admin_makes_an_existing_address_the_default(client_for, customer_admin, company):
    from .factories import AddressFactory

    old = company.addresses.get()
    other = AddressFactory(company=company, label="Obra Vallecas")
    response = client_for(customer_admin).post(
        reverse("portal:address_edit", args=[other.pk]), _address_data(other, is_default="on")
    )
    assert response.status_code == 302
    old.refresh_from_db()
    other.refresh_from_db()
    assert other.is_default and not old.is_default
    assert list(company.addresses.filter(is_default=True)) == [other]


@pytest.mark.django_db
def test_unticking_the_default_address_keeps_it_the_default(client_for, customer_admin, company):
    default = company.addresses.get()
    response = client_for(customer_admin).post(
        reverse("portal:address_edit", args=[default.pk]),
        _address_data(default, label="Sede central"),
    )
    assert response.status_code == 302
    default.refresh_from_db()
    assert default.is_default and default.label == "Sede central"


@pytest.mark.django_db
def test_a_service_validation_error_on_an_address_is_a_form_error(
    client_for, customer_admin, company
):
    from unittest import mock

    from django.core.exceptions import ValidationError

    refusal = ValidationError({"line1": "Not this street.", "company": "Not this company."})
    with mock.patch("customers.services.save_address", side_effect=refusal):
        response = client_for(customer_admin).post(
            reverse("portal:address_create"),
            {"label": "X", "line1": "Calle 1", "postal_code": "1", "city": "X", "country": "ES"},
        )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["line1"] == ["Not this street."]
    assert errors["__all__"] == ["Not this company."]


# --- users: field limits and the existence of an address ------------------------------

LONG_EMAIL = "a" * (255 - len("@gomez.example")) + "@gomez.example"


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "word"), [("en", "characters"), ("es", "caracteres")])
def test_a_255_character_email_is_a_translated_form_error(
    client_for, customer_admin, company, language, word
):
    assert len(LONG_EMAIL) == 255
    client = client_for(customer_admin)
    client.cookies["django_language"] = language
    response = client.post(reverse("portal:user_create"), {"email": LONG_EMAIL, "role": "buyer"})
    assert response.status_code == 400
    (message,) = response.context["form"].errors["email"]
    assert "254" in message and word in message
    assert not User.objects.filter(email=LONG_EMAIL).exists()


@pytest.mark.django_db
def test_a_service_validation_error_on_a_user_is_a_form_error(client_for, customer_admin):
    from unittest import mock

    from django.core.exceptions import ValidationError

    refusal = ValidationError({"last_name": "Too odd.", "password": "Not here."})
    with mock.patch("customers.services.invite_customer_user", side_effect=refusal):
        response = client_for(customer_admin).post(
            reverse("portal:user_create"), {"email": "x@gomez.example", "role": "buyer"}
        )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["last_name"] == ["Too odd."] and errors["__all__"] == ["Not here."]


def _invite(client, capture, email):
    with capture(execute=True):
        response = client.post(
            reverse("portal:user_create"), {"email": email, "role": "buyer"}, follow=True
        )
    return (
        response.status_code,
        response.redirect_chain,
        [(m.level, str(m)) for m in response.context["messages"]],
    )


@pytest.mark.django_db
@pytest.mark.parametrize("holder_name", ["other_buyer", "manager"])
def test_inviting_an_address_that_has_an_account_answers_like_a_new_one(
    request,
    client_for,
    customer_admin,
    company,
    mailoutbox,
    django_capture_on_commit_callbacks,
    holder_name,
):
    """Another company's user or a staff member: the portal admin cannot tell them
    apart from a new address; nobody joins the company, the holder is told instead."""
    holder = request.getfixturevalue(holder_name)
    holder_company = holder.company
    client = client_for(customer_admin)
    capture = django_capture_on_commit_callbacks
    new = _invite(client, capture, "nadie@nuevo.example")
    taken = _invite(client, capture, holder.email.upper())
    assert new == taken
    assert new[0] == 200 and new[1] == [(reverse("portal:user_list"), 302)]
    assert len(new[2]) == 1

    holder.refresh_from_db()
    assert holder.company == holder_company
    assert set(company.users.values_list("email", flat=True)) == {
        customer_admin.email,
        "nadie@nuevo.example",
    }
    invitation, notice = mailoutbox
    assert invitation.to == ["nadie@nuevo.example"]
    assert notice.to == [holder.email]
    html = notice.alternatives[0][0]
    for text in (notice.body, html):
        assert company.legal_name in text  # "Ferretería Gómez S.L."
        assert "S.L.." not in text
        assert "/portal/invitation/" not in text
    language = "pl" if holder_name == "other_buyer" else "es"
    assert f'<html lang="{language}">' in html

    # Nothing the customer sees mentions the address; staff see a note.
    def mentioning(visibility):
        entries = company.timeline.filter(visibility=visibility)
        return [entry for entry in entries if holder.email in entry.summary_text]

    assert not mentioning("customer")
    assert mentioning("staff")
    if holder_company is not None:
        assert not holder_company.timeline.filter(visibility="customer").exists()


@pytest.mark.django_db
def test_repeated_invitations_of_a_taken_address_email_its_holder_once(
    client_for, customer_admin, other_buyer, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(customer_admin)
    for _ in range(3):
        _invite(client, django_capture_on_commit_callbacks, other_buyer.email)
    assert [m.to for m in mailoutbox] == [[other_buyer.email]]


# --- activity: staff appear as the seller ---------------------------------------------


@pytest.mark.django_db
def test_portal_activity_shows_staff_as_the_seller(client_for, buyer, company, settings):
    from customers import services

    from .factories import StaffUserFactory

    nameless = StaffUserFactory(email="agente@vendedor.example", first_name="", last_name="")
    named = StaffUserFactory(email="luis@vendedor.example", first_name="Luis", last_name="Ortega")
    client = client_for(buyer)
    seller = settings.SELLER["legal_name"]
    before = client.get(reverse("portal:home")).content.decode().count(seller)
    for staff in (nameless, named):
        services.add_staff_note(
            company=company, actor=staff, kind="note", summary="Hola", visibility="customer"
        )
    services.append_timeline(
        company=company, actor=buyer, kind="note", summary="Gracias", visibility="customer"
    )
    content = client.get(reverse("portal:home")).content.decode()
    assert "agente@vendedor.example" not in content
    assert "Luis Ortega" not in content and "luis@vendedor.example" not in content
    assert content.count(seller) == before + 2
    assert str(buyer) in content  # the company's own people keep their names
