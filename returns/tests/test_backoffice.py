"""The back-office return pages: the register (filters, CSV), a return's page and its
actions through the forms, evidence and the label, the charts, the abuse list, the
reasons, and who may see them."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from customers.tests.factories import CompanyFactory
from returns import services
from returns.models import AbuseFlag, Return, ReturnReason

from .conftest import png_bytes

pytestmark = pytest.mark.django_db

LANGUAGES = ["es", "en", "pl"]


def _client(client_for, user, language="en"):
    client = client_for(user)
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def ret(order, request_return):
    return request_return(order)


@pytest.mark.parametrize("language", LANGUAGES)
def test_register_and_detail_render_in_every_language(client_for, manager, ret, language):
    client = _client(client_for, manager, language)
    register = client.get(reverse("backoffice:return_list"))
    assert register.status_code == 200
    assert ret.number in register.text
    detail = client.get(reverse("backoffice:return_detail", args=[ret.number]))
    assert detail.status_code == 200
    assert "DRILL-18V" in detail.text
    assert 'data-action="authorize"' in detail.text
    for name in ("return_stats", "return_abuse", "return_reason_list"):
        assert client.get(reverse(f"backoffice:{name}")).status_code == 200


def test_detail_shows_the_eligibility_explanation_in_the_readers_language(client_for, manager, ret):
    english = _client(client_for, manager, "en").get(
        reverse("backoffice:return_detail", args=[ret.number])
    )
    assert "Accepted: delivered 3 days ago" in english.text


def test_register_filters_and_csv(client_for, manager, company, delivered, request_return, walk):
    first = request_return(delivered(company))
    other_company = CompanyFactory(legal_name="Otra Empresa S.L.")
    second = request_return(
        delivered(other_company),
        lines=[{"sku": "PAPER-A4", "quantity": 2, "reason": "defective"}],
        resolution="store_credit",
        actor=manager,
    )
    client = _client(client_for, manager)
    url = reverse("backoffice:return_list")

    def numbers(**query):
        return {n for n in (first.number, second.number) if n in client.get(url, query).text}

    assert numbers() == {first.number, second.number}
    assert numbers(customer=other_company.pk) == {second.number}
    defective = ReturnReason.objects.get(code="defective")
    assert numbers(reason=defective.pk) == {second.number}
    assert numbers(resolution="store_credit") == {second.number}
    assert numbers(status="solicitada") == {first.number, second.number}
    assert numbers(status="resuelta") == set()
    assert numbers(q="PAPER") == {second.number}
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert numbers(created_after=tomorrow) == set()
    csv = client.get(url, {"export": "csv", "customer": other_company.pk})
    body = b"".join(csv.streaming_content).decode()
    header, *rows = body.strip().splitlines()
    assert header.split(",")[:4] == ["number", "customer", "order", "products"]
    assert len(rows) == 1 and second.number in rows[0] and "PAPER-A4×2" in rows[0]


def test_register_query_count_does_not_grow(
    client_for, manager, company, delivered, request_return, django_assert_max_num_queries
):
    order = delivered(company)
    request_return(order)
    client = _client(client_for, manager)
    url = reverse("backoffice:return_list")
    client.get(url)
    with django_assert_max_num_queries(25):
        client.get(url)
    for _ in range(3):
        request_return(delivered(company))
    with django_assert_max_num_queries(25):
        client.get(url)


def test_staff_walk_a_return_through_the_page(client_for, manager, ret):
    client = _client(client_for, manager)
    action = lambda name: reverse("backoffice:return_action", args=[ret.number, name])  # noqa: E731
    line = ret.lines.get()
    assert client.post(action("authorize"), {"authorize-note": "ok"}).status_code == 302
    ret.refresh_from_db()
    assert ret.status == "autorizada"
    label = client.get(reverse("backoffice:return_label", args=[ret.number]))
    assert label.status_code == 200 and label.content.startswith(b"%PDF")
    # Receiving more than authorized: the form refuses, nothing changes.
    too_many = client.post(action("receive"), {f"receive-line_{line.pk}": "5"})
    assert too_many.status_code == 400
    ret.refresh_from_db()
    assert ret.status == "autorizada"
    received = client.post(action("receive"), {f"receive-line_{line.pk}": "1"})
    assert received.status_code == 302
    # Grading more than received: a field error, nothing changes.
    bad = client.post(
        action("inspect"),
        {f"inspect-line_{line.pk}_resellable": "1", f"inspect-line_{line.pk}_damaged": "1"},
    )
    assert bad.status_code == 400
    assert "More than was received" in bad.text
    assert (
        client.post(
            action("inspect"),
            {
                f"inspect-line_{line.pk}_resellable": "1",
                f"inspect-line_{line.pk}_damaged": "0",
                f"inspect-line_{line.pk}_missing": "0",
            },
        ).status_code
        == 302
    )
    assert client.post(action("resolve"), {"resolve-resolution": "refund"}).status_code == 302
    ret.refresh_from_db()
    assert ret.status == "resuelta" and ret.credit_note is not None
    page = client.get(reverse("backoffice:return_detail", args=[ret.number]))
    assert ret.credit_note.number in page.text


def test_out_of_order_action_is_refused_with_its_reason(client_for, manager, ret):
    client = _client(client_for, manager)
    url = reverse("backoffice:return_action", args=[ret.number, "resolve"])
    response = client.post(url, {"resolve-resolution": "refund"})
    assert response.status_code == 409
    ret.refresh_from_db()
    assert ret.status == "solicitada"


def test_warehouse_cannot_authorize(client_for, warehouse_worker, ret):
    client = _client(client_for, warehouse_worker)
    page = client.get(reverse("backoffice:return_detail", args=[ret.number]))
    assert 'data-action="authorize"' not in page.text
    response = client.post(reverse("backoffice:return_action", args=[ret.number, "authorize"]))
    assert response.status_code == 403
    ret.refresh_from_db()
    assert ret.status == "solicitada"


def test_reject_needs_a_reason(client_for, service_agent, ret):
    client = _client(client_for, service_agent)
    url = reverse("backoffice:return_action", args=[ret.number, "reject"])
    assert client.post(url, {"reject-reason": ""}).status_code == 400
    assert client.post(url, {"reject-reason": "Used goods"}).status_code == 302
    ret.refresh_from_db()
    assert ret.status == "rechazada" and ret.rejection_reason == "Used goods"


def test_missing_evidence_blocks_authorization_until_attached(
    client_for, manager, order, request_return
):
    ret = request_return(order, lines=[{"sku": "DRILL-18V", "quantity": 1, "reason": "defective"}])
    client = _client(client_for, manager)
    page = client.get(reverse("backoffice:return_detail", args=[ret.number]))
    assert "Evidence is missing" in page.text
    refused = client.post(reverse("backoffice:return_action", args=[ret.number, "authorize"]))
    assert refused.status_code == 409
    photo = SimpleUploadedFile("crack.jpg", png_bytes(), content_type="image/jpeg")
    added = client.post(
        reverse("backoffice:return_attachment_add", args=[ret.number]), {"file": photo}
    )
    assert added.status_code == 302
    attachment = ret.attachments.get()
    assert attachment.content_type == "image/png"
    served = client.get(reverse("backoffice:return_attachment", args=[ret.number, attachment.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served["Cache-Control"] == "private, no-store"
    ok = client.post(reverse("backoffice:return_action", args=[ret.number, "authorize"]))
    assert ok.status_code == 302


def test_a_text_file_is_refused_as_evidence(client_for, manager, ret):
    client = _client(client_for, manager)
    fake = SimpleUploadedFile("photo.jpg", b"not an image at all" * 20, content_type="image/jpeg")
    response = client.post(
        reverse("backoffice:return_attachment_add", args=[ret.number]), {"file": fake}
    )
    assert response.status_code == 400
    assert "not accepted" in response.text
    assert not ret.attachments.exists()


def test_staff_start_a_return_with_an_override(client_for, service_agent, company, delivered):
    order = delivered(company, delivered_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=40))
    client = _client(client_for, service_agent)
    url = reverse("backoffice:return_create", args=[order.number])
    assert client.get(url).status_code == 200
    drill = order.lines.get(sku="DRILL-18V")
    data = {f"quantity_{line.pk}": "0" for line in order.lines.all()} | {
        f"quantity_{drill.pk}": "1",
        f"reason_{drill.pk}": "no_longer_needed",
    }
    data["resolution"] = "refund"
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "the window closed on" in refused.text
    assert not Return.objects.exists()
    data["override_note"] = "Goodwill: long-standing customer"
    created = client.post(url, data)
    assert created.status_code == 302
    ret = Return.objects.get()
    line = ret.lines.get()
    assert line.override_note == "Goodwill: long-standing customer"
    page = client.get(reverse("backoffice:return_detail", args=[ret.number]))
    assert "Accepted by staff despite the policy" in page.text


def test_pareto_figures_with_known_data(client_for, manager, company, delivered, request_return):
    order = delivered(company)
    request_return(
        order,
        lines=[
            {"sku": "DRILL-18V", "quantity": 1, "reason": "no_longer_needed"},
            {"sku": "PAPER-A4", "quantity": 6, "reason": "damaged_in_transport"},
            {"sku": "MUG-LOGO", "quantity": 3, "reason": "wrong_item"},
        ],
    )
    response = _client(client_for, manager).get(reverse("backoffice:return_stats"))
    html = response.text
    # 10 units: damaged 6 (60 %), wrong item 3 (90 % cumulative), no longer needed 1.
    assert 'data-key="damaged_in_transport" data-value="6" data-cumulative="60.0"' in html
    assert 'data-key="wrong_item" data-value="3" data-cumulative="90.0"' in html
    assert 'data-key="no_longer_needed" data-value="1" data-cumulative="100.0"' in html
    assert 'data-key="PAPER-A4" data-value="6"' in html
    future = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    empty = _client(client_for, manager).get(
        reverse("backoffice:return_stats"), {"date_from": future}
    )
    assert "No returns in this period." in empty.text


def test_abuse_list_and_company_badge(client_for, manager, company):
    AbuseFlag.objects.create(
        company=company,
        flagged=True,
        window_days=90,
        returns_count=7,
        units_returned=30,
        units_bought=100,
        rate="30.00",
        max_count=5,
        max_rate="20.00",
        evaluated_at=dt.datetime.now(dt.UTC),
        flagged_since=dt.datetime.now(dt.UTC),
    )
    client = _client(client_for, manager)
    listing = client.get(reverse("backoffice:return_abuse"))
    assert company.legal_name in listing.text and "30.00 %" in listing.text
    page = client.get(reverse("backoffice:customer_detail", args=[company.pk]))
    assert 'id="returns-abuse-badge"' in page.text
    assert 'id="company-returns"' in page.text


def test_unflagged_company_has_no_badge(client_for, manager, company):
    page = _client(client_for, manager).get(
        reverse("backoffice:customer_detail", args=[company.pk])
    )
    assert 'id="returns-abuse-badge"' not in page.text


def test_managers_edit_reason_rules(client_for, manager, service_agent):
    reason = ReturnReason.objects.get(code="no_longer_needed")
    url = reverse("backoffice:return_reason_edit", args=[reason.pk])
    assert _client(client_for, service_agent).get(url).status_code == 403
    client = _client(client_for, manager)
    assert client.get(url).status_code == 200
    data = {
        "code": "no_longer_needed",
        "name": "",
        "evidence_required": "on",
        "applies_category_policy": "on",
        "notice_window_days": "30",
        "restocking_fee_applies": "on",
        "active": "on",
        "position": "5",
    }
    assert client.post(url, data).status_code == 302
    reason.refresh_from_db()
    assert reason.evidence_required is True
    bad = client.post(url, {**data, "code": "Bad Code"})
    assert bad.status_code == 400


def test_order_page_links_its_returns(client_for, manager, ret):
    page = _client(client_for, manager).get(
        reverse("backoffice:order_detail", args=[ret.order.number])
    )
    assert ret.number in page.text
    assert reverse("backoffice:return_create", args=[ret.order.number]) in page.text


def test_customers_never_reach_the_back_office_pages(client_for, buyer, ret):
    response = client_for(buyer).get(reverse("backoffice:return_detail", args=[ret.number]))
    assert response.status_code == 404


def test_anonymous_evidence_goes_to_login(client, ret, buyer, flush):
    with flush():
        attachment = services.add_attachment(
            ret=ret, actor=buyer, file=SimpleUploadedFile("a.png", png_bytes())
        )
    url = reverse("backoffice:return_attachment", args=[ret.number, attachment.pk])
    response = client.get(url)
    assert response.status_code == 302 and reverse("backoffice:login") in response["Location"]


def test_staff_apply_store_credit_from_the_order_page(
    client_for, service_agent, warehouse_worker, order, request_return, walk
):
    from returns.services import store_credit_balance

    walk(request_return(order), to="resuelta", resolution="store_credit")
    balance = store_credit_balance(order.company)
    # The returned order itself is paid in part: the credit covers its outstanding part.
    url = reverse("backoffice:return_store_credit_apply", args=[order.number])
    assert (
        _client(client_for, warehouse_worker).post(url, {"credit-amount": "1"}).status_code == 403
    )
    client = _client(client_for, service_agent)
    page = client.get(reverse("backoffice:order_detail", args=[order.number]))
    assert 'id="apply-credit"' in page.text
    response = client.post(url, {"credit-amount": "abc"}, follow=True)
    assert store_credit_balance(order.company) == balance
    response = client.post(url, {"credit-amount": "5.00"}, follow=True)
    assert store_credit_balance(order.company) == balance - 5
    assert 'id="credit-used"' in response.text
