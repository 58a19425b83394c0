"""The returns API over HTTP: create, read, eligibility, evidence, label, transitions,
tenancy, bad input and idempotency."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from returns.models import Return, ReturnAttachment

from .conftest import png_bytes

BODY = {
    "lines": [{"sku": "DRILL-18V", "quantity": 1, "reason": "no_longer_needed"}],
    "resolution": "refund",
}


def body(the_order, **overrides):
    return {"order": the_order.number, **BODY, **overrides}


@pytest.mark.django_db
class TestCreateAndRead:
    def test_company_key_creates_and_reads_its_return(self, api, company_key, order, flush):
        client = api(company_key, HTTP_ACCEPT_LANGUAGE="en")
        with flush():
            response = client.post("/api/v1/returns/", body(order), format="json")
        assert response.status_code == 201, response.json()
        data = response.json()
        assert data["status"] == "solicitada"
        assert data["number"].startswith("DEV-")
        assert response["Location"] == f"/api/v1/returns/{data['number']}/"
        assert data["lines"][0]["sku"] == "DRILL-18V"
        assert data["lines"][0]["eligible"] is True
        assert data["lines"][0]["eligibility"].startswith("Accepted: delivered 3 days ago")
        assert data["label"] is None and data["credit_note"] is None
        ret = Return.objects.get(number=data["number"])
        assert ret.channel == "api" and ret.api_key is not None
        detail = client.get(f"/api/v1/returns/{data['number']}/", HTTP_ACCEPT_LANGUAGE="es")
        assert detail.status_code == 200
        listing = client.get("/api/v1/returns/")
        assert [row["number"] for row in listing.json()["results"]] == [data["number"]]

    def test_ineligible_is_400_with_reasons_per_line(self, api, company_key, order):
        lines = [
            {"sku": "DRILL-18V", "quantity": 1, "reason": "other"},
            {"sku": "MUG-LOGO", "quantity": 1, "reason": "no_longer_needed"},
            {"sku": "PAPER-A4", "quantity": 11, "reason": "other"},
        ]
        response = api(company_key, HTTP_ACCEPT_LANGUAGE="en").post(
            "/api/v1/returns/", body(order, lines=lines), format="json"
        )
        assert response.status_code == 400
        data = response.json()
        assert data["code"] == "return_not_eligible"
        assert [(row["sku"], row["eligible"]) for row in data["lines"]] == [
            ("DRILL-18V", True),
            ("MUG-LOGO", False),
            ("PAPER-A4", False),
        ]
        assert data["lines"][1]["reason"] == "Refused: Personalizados are not returnable."
        assert "lines.1" in data["fields"] and "lines.2" in data["fields"]
        assert not Return.objects.exists()

    @pytest.mark.parametrize(
        "payload, field",
        [
            ({"lines": []}, "lines"),
            ({"lines": [{"sku": "DRILL-18V", "quantity": 0, "reason": "other"}]}, "lines"),
            ({"lines": [{"sku": "DRILL-18V", "quantity": -1, "reason": "other"}]}, "lines"),
            ({"lines": [{"sku": "DRILL-18V", "quantity": "٣", "reason": "other"}]}, "lines"),
            ({"resolution": "cash"}, "resolution"),
            ({"order": "PED-0000-000000"}, "order"),
        ],
    )
    def test_bad_input_is_400_with_field_errors(self, api, company_key, order, payload, field):
        response = api(company_key, HTTP_ACCEPT_LANGUAGE="en").post(
            "/api/v1/returns/", body(order, **payload), format="json"
        )
        assert response.status_code == 400, response.json()
        assert any(key.startswith(field) for key in response.json()["fields"])
        assert not Return.objects.exists()

    def test_sku_not_in_the_order(self, api, company_key, order):
        lines = [{"sku": "NOT-THERE", "quantity": 1, "reason": "other"}]
        response = api(company_key, HTTP_ACCEPT_LANGUAGE="en").post(
            "/api/v1/returns/", body(order, lines=lines), format="json"
        )
        assert response.status_code == 400
        assert response.json()["lines"][0]["reason"].startswith("Refused: NOT-THERE")

    def test_undelivered_order(self, api, company_key, company, products, manager):
        from orders import services as orders

        order = orders.place_order(
            actor=manager, company=company, lines=[{"sku": "DRILL-18V", "quantity": 1}]
        )
        response = api(company_key, HTTP_ACCEPT_LANGUAGE="en").post(
            "/api/v1/returns/", body(order), format="json"
        )
        assert response.status_code == 400
        assert response.json()["code"] == "return_not_eligible"

    def test_idempotent_create(self, api, company_key, order):
        client = api(company_key, HTTP_IDEMPOTENCY_KEY="rma-1")
        first = client.post("/api/v1/returns/", body(order), format="json")
        again = client.post("/api/v1/returns/", body(order), format="json")
        assert first.status_code == again.status_code == 201
        assert first.json()["number"] == again.json()["number"]
        assert Return.objects.count() == 1

    def test_eligibility_creates_nothing_and_answers_in_the_language(self, api, company_key, order):
        lines = [
            {"sku": "DRILL-18V", "quantity": 1, "reason": "other"},
            {"sku": "MUG-LOGO", "quantity": 1, "reason": "other"},
        ]
        response = api(company_key, HTTP_ACCEPT_LANGUAGE="en").post(
            "/api/v1/returns/eligibility/", body(order, lines=lines), format="json"
        )
        assert response.status_code == 200
        data = response.json()
        assert data["eligible"] is False
        assert [(r["sku"], r["eligible"]) for r in data["lines"]] == [
            ("DRILL-18V", True),
            ("MUG-LOGO", False),
        ]
        assert not Return.objects.exists()


@pytest.mark.django_db
class TestTenancy:
    def test_other_company_key_gets_404(
        self, api, company_key, other_company_key, order, request_return, manager, flush
    ):
        ret = request_return(order)
        other = api(other_company_key)
        base = f"/api/v1/returns/{ret.number}/"
        assert other.get(base).status_code == 404
        assert other.get("/api/v1/returns/").json()["results"] == []
        assert other.post(base + "cancel/", {}, format="json").status_code == 404
        assert other.get(base + "attachments/").status_code == 404
        upload = SimpleUploadedFile("a.png", png_bytes(), "image/png")
        assert other.post(base + "attachments/", {"file": upload}).status_code == 404
        from returns import services

        services.authorize_return(ret=ret, actor=manager)
        assert other.get(f"/api/v1/returns/{ret.number}/label.pdf").status_code == 404

    def test_other_companys_order_is_unknown(self, api, other_company_key, order):
        response = api(other_company_key).post("/api/v1/returns/", body(order), format="json")
        assert response.status_code == 400
        assert "order" in response.json()["fields"]
        assert not Return.objects.exists()

    def test_company_key_may_not_drive_transitions(self, api, company_key, order, request_return):
        ret = request_return(order)
        for path in ("authorize", "reject", "receive", "inspect", "resolve"):
            response = api(company_key, HTTP_ACCEPT_LANGUAGE="en").post(
                f"/api/v1/returns/{ret.number}/{path}/", {"reason": "x"}, format="json"
            )
            assert response.status_code == 403, path
        ret.refresh_from_db()
        assert ret.status == "solicitada"

    def test_company_key_cancels(self, api, company_key, order, request_return):
        ret = request_return(order)
        response = api(company_key, HTTP_ACCEPT_LANGUAGE="en").post(
            f"/api/v1/returns/{ret.number}/cancel/", {}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["status"] == "cancelada"
        again = api(company_key, HTTP_ACCEPT_LANGUAGE="en").post(
            f"/api/v1/returns/{ret.number}/cancel/", {}, format="json"
        )
        assert again.status_code == 409
        assert again.json()["code"] == "transition_not_allowed"


@pytest.mark.django_db
class TestEvidence:
    def test_upload_list_and_download_access(
        self, api, company_key, other_company_key, seller_key, order, request_return
    ):
        ret = request_return(
            order, lines=[{"sku": "DRILL-18V", "quantity": 1, "reason": "defective"}]
        )
        base = f"/api/v1/returns/{ret.number}/attachments/"
        upload = SimpleUploadedFile("foto.png", png_bytes(), "image/png")
        response = api(company_key, HTTP_ACCEPT_LANGUAGE="en").post(base, {"file": upload})
        assert response.status_code == 201, response.json()
        data = response.json()
        assert data["content_type"] == "image/png"
        listing = api(company_key, HTTP_ACCEPT_LANGUAGE="en").get(base).json()
        assert [row["id"] for row in listing] == [data["id"]]
        file_url = f"/api/v1/returns/{ret.number}/attachments/{data['id']}/file"
        assert data["url"].endswith(file_url)
        own = api(company_key, HTTP_ACCEPT_LANGUAGE="en").get(file_url)
        assert own.status_code == 200
        assert b"".join(own.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"
        assert api(seller_key, HTTP_ACCEPT_LANGUAGE="en").get(file_url).status_code == 200
        assert api(other_company_key).get(file_url).status_code == 404
        assert api().get(file_url).status_code in (401, 403)

    @pytest.mark.parametrize(
        "name, content, content_type",
        [
            ("foto.jpg", b"MZ\x90\x00this is an exe", "image/jpeg"),
            ("doc.pdf", b"<html>not a pdf</html>", "application/pdf"),
            ("empty.png", b"", "image/png"),
        ],
    )
    def test_a_file_that_is_not_what_it_claims_is_400(
        self, api, company_key, order, request_return, name, content, content_type
    ):
        ret = request_return(order)
        upload = SimpleUploadedFile(name, content, content_type)
        response = api(company_key, HTTP_ACCEPT_LANGUAGE="en").post(
            f"/api/v1/returns/{ret.number}/attachments/", {"file": upload}
        )
        assert response.status_code == 400, response.content
        assert "file" in response.json()["fields"]
        assert not ReturnAttachment.objects.exists()

    def test_oversized_file_is_refused(self, api, company_key, order, request_return, settings):
        settings.UPLOAD_MAX_BYTES = 1000
        ret = request_return(order)
        upload = SimpleUploadedFile("big.png", png_bytes((400, 400)) + b"\0" * 2000, "image/png")
        response = api(company_key, HTTP_ACCEPT_LANGUAGE="en").post(
            f"/api/v1/returns/{ret.number}/attachments/", {"file": upload}
        )
        assert response.status_code in (400, 413)
        assert not ReturnAttachment.objects.exists()

    def test_authorize_waits_for_evidence(self, api, seller_key, order, request_return):
        ret = request_return(
            order, lines=[{"sku": "DRILL-18V", "quantity": 1, "reason": "damaged_in_transport"}]
        )
        response = api(seller_key, HTTP_ACCEPT_LANGUAGE="en").post(
            f"/api/v1/returns/{ret.number}/authorize/", {}, format="json"
        )
        assert response.status_code == 409
        assert response.json()["code"] == "evidence_missing"


@pytest.mark.django_db
def test_seller_key_drives_the_whole_lifecycle_with_a_credit_note(
    api, seller_key, company_key, order, flush
):
    seller = api(seller_key, HTTP_ACCEPT_LANGUAGE="en")
    with flush():
        created = seller.post(
            "/api/v1/returns/",
            body(order, lines=[{"sku": "PAPER-A4", "quantity": 4, "reason": "wrong_item"}]),
            format="json",
        )
    number = created.json()["number"]
    base = f"/api/v1/returns/{number}/"
    steps = [
        ("authorize", {"note": "OK"}),
        ("receive", {"lines": [{"sku": "PAPER-A4", "quantity": 4}], "warehouse": "MAD"}),
        (
            "inspect",
            {
                "lines": [
                    {"sku": "PAPER-A4", "condition": "resellable", "quantity": 3},
                    {"sku": "PAPER-A4", "condition": "damaged", "quantity": 1},
                ]
            },
        ),
        ("resolve", {}),
    ]
    for path, payload in steps:
        with flush():
            response = seller.post(base + path + "/", payload, format="json")
        assert response.status_code == 200, (path, response.json())
    data = response.json()
    assert data["status"] == "resuelta" and data["resolution"] == "refund"
    assert data["credit_note"].startswith("AB-")
    assert Decimal(data["refund_total"]) > 0
    assert data["label"].endswith(f"/api/v1/returns/{number}/label.pdf")
    assert [e["kind"] for e in data["events"]] == [
        "requested",
        "authorized",
        "received",
        "inspected",
        "resolved",
    ]
    label = api(company_key, HTTP_ACCEPT_LANGUAGE="en").get(f"/api/v1/returns/{number}/label.pdf")
    assert label.status_code == 200 and label.content[:5] == b"%PDF-"
    credit = api(company_key, HTTP_ACCEPT_LANGUAGE="en").get(data["credit_note_pdf"])
    assert credit.status_code == 200
    assert b"".join(credit.streaming_content)[:5] == b"%PDF-"
    invoices = (
        api(company_key, HTTP_ACCEPT_LANGUAGE="en")
        .get("/api/v1/invoices/?kind=credit_note")
        .json()["results"]
    )
    assert [row["number"] for row in invoices] == [data["credit_note"]]


@pytest.mark.django_db
def test_transition_bad_input(api, seller_key, order, request_return, manager):
    from returns import services

    ret = request_return(order)
    seller = api(seller_key, HTTP_ACCEPT_LANGUAGE="en")
    base = f"/api/v1/returns/{ret.number}/"
    assert seller.post(base + "reject/", {}, format="json").status_code == 400
    assert seller.post(base + "receive/", {}, format="json").status_code == 409
    services.authorize_return(ret=ret, actor=manager)
    response = seller.post(base + "receive/", {"warehouse": "NOPE"}, format="json")
    assert response.status_code == 400 and "warehouse" in response.json()["fields"]
    response = seller.post(
        base + "receive/", {"lines": [{"sku": "DRILL-18V", "quantity": 2}]}, format="json"
    )
    assert response.status_code == 400
    seller.post(base + "receive/", {}, format="json")
    response = seller.post(
        base + "inspect/",
        {"lines": [{"sku": "DRILL-18V", "condition": "resellable", "quantity": 2}]},
        format="json",
    )
    assert response.status_code == 400
    response = seller.post(base + "resolve/", {"resolution": "gift"}, format="json")
    assert response.status_code == 400
    ret.refresh_from_db()
    assert ret.status == "recibida"


@pytest.mark.django_db
def test_list_queries_are_bounded(
    api, seller_key, order, request_return, django_assert_max_num_queries
):
    for _ in range(5):
        request_return(order, lines=[{"sku": "PAPER-A4", "quantity": 1, "reason": "other"}])
    with django_assert_max_num_queries(8):
        response = api(seller_key, HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/returns/")
    assert len(response.json()["results"]) == 5
