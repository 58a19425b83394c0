"""The complaints API over HTTP: filing, reading, messages and their visibility,
evidence and its access control, every action, tenancy, bad input, idempotency and the
whole lifecycle after its side effects (emails, credit notes, PDFs) happened."""

from __future__ import annotations

import pytest
from django.core import mail

from complaints.models import Complaint, ComplaintAttachment, ComplaintMessage

from .conftest import png_bytes, upload

URL = "/api/v1/complaints/"


def detail_url(complaint, tail=""):
    number = complaint if isinstance(complaint, str) else complaint.number
    return f"{URL}{number}/{tail}"


@pytest.fixture
def company_api(api, company_key):
    return api(company_key, HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def seller_api(api, seller_key):
    return api(seller_key, HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def other_api(api, other_company_key):
    return api(other_company_key, HTTP_ACCEPT_LANGUAGE="en")


def file_over_api(client, flush, **body):
    body = {"category": "quality", "description": "The drill does not start.", **body}
    with flush():
        return client.post(URL, body, format="json")


@pytest.mark.django_db
class TestFiling:
    def test_company_key_files_with_order_and_sku(self, company_api, order, flush):
        response = file_over_api(company_api, flush, order=order.number, sku="DRILL-18V")
        assert response.status_code == 201, response.json()
        data = response.json()
        assert data["status"] == "abierta"
        assert data["number"].startswith("REC-")
        assert response["Location"] == detail_url(data["number"])
        assert data["first_response_due"] and data["resolution_due"]
        assert data["order"] == order.number and data["sku"] == "DRILL-18V"
        assert set(data["clocks"]) == {"first_response", "resolution"}
        assert data["clocks"]["first_response"]["state"] == "running"
        assert data["clocks"]["first_response"]["business_time"] is True
        assert {d["code"] for d in data["legal_deadlines"]} >= {"seller_reply_contractual"}
        assert data["analysis"] is None  # the staff's analysis is not the customer's
        complaint = Complaint.objects.get(number=data["number"])
        assert complaint.channel == "api" and complaint.api_key is not None
        assert not complaint.on_behalf

    def test_seller_key_files_for_the_orders_customer(self, seller_api, order, flush):
        response = file_over_api(seller_api, flush, order=order.number)
        assert response.status_code == 201, response.json()
        assert response.json()["customer"] == order.company_id

    def test_seller_key_must_name_customer_or_order(self, seller_api, flush):
        response = file_over_api(seller_api, flush)
        assert response.status_code == 400
        assert response.json()["fields"]["customer"]

    def test_without_order(self, company_api, flush, products):
        response = file_over_api(company_api, flush, sku="PAPER-A4", category="service")
        assert response.status_code == 201, response.json()
        assert response.json()["order"] is None and response.json()["sku"] == "PAPER-A4"

    @pytest.mark.parametrize(
        "body, field",
        [
            ({"description": "   "}, "description"),
            ({"category": "weather"}, "category"),
            ({"order": "PED-2026-999999"}, "order"),
            ({"sku": "NOPE-1"}, "sku"),
        ],
    )
    def test_bad_input_is_400_with_field_and_writes_nothing(
        self, company_api, flush, products, body, field
    ):
        response = file_over_api(company_api, flush, **body)
        assert response.status_code == 400
        data = response.json()
        assert data["code"] == "validation_error"
        assert field in data["fields"]
        assert not Complaint.objects.exists()

    def test_sku_not_on_the_order_is_400(self, company_api, order, flush):
        response = file_over_api(company_api, flush, order=order.number, sku="NOPE-1")
        assert response.status_code == 400
        assert response.json()["fields"]["sku"] == ["This product is not on the order."]

    def test_another_companys_order_is_an_unknown_order(
        self, other_api, order, flush, other_company
    ):
        response = file_over_api(other_api, flush, order=order.number)
        assert response.status_code == 400
        assert response.json()["fields"]["order"] == ["Unknown order."]
        assert not Complaint.objects.exists()

    def test_company_key_cannot_file_for_another_customer(
        self, company_api, flush, other_company, products
    ):
        response = file_over_api(company_api, flush, customer=other_company.pk)
        assert response.status_code == 400
        assert not Complaint.objects.exists()

    def test_error_in_spanish_by_default(self, api, company_key, flush, products):
        response = api(company_key).post(
            URL, {"category": "quality", "description": ""}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["fields"]["description"]
        assert "blank" not in response.json()["fields"]["description"][0]

    def test_idempotent_post(self, company_api, order, flush):
        body = {"category": "quality", "description": "Roto", "order": order.number}
        with flush():
            first = company_api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
            again = company_api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
            other = company_api.post(
                URL, {**body, "description": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
            )
        assert first.status_code == again.status_code == 201
        assert first.json()["number"] == again.json()["number"]
        assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
        assert Complaint.objects.count() == 1


@pytest.mark.django_db
class TestTenancy:
    @pytest.fixture
    def complaint(self, company_api, order, flush):
        number = file_over_api(company_api, flush, order=order.number).json()["number"]
        return Complaint.objects.get(number=number)

    @pytest.mark.parametrize(
        "method, tail, body",
        [
            ("get", "", None),
            ("get", "messages/", None),
            ("post", "messages/", {"body": "hola"}),
            ("get", "attachments/", None),
            ("post", "accept/", {}),
            ("post", "dispute/", {"reason": "x"}),
            ("post", "rating/", {"score": 5}),
            ("post", "start_analysis/", {}),
            ("post", "decide/", {"decision": "accepted", "reasoning": "x"}),
            ("post", "resolve/", {"resolution": "explanation"}),
            ("post", "close/", {}),
        ],
    )
    def test_another_companys_key_gets_404(self, other_api, complaint, method, tail, body):
        response = getattr(other_api, method)(detail_url(complaint, tail), body, format="json")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        complaint.refresh_from_db()
        assert complaint.status == "abierta"
        assert not complaint.messages.exists()

    def test_list_shows_only_own(self, other_api, company_api, complaint):
        assert other_api.get(URL).json()["results"] == []
        assert [row["number"] for row in company_api.get(URL).json()["results"]] == [
            complaint.number
        ]

    def test_attachment_file_of_another_company_is_404(
        self, company_api, other_api, complaint, flush
    ):
        with flush():
            response = company_api.post(
                detail_url(complaint, "attachments/"), {"file": upload()}, format="multipart"
            )
        assert response.status_code == 201, response.json()
        url = response.json()["url"]
        assert company_api.get(url).status_code == 200
        assert other_api.get(url).status_code == 404

    @pytest.mark.parametrize("tail", ["start_analysis/", "decide/", "resolve/", "close/"])
    def test_company_key_may_not_drive_staff_actions(self, company_api, complaint, tail):
        response = company_api.post(detail_url(complaint, tail), {}, format="json")
        assert response.status_code == 403
        complaint.refresh_from_db()
        assert complaint.status == "abierta"

    def test_anonymous_is_401(self, api, complaint):
        assert api().get(URL).status_code == 401
        assert api().get(detail_url(complaint)).status_code == 401


@pytest.mark.django_db
class TestMessages:
    @pytest.fixture
    def complaint(self, company_api, order, flush):
        number = file_over_api(company_api, flush, order=order.number).json()["number"]
        return Complaint.objects.get(number=number)

    def test_internal_notes_never_reach_company_keys(
        self, seller_api, company_api, complaint, flush
    ):
        with flush():
            note = seller_api.post(
                detail_url(complaint, "messages/"),
                {"body": "Internal: the supplier again", "internal": True},
                format="json",
            )
            reply = seller_api.post(
                detail_url(complaint, "messages/"), {"body": "We are on it"}, format="json"
            )
        assert note.status_code == reply.status_code == 201
        seen = [m["body"] for m in company_api.get(detail_url(complaint, "messages/")).json()]
        assert seen == ["We are on it"]
        staff_seen = [m["body"] for m in seller_api.get(detail_url(complaint, "messages/")).json()]
        assert staff_seen == ["Internal: the supplier again", "We are on it"]
        detail = company_api.get(detail_url(complaint)).json()
        assert "supplier again" not in str(detail)
        assert all(e["kind"] != "note" for e in detail["events"])

    def test_company_key_cannot_post_internal_note(self, company_api, complaint):
        response = company_api.post(
            detail_url(complaint, "messages/"), {"body": "x", "internal": True}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["fields"]["internal"]
        assert not ComplaintMessage.objects.exists()

    def test_question_pauses_and_reply_resumes(self, seller_api, company_api, complaint, flush):
        with flush():
            seller_api.post(
                detail_url(complaint, "messages/"),
                {"body": "Can you send a photo?", "awaiting_customer": True},
                format="json",
            )
        data = seller_api.get(detail_url(complaint)).json()
        assert data["awaiting_customer"] is True
        assert data["clocks"]["resolution"]["state"] == "paused"
        assert data["clocks"]["first_response"]["state"] == "stopped"
        with flush():
            company_api.post(detail_url(complaint, "messages/"), {"body": "Sent"}, format="json")
        data = seller_api.get(detail_url(complaint)).json()
        assert data["awaiting_customer"] is False
        assert data["clocks"]["resolution"]["state"] == "running"

    def test_empty_body_is_400(self, company_api, complaint):
        response = company_api.post(detail_url(complaint, "messages/"), {"body": ""}, format="json")
        assert response.status_code == 400


@pytest.mark.django_db
class TestAttachments:
    @pytest.fixture
    def complaint(self, company_api, order, flush):
        number = file_over_api(company_api, flush, order=order.number).json()["number"]
        return Complaint.objects.get(number=number)

    def test_upload_and_download(self, company_api, complaint, flush):
        with flush():
            response = company_api.post(
                detail_url(complaint, "attachments/"), {"file": upload()}, format="multipart"
            )
        assert response.status_code == 201, response.json()
        listing = company_api.get(detail_url(complaint, "attachments/")).json()
        assert [row["content_type"] for row in listing] == ["image/png"]
        download = company_api.get(listing[0]["url"])
        assert download.status_code == 200
        assert download["X-Content-Type-Options"] == "nosniff"

    def test_file_that_is_not_an_image_is_400(self, company_api, complaint):
        fake = upload("photo.png", b"MZ\x90\x00 not a png", "image/png")
        response = company_api.post(
            detail_url(complaint, "attachments/"), {"file": fake}, format="multipart"
        )
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_file"
        assert not ComplaintAttachment.objects.exists()

    def test_oversized_file_is_refused(self, company_api, complaint, settings):
        settings.UPLOAD_MAX_BYTES = 100
        response = company_api.post(
            detail_url(complaint, "attachments/"),
            {"file": upload(content=png_bytes((64, 64)))},
            format="multipart",
        )
        assert response.status_code in (400, 413)
        assert not ComplaintAttachment.objects.exists()

    def test_internal_file_is_hidden_from_company_key(self, company_api, complaint, manager, flush):
        from complaints import services

        with flush():
            attachment = services.add_attachment(
                complaint=complaint, actor=manager, file=upload(), internal=True
            )
        assert company_api.get(detail_url(complaint, "attachments/")).json() == []
        url = detail_url(complaint, f"attachments/{attachment.pk}/file")
        assert company_api.get(url).status_code == 404


@pytest.mark.django_db
class TestLifecycleOverHttp:
    def test_full_lifecycle_with_refund_after_side_effects(
        self, company_api, seller_api, order, flush
    ):
        """Every action over HTTP, each after the previous one's emails, credit note and
        PDF happened (a previous attempt answered 500 once documents existed)."""
        number = file_over_api(company_api, flush, order=order.number, sku="DRILL-18V").json()[
            "number"
        ]
        assert len(mail.outbox) >= 1  # complaint received
        with flush():
            response = seller_api.post(detail_url(number, "start_analysis/"), {}, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == "en_analisis"
        with flush():
            response = seller_api.post(
                detail_url(number, "decide/"), {"decision": "accepted"}, format="json"
            )
        assert response.status_code == 400  # reasoning required
        assert "reasoning" in response.json()["fields"]
        with flush():
            response = seller_api.post(
                detail_url(number, "decide/"),
                {"decision": "accepted", "reasoning": "Factory defect confirmed"},
                format="json",
            )
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == "decidida"
        with flush():
            response = seller_api.post(
                detail_url(number, "resolve/"),
                {
                    "resolution": "refund",
                    "note": "Credited",
                    "lines": [{"sku": "DRILL-18V", "quantity": 1}],
                },
                format="json",
            )
        assert response.status_code == 200, response.json()
        data = response.json()
        assert data["status"] == "resuelta"
        assert data["credit_note"].startswith("AB-")
        assert data["refund_total"] is not None
        # After the credit note, its PDF and the emails: every read and action still works.
        assert company_api.get(detail_url(number)).status_code == 200
        assert company_api.get(URL).status_code == 200
        with flush():
            response = company_api.post(
                detail_url(number, "dispute/"), {"reason": "Only half credited"}, format="json"
            )
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == "en_analisis"
        with flush():
            seller_api.post(
                detail_url(number, "decide/"),
                {"decision": "accepted", "reasoning": "Right, a replacement"},
                format="json",
            )
            response = seller_api.post(
                detail_url(number, "resolve/"), {"resolution": "replacement"}, format="json"
            )
        assert response.status_code == 200, response.json()
        assert response.json()["replacement_order"].startswith("PED-")
        with flush():
            response = company_api.post(detail_url(number, "rating/"), {"score": 4}, format="json")
        assert response.status_code == 409  # not closed yet
        assert response.json()["code"] == "transition_not_allowed"
        with flush():
            response = company_api.post(detail_url(number, "accept/"), {}, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == "cerrada"
        with flush():
            bad = company_api.post(detail_url(number, "rating/"), {"score": 9}, format="json")
            response = company_api.post(
                detail_url(number, "rating/"), {"score": 4, "comment": "Fine"}, format="json"
            )
            again = company_api.post(detail_url(number, "rating/"), {"score": 1}, format="json")
        assert bad.status_code == 400
        assert response.status_code == 201, response.json()
        assert response.json()["rating_score"] == 4
        assert again.status_code == 409 and again.json()["code"] == "already_rated"
        assert company_api.get(detail_url(number)).json()["rating_score"] == 4

    def test_transition_out_of_order_is_409(self, company_api, seller_api, order, flush):
        number = file_over_api(company_api, flush, order=order.number).json()["number"]
        response = seller_api.post(
            detail_url(number, "resolve/"), {"resolution": "explanation"}, format="json"
        )
        assert response.status_code == 409
        assert response.json()["code"] == "transition_not_allowed"
        response = company_api.post(detail_url(number, "accept/"), {}, format="json")
        assert response.status_code == 409

    def test_close_by_seller(self, company_api, seller_api, order, flush):
        number = file_over_api(company_api, flush, order=order.number).json()["number"]
        with flush():
            seller_api.post(detail_url(number, "start_analysis/"), {}, format="json")
            seller_api.post(
                detail_url(number, "decide/"),
                {"decision": "rejected", "reasoning": "Used beyond spec"},
                format="json",
            )
            refused = seller_api.post(
                detail_url(number, "resolve/"), {"resolution": "refund"}, format="json"
            )
            resolved = seller_api.post(
                detail_url(number, "resolve/"),
                {"resolution": "explanation", "note": "See the manual"},
                format="json",
            )
            closed = seller_api.post(detail_url(number, "close/"), {}, format="json")
        assert refused.status_code == 400
        assert resolved.status_code == 200, resolved.json()
        assert closed.status_code == 200 and closed.json()["status"] == "cerrada"

    def test_discount_resolution_makes_a_single_use_coupon_for_the_company(
        self, company_api, seller_api, order, flush
    ):
        from orders.models import Coupon

        number = file_over_api(company_api, flush, order=order.number).json()["number"]
        with flush():
            seller_api.post(detail_url(number, "start_analysis/"), {}, format="json")
            seller_api.post(
                detail_url(number, "decide/"),
                {"decision": "accepted", "reasoning": "Late delivery"},
                format="json",
            )
            response = seller_api.post(
                detail_url(number, "resolve/"),
                {"resolution": "discount", "discount_percent": "15"},
                format="json",
            )
        assert response.status_code == 200, response.json()
        coupon = Coupon.objects.get(code=response.json()["coupon"])
        assert coupon.usage_limit == 1 and coupon.company_id == order.company_id
        assert str(coupon.value) == "15.00"

    def test_list_filters_and_updated_since(self, company_api, seller_api, order, flush):
        first = file_over_api(company_api, flush, order=order.number).json()["number"]
        file_over_api(company_api, flush, order=order.number, category="damage")
        rows = seller_api.get(URL, {"category": "damage"}).json()["results"]
        assert len(rows) == 1 and rows[0]["category"] == "damage"
        assert seller_api.get(URL, {"status": "cerrada"}).json()["results"] == []
        assert (
            len(seller_api.get(URL, {"updated_since": "2000-01-01T00:00:00Z"}).json()["results"])
            == 2
        )
        assert seller_api.get(URL, {"overdue": "maybe"}).status_code == 400
        assert first

    def test_list_query_count_is_constant(
        self, company_api, order, flush, django_assert_max_num_queries
    ):
        for _index in range(3):
            file_over_api(company_api, flush, order=order.number)
        with django_assert_max_num_queries(8):
            response = company_api.get(URL)
        assert len(response.json()["results"]) == 3
        for _index in range(10):
            file_over_api(company_api, flush, order=order.number)
        with django_assert_max_num_queries(8):
            response = company_api.get(URL)
        assert len(response.json()["results"]) == 13
