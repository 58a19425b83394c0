"""The portal return pages: "Return items" from a delivered order with the live
eligibility explanation and a photo, the list with the store credit, a return's page
(progress, evidence, label, cancel, credit note), and tenancy."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from returns import services
from returns.models import Return, StoreCreditEntry

from .conftest import png_bytes

pytestmark = pytest.mark.django_db


def _client(client_for, user, language="en"):
    client = client_for(user)
    client.cookies["django_language"] = language
    return client


def _request_data(order, sku="DRILL-18V", quantity=1, reason="defective", resolution="refund"):
    data = {f"quantity_{line.pk}": "0" for line in order.lines.all()}
    line = order.lines.get(sku=sku)
    data.update(
        {
            f"quantity_{line.pk}": str(quantity),
            f"reason_{line.pk}": reason,
            f"comment_{line.pk}": "Does not start",
            "resolution": resolution,
            "notes": "Please collect",
        }
    )
    return data


def test_delivered_order_offers_return_items(client_for, buyer, order):
    page = _client(client_for, buyer).get(reverse("portal:order_detail", args=[order.number]))
    assert reverse("portal:return_start", args=[order.number]) in page.text


def test_viewers_see_no_button_and_get_403(client_for, viewer, order):
    client = _client(client_for, viewer)
    page = client.get(reverse("portal:order_detail", args=[order.number]))
    assert 'id="return-items"' not in page.text
    url = reverse("portal:return_start", args=[order.number])
    assert client.get(url).status_code == 403
    assert client.post(url, _request_data(order)).status_code == 403
    assert not Return.objects.exists()


@pytest.mark.parametrize("language", ["es", "en", "pl"])
def test_the_start_page_renders(client_for, buyer, order, language):
    page = _client(client_for, buyer, language).get(
        reverse("portal:return_start", args=[order.number])
    )
    assert page.status_code == 200
    assert 'hx-get="' + reverse("portal:return_check", args=[order.number]) in page.text


def test_live_eligibility_explains_before_submitting(client_for, buyer, order):
    client = _client(client_for, buyer)
    url = reverse("portal:return_check", args=[order.number])
    mug = order.lines.get(sku="MUG-LOGO")
    drill = order.lines.get(sku="DRILL-18V")
    answer = client.get(
        url,
        {
            f"quantity_{drill.pk}": "1",
            f"reason_{drill.pk}": "no_longer_needed",
            f"quantity_{mug.pk}": "2",
            f"reason_{mug.pk}": "no_longer_needed",
        },
    )
    assert answer.status_code == 200
    assert 'data-sku="DRILL-18V" data-eligible="true"' in answer.text
    assert "Accepted: delivered 3 days ago" in answer.text
    assert 'data-sku="MUG-LOGO" data-eligible="false"' in answer.text
    assert "are not returnable" in answer.text
    too_many = client.get(
        url, {f"quantity_{drill.pk}": "9", f"reason_{drill.pk}": "no_longer_needed"}
    )
    assert "already returned of 2 delivered" in too_many.text
    assert client.get(url).text.strip() == ""


def test_buyer_requests_with_a_photo_and_staff_see_it(client_for, buyer, manager, order):
    client = _client(client_for, buyer)
    data = _request_data(order)
    data["files"] = [SimpleUploadedFile("IMG_1.jpg", png_bytes(), content_type="image/jpeg")]
    response = client.post(reverse("portal:return_start", args=[order.number]), data)
    assert response.status_code == 302
    ret = Return.objects.get()
    assert response["Location"] == reverse("portal:return_detail", args=[ret.number])
    assert ret.requested_by == buyer and ret.requested_resolution == "refund"
    line = ret.lines.get()
    assert (line.sku, line.quantity, line.reason.code) == ("DRILL-18V", 1, "defective")
    attachment = ret.attachments.get()
    assert attachment.content_type == "image/png" and "IMG_1" not in attachment.file.name
    own = client.get(reverse("portal:return_attachment", args=[ret.number, attachment.pk]))
    assert own.status_code == 200
    # (client_for signs the same test client in as someone else)
    staff_page = _client(client_for, manager).get(
        reverse("backoffice:return_detail", args=[ret.number])
    )
    assert ret.number in staff_page.text and attachment.original_name in staff_page.text


def test_a_refused_request_writes_nothing(client_for, buyer, order):
    client = _client(client_for, buyer)
    data = _request_data(order, sku="MUG-LOGO", reason="no_longer_needed")
    response = client.post(reverse("portal:return_start", args=[order.number]), data)
    assert response.status_code == 400
    assert "are not returnable" in response.text
    assert not Return.objects.exists()


def test_a_wrong_file_refuses_the_whole_request(client_for, buyer, order):
    data = _request_data(order)
    data["files"] = [SimpleUploadedFile("x.jpg", b"plain text" * 30, content_type="image/jpeg")]
    response = _client(client_for, buyer).post(
        reverse("portal:return_start", args=[order.number]), data
    )
    assert response.status_code == 400
    assert "not accepted" in response.text
    assert not Return.objects.exists()


def test_no_line_chosen_is_a_form_error(client_for, buyer, order):
    data = _request_data(order, quantity=0)
    response = _client(client_for, buyer).post(
        reverse("portal:return_start", args=[order.number]), data
    )
    assert response.status_code == 400
    assert "Choose at least one line" in response.text


def test_return_page_progress_label_cancel(client_for, buyer, order, request_return, walk):
    ret = request_return(order)
    client = _client(client_for, buyer)
    url = reverse("portal:return_detail", args=[ret.number])
    page = client.get(url)
    assert 'data-action="cancel"' in page.text and 'id="label-link"' not in page.text
    assert client.get(reverse("portal:return_label", args=[ret.number])).status_code == 404
    ret = walk(ret, to="autorizada")
    page = client.get(url)
    assert 'id="label-link"' in page.text
    label = client.get(reverse("portal:return_label", args=[ret.number]))
    assert label.status_code == 200 and label.content.startswith(b"%PDF")
    cancel = client.post(reverse("portal:return_cancel", args=[ret.number]), {"cancel-reason": "x"})
    assert cancel.status_code == 302
    ret.refresh_from_db()
    assert ret.status == "cancelada"
    assert client.get(url).status_code == 200


def test_credit_note_download_once_resolved(client_for, buyer, order, request_return, walk):
    ret = walk(request_return(order), to="resuelta", resolution="refund")
    client = _client(client_for, buyer)
    page = client.get(reverse("portal:return_detail", args=[ret.number]))
    document = ret.credit_note.document
    link = reverse("portal:document_download", args=[document.pk])
    assert link in page.text
    pdf = client.get(link)
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_list_shows_store_credit(client_for, buyer, order, request_return, walk):
    ret = walk(request_return(order), to="resuelta", resolution="store_credit")
    entry = StoreCreditEntry.objects.get(ret=ret)
    client = _client(client_for, buyer)
    listing = client.get(reverse("portal:return_list"))
    assert listing.status_code == 200
    assert ret.number in listing.text
    assert f"{entry.amount} {order.company.currency}" in listing.text
    company_page = client.get(reverse("portal:company"))
    assert 'id="store-credit"' in company_page.text


def test_another_companys_return_is_a_404(
    client_for, other_admin, order, request_return, buyer, flush
):
    ret = request_return(order)
    with flush():
        attachment = services.add_attachment(
            ret=ret, actor=buyer, file=SimpleUploadedFile("a.png", png_bytes())
        )
    client = _client(client_for, other_admin)
    for url in (
        reverse("portal:return_detail", args=[ret.number]),
        reverse("portal:return_label", args=[ret.number]),
        reverse("portal:return_attachment", args=[ret.number, attachment.pk]),
        reverse("portal:return_start", args=[order.number]),
        reverse("portal:return_check", args=[order.number]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("portal:return_cancel", args=[ret.number])).status_code == 404
    assert ret.number not in client.get(reverse("portal:return_list")).text


def test_viewer_reads_but_cannot_cancel_or_attach(client_for, viewer, order, request_return):
    ret = request_return(order)
    client = _client(client_for, viewer)
    page = client.get(reverse("portal:return_detail", args=[ret.number]))
    assert page.status_code == 200 and 'data-action="cancel"' not in page.text
    assert client.post(reverse("portal:return_cancel", args=[ret.number])).status_code == 403
    photo = SimpleUploadedFile("a.png", png_bytes())
    response = client.post(
        reverse("portal:return_attachment_add", args=[ret.number]), {"file": photo}
    )
    assert response.status_code == 403
    ret.refresh_from_db()
    assert ret.status == "solicitada" and not ret.attachments.exists()


def test_buyer_pays_a_later_order_with_store_credit(
    client_for, buyer, order, request_return, walk, manager, flush
):
    from orders import services as orders
    from returns.services import store_credit_balance

    ret = walk(request_return(order), to="resuelta", resolution="store_credit")
    balance = store_credit_balance(order.company)
    assert balance > 0
    with flush():
        later = orders.place_order(
            actor=manager, company=order.company, lines=[{"sku": "PAPER-A4", "quantity": 100}]
        )
    client = _client(client_for, buyer)
    page = client.get(reverse("portal:order_detail", args=[later.number]))
    assert 'id="apply-credit"' in page.text
    url = reverse("portal:return_store_credit_apply", args=[later.number])
    too_much = client.post(url, {"credit-amount": str(balance + 1)}, follow=True)
    assert "More than the store credit available" in too_much.text
    assert store_credit_balance(order.company) == balance
    response = client.post(url, {"credit-amount": "10.00"}, follow=True)
    assert response.status_code == 200
    assert store_credit_balance(order.company) == balance - 10
    assert 'id="credit-used"' in response.text and "10.00" in response.text
    company = client.get(reverse("portal:company"))
    assert 'id="credit-entries"' in company.text and ret.number in company.text


def test_viewer_cannot_apply_store_credit(client_for, viewer, order):
    url = reverse("portal:return_store_credit_apply", args=[order.number])
    assert _client(client_for, viewer).post(url, {"credit-amount": "1.00"}).status_code == 403
