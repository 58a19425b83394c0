"""The back-office complaint pages: the desk (tabs, countdown, bulk assignment), the
register (filters, CSV), a complaint's page (clocks, deadlines, messages, evidence,
actions through their forms), filing on a customer's behalf, the SLA targets editor,
the breakdown chart, the menu badge and the slots on the company and order pages."""

# ruff: noqa: F811 - the fixtures imported below are requested by name
import csv
import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.urls import reverse

from complaints.models import Complaint, ComplaintMessage, SlaTarget
from customers.tests.factories import CompanyFactory, CustomerUserFactory

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


def _csv(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_renders_in_every_language(client_for, manager, complaint, language):
    client = client_in(client_for, manager, language)
    for name in (
        "complaint_desk",
        "complaint_list",
        "complaint_stats",
        "complaint_sla_targets",
        "complaint_deadline_rules",
        "complaint_create",
    ):
        response = client.get(reverse(f"backoffice:{name}"))
        assert response.status_code == 200, name
    detail = client.get(reverse("backoffice:complaint_detail", args=[complaint.number]))
    assert detail.status_code == 200
    assert complaint.number in detail.text
    assert 'data-action="start_analysis"' in detail.text
    assert 'data-clock="first_response"' in detail.text
    assert 'id="legal-deadlines"' in detail.text


def test_carrier_claim_from_the_page_with_its_deadline_and_log(
    client_for, manager, complaint, perform
):
    from orders.models import Carrier

    Carrier.objects.filter(code="seur").update(claims_email="claims@seur.example")
    complaint = perform(
        complaint,
        "record_analysis",
        root_cause="Crushed in transit",
        responsible_party="carrier",
        corrective_action="",
        priority="high",
        defect_visibility="visible",
    )
    client = client_in(client_for, manager)
    url = reverse("backoffice:complaint_detail", args=[complaint.number])
    html = client.get(url).text
    assert 'data-deadline="carrier_claim_damage"' in html
    assert 'data-deadline="buyer_notice_es_visible"' in html
    assert 'data-action="carrier_claim"' in html
    response = client.post(
        reverse("backoffice:complaint_action", args=[complaint.number, "carrier_claim"]),
        {"carrier_claim-note": "Photos attached"},
    )
    assert response.status_code == 302
    html = client.get(url).text
    assert 'data-claim="carrier"' in html and "claims@seur.example" in html


def test_desk_tabs_and_countdown(
    client_for, manager, service_agent, file_complaint, order, perform
):
    mine = file_complaint(order=order)
    perform(mine, "assign", assignee=service_agent)
    waiting = file_complaint(order=order, description="Where is the invoice?")
    client = client_in(client_for, service_agent)
    url = reverse("backoffice:complaint_desk")

    def listed(tab):
        html = client.get(url, {"tab": tab}).text
        return {c.number for c in (mine, waiting) if c.number in html}

    assert listed("open") == {mine.number, waiting.number}
    assert listed("mine") == {mine.number}
    assert listed("unassigned") == {waiting.number}
    assert listed("breached") == set()
    from complaints import services

    services.post_message(
        complaint=waiting,
        actor=manager,
        body="Which invoice?",
        internal=False,
        awaiting_customer=True,
    )
    assert listed("awaiting") == {waiting.number}
    html = client.get(url).text
    assert 'data-clock="first_response"' in html and 'data-state="ok"' in html
    # A passed deadline: the row turns red and the breached tab lists it.
    Complaint.objects.filter(pk=mine.pk).update(next_due=mine.filed_at - dt.timedelta(hours=1))
    assert listed("breached") == {mine.number}


def test_desk_tabs_due_today_and_one_per_open_state(
    client_for, service_agent, file_complaint, order, perform
):
    from django.utils import timezone

    from core import calendar

    today, tomorrow, analysed = (file_complaint(order=order) for _n in range(3))
    perform(analysed, "start_analysis")
    now = timezone.now()
    midnight = timezone.localtime(now, calendar.time_zone()).replace(
        hour=0, minute=0, second=0, microsecond=0
    ) + dt.timedelta(days=1)
    # Due before the seller's midnight, and just after it.
    Complaint.objects.filter(pk=today.pk).update(next_due=now + (midnight - now) / 2)
    Complaint.objects.filter(pk=tomorrow.pk).update(next_due=midnight + dt.timedelta(minutes=1))
    Complaint.objects.filter(pk=analysed.pk).update(next_due=midnight + dt.timedelta(days=3))
    client = client_in(client_for, service_agent)
    url = reverse("backoffice:complaint_desk")

    def listed(tab):
        page = client.get(url, {"tab": tab})
        assert page.status_code == 200
        return {c.number for c in (today, tomorrow, analysed) if c.number in page.text}

    assert listed("due_today") == {today.number}
    assert listed("abierta") == {today.number, tomorrow.number}
    assert listed("en_analisis") == {analysed.number}
    assert listed("decidida") == set()
    tabs = {tab["key"]: tab["count"] for tab in client.get(url).context["tabs"]}
    assert (tabs["due_today"], tabs["abierta"], tabs["en_analisis"]) == (1, 2, 1)


def test_a_breached_clock_is_red_on_the_desk(client_for, manager, complaint):
    from complaints.models import ClockMark

    ClockMark.objects.filter(complaint=complaint).update(
        at=complaint.filed_at - dt.timedelta(days=30)
    )
    html = client_in(client_for, manager).get(reverse("backoffice:complaint_desk")).text
    assert 'data-state="over"' in html
    assert "table-danger" in html
    assert "overdue" in html


def test_bulk_assignment(client_for, manager, service_agent, file_complaint, order):
    first, second = file_complaint(order=order), file_complaint(order=order)
    client = client_in(client_for, manager)
    response = client.post(
        reverse("backoffice:complaint_bulk_assign"),
        {"complaints": [first.number, second.number], "assignee": service_agent.pk},
    )
    assert response.status_code == 302
    assert set(Complaint.objects.values_list("assignee", flat=True)) == {service_agent.pk}
    nothing = client.post(reverse("backoffice:complaint_bulk_assign"), {"assignee": ""})
    assert nothing.status_code == 302
    assert set(Complaint.objects.values_list("assignee", flat=True)) == {service_agent.pk}


def test_the_warehouse_reads_but_does_not_assign(client_for, warehouse_worker, complaint):
    client = client_in(client_for, warehouse_worker)
    assert client.get(reverse("backoffice:complaint_desk")).status_code == 200
    response = client.post(
        reverse("backoffice:complaint_bulk_assign"),
        {"complaints": [complaint.number], "assignee": warehouse_worker.pk},
    )
    assert response.status_code == 403
    assert Complaint.objects.get().assignee is None


def test_register_filters_and_csv(client_for, manager, file_complaint, order, delivered, walk):
    other_company = CompanyFactory(legal_name="Otra Empresa S.L.")
    other_buyer = CustomerUserFactory(company=other_company, role="buyer")
    first = file_complaint(order=order, sku="DRILL-18V", category="damage")
    second = file_complaint(
        actor=other_buyer,
        order=delivered(other_company),
        category="invoicing",
        description="Wrong VAT",
    )
    walk(second, to="decidida")
    client = client_in(client_for, manager)
    url = reverse("backoffice:complaint_list")

    def numbers(**query):
        html = client.get(url, query).text
        return {c.number for c in (first, second) if c.number in html}

    assert numbers() == {first.number, second.number}
    assert numbers(company=other_company.pk) == {second.number}
    assert numbers(category="invoicing") == {second.number}
    assert numbers(status="decidida") == {second.number}
    assert numbers(open="1") == {first.number, second.number}
    assert numbers(decision="accepted") == {second.number}
    assert numbers(q="DRILL") == {first.number}
    assert numbers(priority="urgent") == set()
    assert numbers(filed_after="2999-01-01") == set()
    assert numbers(status="nonsense") == set()
    rows = _csv(client.get(url, {"export": "csv", "category": "damage"}))
    assert rows[0][:3] == ["number", "customer", "order"]
    assert [row[0] for row in rows[1:]] == [first.number]


def test_detail_shows_messages_with_internal_notes_marked(client_for, manager, complaint):
    from complaints import services

    services.post_message(
        complaint=complaint, actor=manager, body="Checking with the carrier.", internal=True
    )
    services.post_message(complaint=complaint, actor=manager, body="We are on it.")
    html = (
        client_in(client_for, manager)
        .get(reverse("backoffice:complaint_detail", args=[complaint.number]))
        .text
    )
    assert "Checking with the carrier." in html and "We are on it." in html
    assert 'data-internal="true"' in html and "Internal note" in html


@pytest.mark.parametrize(
    "kind, internal, awaiting",
    [("reply", False, False), ("question", False, True), ("note", True, False)],
)
def test_staff_message_kinds(client_for, manager, complaint, kind, internal, awaiting):
    client = client_in(client_for, manager)
    url = reverse("backoffice:complaint_message", args=[complaint.number])
    response = client.post(url, {"body": "Could you send a photo of the label?", "kind": kind})
    assert response.status_code == 302
    message = ComplaintMessage.objects.get(complaint=complaint, from_staff=True)
    assert (message.internal, message.awaiting_customer) == (internal, awaiting)
    assert Complaint.objects.get().awaiting_customer is awaiting


def test_an_empty_message_is_refused_in_the_readers_language(client_for, manager, complaint):
    client = client_in(client_for, manager, "es")
    url = reverse("backoffice:complaint_message", args=[complaint.number])
    response = client.post(url, {"body": "   ", "kind": "reply"})
    assert response.status_code == 400
    assert "Escribe un mensaje." in response.text or "obligatorio" in response.text
    assert not ComplaintMessage.objects.filter(from_staff=True).exists()


def test_actions_through_their_forms(client_for, manager, complaint):
    client = client_in(client_for, manager)
    action = lambda name: reverse("backoffice:complaint_action", args=[complaint.number, name])  # noqa: E731
    assert client.post(action("start_analysis"), {}).status_code == 302
    refused = client.post(action("decide"), {"decide-decision": "accepted", "decide-reasoning": ""})
    assert refused.status_code == 400
    assert Complaint.objects.get().status == "en_analisis"
    done = client.post(
        action("decide"), {"decide-decision": "accepted", "decide-reasoning": "Carrier damage."}
    )
    assert done.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "decidida" and complaint.decision_reasoning == "Carrier damage."
    out_of_order = client.post(action("close"), {})
    assert out_of_order.status_code in (400, 409)
    assert Complaint.objects.get().status == "decidida"
    assert client.post(action("nonsense"), {}).status_code == 404


def test_evidence_thumbnail_and_download(client_for, manager, buyer, complaint):
    from complaints import services

    attachment = services.add_attachment(complaint=complaint, actor=buyer, file=photo())
    client = client_in(client_for, manager)
    html = client.get(reverse("backoffice:complaint_detail", args=[complaint.number])).text
    url = reverse("backoffice:complaint_attachment", args=[complaint.number, attachment.pk])
    assert f'src="{url}?inline=1"' in html
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"
    inline = client.get(url, {"inline": "1"})
    assert inline["Content-Disposition"].startswith("inline")
    wrong = reverse("backoffice:complaint_attachment", args=["REC-2000-000000", attachment.pk])
    assert client.get(wrong).status_code == 404
    customer = client_in(client_for, buyer)
    assert customer.get(url).status_code == 404


def test_file_on_the_customers_behalf(
    client_for, service_agent, company, other_company, order, delivered
):
    client = client_in(client_for, service_agent)
    url = reverse("backoffice:complaint_create")
    step = client.get(url, {"company": company.pk})
    assert step.status_code == 200 and 'name="description"' in step.text
    foreign = delivered(other_company)
    refused = client.post(
        url,
        {
            "company_id": company.pk,
            "order": foreign.number,
            "category": "damage",
            "priority": "high",
            "description": "Broken",
        },
    )
    assert refused.status_code == 400
    assert not Complaint.objects.exists()
    response = client.post(
        url,
        {
            "company_id": company.pk,
            "order": order.number,
            "sku": "DRILL-18V",
            "category": "damage",
            "priority": "high",
            "description": "Broken on arrival",
            "files": [photo()],
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.company == company and complaint.priority == "high"
    assert complaint.on_behalf and complaint.attachments.count() == 1
    assert response["Location"] == reverse("backoffice:complaint_detail", args=[complaint.number])


def test_filing_with_a_wrong_file_writes_nothing(client_for, service_agent, company):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_in(client_for, service_agent).post(
        reverse("backoffice:complaint_create"),
        {
            "company_id": company.pk,
            "category": "service",
            "priority": "normal",
            "description": "Rude driver",
            "files": [SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="image/png")],
        },
    )
    assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_the_warehouse_may_not_file(client_for, warehouse_worker):
    client = client_in(client_for, warehouse_worker)
    assert client.get(reverse("backoffice:complaint_create")).status_code == 403


def test_sla_targets_editor(client_for, manager, service_agent):
    url = reverse("backoffice:complaint_sla_targets")
    page = client_in(client_for, service_agent).get(url)
    assert page.status_code == 200 and 'data-category="damage"' in page.text
    assert client_in(client_for, service_agent).post(url, {}).status_code == 403
    client = client_in(client_for, manager)
    form = client.get(url).context["form"]
    data = {name: field.initial for name, field in form.fields.items() if field.initial}
    data["damage__urgent__first"] = 1
    data["damage__urgent__res"] = 5
    data["damage__urgent__business"] = "on"
    assert client.post(url, data).status_code == 302
    assert SlaTarget.objects.count() == 1
    target = SlaTarget.objects.get(category="damage", priority="urgent")
    assert (target.first_response_business_days, target.resolution_days) == (1, 5)
    assert target.resolution_in_business_days is True
    data["damage__urgent__res"] = 0
    invalid = client.post(url, data)
    assert invalid.status_code == 400
    assert SlaTarget.objects.get(category="damage", priority="urgent").resolution_days == 5


def test_breakdown_chart_and_table(client_for, manager, file_complaint, order, perform):
    first = file_complaint(order=order, category="damage")
    file_complaint(order=order, category="damage")
    file_complaint(order=order, category="invoicing")
    perform(
        first,
        "record_analysis",
        root_cause="Loose packing",
        responsible_party="carrier",
        corrective_action="More padding",
    )
    html = client_in(client_for, manager).get(reverse("backoffice:complaint_stats")).text
    assert "<svg" in html and 'id="category-chart"' in html
    assert '<g data-key="damage" data-value="2">' in html
    assert '<tr data-key="carrier"><td>Carrier</td><td class="text-end">1</td>' in html
    assert "Loose packing" in html
    empty = client_in(client_for, manager).get(
        reverse("backoffice:complaint_stats"), {"date_from": "2999-01-01"}
    )
    assert "No complaints in this period." in empty.text


def test_bad_date_range_is_a_message_not_an_error(client_for, manager):
    response = client_in(client_for, manager).get(
        reverse("backoffice:complaint_stats"), {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert response.status_code == 200
    assert "The end date is before the start date." in response.text


def test_menu_badge_counts_complaints_waiting_for_staff_and_is_cached(
    client_for, manager, complaint, django_assert_num_queries
):
    from core.navigation import backoffice_menu

    cache.clear()
    badges = {entry["key"]: entry["badge"] for entry in backoffice_menu(manager)}
    assert badges["complaints"]["count"] == 1
    with django_assert_num_queries(0):
        badges = {entry["key"]: entry["badge"] for entry in backoffice_menu(manager)}
    assert badges["complaints"]["count"] == 1


def test_slots_on_the_company_and_order_pages(client_for, service_agent, company, order, complaint):
    client = client_in(client_for, service_agent)
    company_page = client.get(reverse("backoffice:customer_detail", args=[company.pk])).text
    assert 'id="company-complaints"' in company_page and complaint.number in company_page
    assert 'id="complaints-open-badge"' in company_page
    order_page = client.get(reverse("backoffice:order_detail", args=[order.number])).text
    assert 'id="order-complaints"' in order_page and complaint.number in order_page


@pytest.mark.parametrize("name", ["complaint_desk", "complaint_list"])
def test_lists_cost_the_same_for_2_and_20_complaints(
    client_for, manager, file_complaint, order, name, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_in(client_for, manager)
    url = reverse(f"backoffice:{name}")
    for _ in range(2):
        file_complaint(order=order)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for _ in range(18):
        file_complaint(order=order)
    with django_assert_max_num_queries(len(small)):
        response = client.get(url)
    assert response.text.count("REC-") >= 20


@pytest.mark.parametrize("state", ["abierta", "en_analisis", "decidida", "resuelta", "cerrada"])
def test_the_page_of_a_complaint_in_every_state(
    client_for, manager, buyer, complaint, walk, perform, state
):
    if state != "abierta":
        complaint = walk(complaint, to=state)
    if state == "cerrada":
        complaint = perform(complaint, "rate", actor=buyer, score=4, comment="Bien")
    for language in ("es", "pl"):
        staff = client_in(client_for, manager, language).get(
            reverse("backoffice:complaint_detail", args=[complaint.number])
        )
        assert staff.status_code == 200
        assert f'data-status="{state}"' in staff.text
        assert ">None<" not in staff.text and "None " not in staff.text
    customer = client_in(client_for, buyer, "pl").get(
        reverse("portal:complaint_detail", args=[complaint.number])
    )
    assert customer.status_code == 200 and ">None<" not in customer.text
    if state == "cerrada":
        assert 'id="rating"' in staff.text and 'id="rating"' in customer.text


def test_every_demo_complaint_renders_on_both_faces(client_for, manager):
    from django.core.management import call_command

    from customers.models import User

    call_command("seed_demo", stdout=io.StringIO())
    staff = client_in(client_for, manager, "es")
    for tab in ("open", "mine", "unassigned", "due_today", "due_soon", "breached", "awaiting"):
        assert staff.get(reverse("backoffice:complaint_desk"), {"tab": tab}).status_code == 200
    assert staff.get(reverse("backoffice:complaint_stats")).status_code == 200
    complaints = list(Complaint.objects.select_related("company"))
    assert {c.status for c in complaints} >= {
        "abierta",
        "en_analisis",
        "decidida",
        "resuelta",
        "cerrada",
    }
    for complaint in complaints:
        page = staff.get(reverse("backoffice:complaint_detail", args=[complaint.number]))
        assert page.status_code == 200, complaint.number
    for complaint in complaints:
        user = User.objects.filter(company=complaint.company, is_active=True).first()
        if user is None:
            continue
        page = client_in(client_for, user, "pl").get(
            reverse("portal:complaint_detail", args=[complaint.number])
        )
        assert page.status_code == 200, complaint.number


def test_deadline_rules_editor(client_for, manager, service_agent, complaint):
    from complaints.models import DeadlineRule

    url = reverse("backoffice:complaint_deadline_rules")
    page = client_in(client_for, service_agent).get(url)
    assert page.status_code == 200 and 'data-rule="buyer_notice_es_visible"' in page.text
    assert "not legal advice" in page.text
    refused = client_in(client_for, service_agent).post(
        url, {"code": "buyer_notice_es_visible", "buyer_notice_es_visible-days": "5"}
    )
    assert refused.status_code == 403
    client = client_in(client_for, manager)
    invalid = client.post(
        url,
        {
            "code": "buyer_notice_es_visible",
            "buyer_notice_es_visible-days": "0",
            "buyer_notice_es_visible-active": "on",
        },
    )
    assert invalid.status_code == 400 and not DeadlineRule.objects.exists()
    assert client.post(url, {"code": "nonsense"}).status_code == 400
    saved = client.post(
        url,
        {
            "code": "buyer_notice_es_visible",
            "buyer_notice_es_visible-days": "6",
            "buyer_notice_es_visible-basis": "Our own terms, clause 9.",
            "buyer_notice_es_visible-active": "on",
        },
    )
    assert saved.status_code == 302
    rule = DeadlineRule.objects.get(code="buyer_notice_es_visible")
    assert (rule.days, rule.basis, rule.active) == (6, "Our own terms, clause 9.", True)
    detail = client.get(reverse("backoffice:complaint_detail", args=[complaint.number])).text
    assert "Our own terms, clause 9." in detail
