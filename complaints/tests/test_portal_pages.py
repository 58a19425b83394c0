"""The portal complaint pages: the company's list, filing a complaint (on its own or
from an order, with a photo), a complaint's page (progress, customer-visible messages
only, the reply that answers a question, accept, dispute, rate), the evidence files,
the order page's button, tenancy (another company's complaint,
order or file is a 404) and viewers (read only)."""

# ruff: noqa: F811 - the fixtures imported below are requested by name
import pytest
from django.urls import reverse

from complaints import services
from complaints.models import Complaint, ComplaintMessage

from .pages import (  # noqa: F401
    LANGUAGES,
    client_in,
    delivered,
    file_complaint,
    flush,
    order,
    perform,
    photo,
    private_media,
    products,
    walk,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(file_complaint, order):
    return file_complaint(order=order, sku="DRILL-18V")


@pytest.fixture
def foreign(file_complaint, other_company, other_buyer, delivered):
    return file_complaint(actor=other_buyer, order=delivered(other_company))


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_render_in_every_language(client_for, buyer, complaint, order, language):
    client = client_in(client_for, buyer, language)
    assert complaint.number in client.get(reverse("portal:complaint_list")).text
    assert client.get(reverse("portal:complaint_create")).status_code == 200
    page = client.get(reverse("portal:complaint_create"), {"order": order.number})
    assert page.status_code == 200 and 'name="sku"' in page.text
    detail = client.get(reverse("portal:complaint_detail", args=[complaint.number]))
    assert detail.status_code == 200
    assert 'id="complaint-progress"' in detail.text


def test_file_a_complaint_from_an_order_with_a_photo(client_for, buyer, order):
    client = client_in(client_for, buyer)
    page = client.get(reverse("portal:order_detail", args=[order.number]))
    link = reverse("portal:complaint_create") + f"?order={order.number}"
    assert 'id="file-complaint"' in page.text and link in page.text
    response = client.post(
        link,
        {
            "order": order.number,
            "sku": "DRILL-18V",
            "category": "damage",
            "description": "Box crushed",
            "files": [photo()],
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.company == buyer.company and complaint.order == order
    assert complaint.sku == "DRILL-18V" and complaint.channel == "portal"
    assert complaint.attachments.count() == 1


def test_file_a_complaint_on_its_own(client_for, buyer):
    response = client_in(client_for, buyer).post(
        reverse("portal:complaint_create"),
        {"category": "service", "description": "Nobody answers the phone"},
    )
    assert response.status_code == 302
    assert Complaint.objects.get().order is None


def test_bad_input_is_refused_with_clear_messages_and_writes_nothing(
    client_for, buyer, other_company, delivered
):
    client = client_in(client_for, buyer, "es")
    url = reverse("portal:complaint_create")
    empty = client.post(url, {"category": "damage", "description": "  "})
    assert empty.status_code == 400 and "Este campo es obligatorio." in empty.text
    unknown = client.post(url, {"category": "damage", "description": "x", "sku": "NOPE-1"})
    assert unknown.status_code == 400
    bad_category = client.post(url, {"category": "weather", "description": "x"})
    assert bad_category.status_code == 400
    foreign_order = delivered(other_company)
    assert client.get(url, {"order": foreign_order.number}).status_code == 404
    assert client.post(f"{url}?order={foreign_order.number}", {}).status_code == 404
    typed = client.post(
        url, {"order": foreign_order.number, "category": "damage", "description": "x"}
    )
    assert typed.status_code == 400
    from django.core.files.uploadedfile import SimpleUploadedFile

    wrong_file = client.post(
        url,
        {
            "category": "damage",
            "description": "x",
            "files": [SimpleUploadedFile("x.png", b"not an image", content_type="image/png")],
        },
    )
    assert wrong_file.status_code == 400
    assert not Complaint.objects.exists()


def test_only_customer_visible_messages_and_the_reply_answers_the_question(
    client_for, buyer, manager, complaint
):
    services.post_message(
        complaint=complaint, actor=manager, body="SECRET carrier note", internal=True
    )
    services.post_message(
        complaint=complaint, actor=manager, body="Is the box damaged too?", awaiting_customer=True
    )
    client = client_in(client_for, buyer)
    url = reverse("portal:complaint_detail", args=[complaint.number])
    html = client.get(url).text
    assert "SECRET" not in html
    assert "Is the box damaged too?" in html and 'id="awaiting-you"' in html
    listing = client.get(reverse("portal:complaint_list")).text
    assert "Your answer is needed" in listing
    response = client.post(
        reverse("portal:complaint_reply", args=[complaint.number]), {"body": "Yes, crushed."}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.awaiting_customer is False
    assert ComplaintMessage.objects.filter(from_staff=False, body="Yes, crushed.").exists()
    empty = client.post(reverse("portal:complaint_reply", args=[complaint.number]), {"body": ""})
    assert empty.status_code == 400


def test_accept_the_resolution(client_for, buyer, complaint, walk):
    walk(complaint, to="resuelta")
    client = client_in(client_for, buyer)
    html = client.get(reverse("portal:complaint_detail", args=[complaint.number])).text
    assert 'data-action="accept"' in html and 'data-action="dispute"' in html
    response = client.post(reverse("portal:complaint_action", args=[complaint.number, "accept"]))
    assert response.status_code == 302
    assert Complaint.objects.get().status == "cerrada"


def test_dispute_needs_a_reason_and_reopens(client_for, buyer, complaint, walk):
    walk(complaint, to="resuelta")
    client = client_in(client_for, buyer)
    url = reverse("portal:complaint_action", args=[complaint.number, "dispute"])
    assert client.post(url, {"dispute-reason": ""}).status_code == 400
    assert Complaint.objects.get().status == "resuelta"
    assert client.post(url, {"dispute-reason": "Still broken"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "en_analisis" and complaint.reopen_reason == "Still broken"


def test_reopen_a_closed_complaint_within_the_window(client_for, buyer, complaint, walk):
    walk(complaint, to="cerrada")
    client = client_in(client_for, buyer)
    html = client.get(reverse("portal:complaint_detail", args=[complaint.number])).text
    assert 'data-action="reopen"' in html and 'data-action="dispute"' not in html
    url = reverse("portal:complaint_action", args=[complaint.number, "reopen"])
    assert client.post(url, {"reopen-reason": ""}).status_code == 400
    assert client.post(url, {"reopen-reason": "It broke again"}).status_code == 302
    assert Complaint.objects.get().status == "en_analisis"


def test_rate_once_after_closing(client_for, buyer, complaint, walk):
    client = client_in(client_for, buyer)
    url = reverse("portal:complaint_action", args=[complaint.number, "rate"])
    early = client.post(url, {"rate-score": "5"})
    assert early.status_code in (400, 409)
    walk(complaint, to="cerrada")
    assert (
        'data-action="rate"'
        in client.get(reverse("portal:complaint_detail", args=[complaint.number])).text
    )
    assert client.post(url, {"rate-score": "9"}).status_code == 400
    assert client.post(url, {"rate-score": "4", "rate-comment": "Quick"}).status_code == 302
    complaint.refresh_from_db()
    assert (complaint.rating_score, complaint.rating_comment) == (4, "Quick")
    again = client.post(url, {"rate-score": "1"})
    assert again.status_code in (400, 409)
    assert Complaint.objects.get().rating_score == 4


def test_staff_actions_are_not_customer_actions(client_for, buyer, complaint):
    client = client_in(client_for, buyer)
    url = reverse("portal:complaint_action", args=[complaint.number, "start_analysis"])
    assert client.post(url).status_code == 404
    assert Complaint.objects.get().status == "abierta"


def test_another_companys_complaint_and_files_are_404(client_for, buyer, manager, foreign):
    attachment = services.add_attachment(complaint=foreign, actor=manager, file=photo())
    client = client_in(client_for, buyer)
    number = foreign.number
    assert number not in client.get(reverse("portal:complaint_list")).text
    for name in ("complaint_detail",):
        assert client.get(reverse(f"portal:{name}", args=[number])).status_code == 404
    assert (
        client.post(reverse("portal:complaint_reply", args=[number]), {"body": "hi"}).status_code
        == 404
    )
    assert (
        client.post(reverse("portal:complaint_action", args=[number, "accept"])).status_code == 404
    )
    assert (
        client.post(
            reverse("portal:complaint_attachment_add", args=[number]), {"file": photo()}
        ).status_code
        == 404
    )
    url = reverse("portal:complaint_attachment", args=[number, attachment.pk])
    assert client.get(url).status_code == 404
    assert ComplaintMessage.objects.filter(complaint=foreign, from_staff=False).count() == 0


def test_own_evidence_downloads_but_internal_evidence_is_hidden(client_for, buyer, complaint):
    attachment = services.add_attachment(complaint=complaint, actor=buyer, file=photo())
    client = client_in(client_for, buyer)
    url = reverse("portal:complaint_attachment", args=[complaint.number, attachment.pk])
    assert client.get(url).status_code == 200
    from complaints.models import ComplaintAttachment

    ComplaintAttachment.objects.filter(pk=attachment.pk).update(internal=True)
    assert url not in client.get(reverse("portal:complaint_detail", args=[complaint.number])).text
    assert client.get(url).status_code == 404


def test_viewers_read_but_write_nothing(client_for, viewer, complaint, walk):
    walk(complaint, to="resuelta")
    client = client_in(client_for, viewer)
    html = client.get(reverse("portal:complaint_detail", args=[complaint.number])).text
    assert 'data-action="accept"' not in html and 'id="reply-form"' not in html
    assert client.get(reverse("portal:complaint_create")).status_code == 403
    number = complaint.number
    assert (
        client.post(reverse("portal:complaint_reply", args=[number]), {"body": "x"}).status_code
        == 403
    )
    assert (
        client.post(reverse("portal:complaint_action", args=[number, "accept"])).status_code == 403
    )
    assert Complaint.objects.get().status == "resuelta"


def test_the_list_costs_the_same_for_2_and_20_complaints(
    client_for, buyer, file_complaint, order, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_in(client_for, buyer)
    url = reverse("portal:complaint_list")
    for _ in range(2):
        file_complaint(order=order)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(18):
        file_complaint(order=order)
    with django_assert_max_num_queries(len(small)):
        response = client.get(url)
    assert response.text.count("REC-") >= 20
