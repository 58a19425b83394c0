"""The complaint emails as the customer gets them, and the rating link's form."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from complaints import services


def link(message, pattern):
    found = re.search(pattern, message.body)
    assert found, message.body
    return found.group(0)


@pytest.mark.django_db
def test_decision_email_carries_the_reasoning(order, file_complaint, walk):
    complaint = walk(file_complaint(order=order.number), to="decidida")
    decided = [m for m in mail.outbox if "Decisi" in m.subject or "Decision" in m.subject]
    assert decided and "Revisado: defecto de fábrica." in decided[-1].body
    assert complaint.company.email in decided[-1].to


@pytest.mark.django_db
def test_refund_email_attaches_the_credit_note(order, file_complaint, walk):
    complaint = walk(
        file_complaint(order=order.number, sku="DRILL-18V"), to="resuelta", resolution="refund"
    )
    resolved = [m for m in mail.outbox if complaint.number in m.subject and m.attachments]
    assert resolved, [m.subject for m in mail.outbox]
    name, _content, mimetype = resolved[-1].attachments[0]
    assert name == f"{complaint.credit_note.number}.pdf" and mimetype == "application/pdf"


@pytest.mark.django_db
def test_rating_link_opens_a_form_and_rates_once(order, file_complaint, walk, client):
    complaint = walk(file_complaint(order=order.number), to="cerrada")
    rating = [m for m in mail.outbox if complaint.number in m.subject][-1]
    url = link(rating, r"https?://[^\s]+/rate/complaint/[^\s/]+/")
    path = "/" + url.split("/", 3)[3]
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and 'name="score"' in page.text
    complaint.refresh_from_db()
    assert complaint.rated_at is None  # opening the link records nothing
    bad = client.post(path, {"score": "9"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400
    done = client.post(path, {"score": "4", "comment": "Bien"}, HTTP_ACCEPT_LANGUAGE="en")
    assert done.status_code == 200 and "Thank you" in done.text
    again = client.post(path, {"score": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "already rated" in again.text
    complaint.refresh_from_db()
    assert (complaint.rating_score, complaint.rating_comment) == (4, "Bien")


@pytest.mark.django_db
def test_rating_link_is_refused_when_tampered_or_not_closed(order, file_complaint, client):
    complaint = file_complaint(order=order.number)
    token = services.rating_token(complaint)
    assert client.get(f"/rate/complaint/{token}x/").status_code == 400
    refused = client.post(f"/rate/complaint/{token}/", {"score": "5"})
    assert refused.status_code == 400
    complaint.refresh_from_db()
    assert complaint.rated_at is None
