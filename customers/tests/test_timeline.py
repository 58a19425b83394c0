"""The company page's timeline: filters by kind, links to what each entry is about."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.backoffice.views import TIMELINE_FILTERS
from customers.models import TimelineKind
from customers.selectors import PORTAL_SUBJECTS, TIMELINE_GROUPS, with_subject_links
from customers.services import append_timeline
from dashboard.tests.builders import madrid, make_complaint, make_order, make_return
from documents.models import Invoice, InvoiceKind

from .factories import CompanyFactory

pytestmark = pytest.mark.django_db


def page(company) -> str:
    return reverse("backoffice:customer_detail", args=[company.pk])


def entry(company, kind, summary, subject=None, **fields):
    return append_timeline(company=company, kind=kind, summary=summary, subject=subject, **fields)


@pytest.fixture
def story(company, buyer):
    """One entry of each kind, each about its object where it has one."""
    order = make_order(company, placed=madrid(2026, 3, 2))
    ret = make_return(order, requested=madrid(2026, 3, 3))
    complaint = make_complaint(company, filed=madrid(2026, 3, 4))
    entry(company, TimelineKind.ORDER, f"Order {order.number} placed", order)
    entry(company, TimelineKind.EMAIL, "Email sent: your invitation", buyer)
    entry(company, TimelineKind.RETURN, f"Return {ret.number} requested", ret)
    entry(company, TimelineKind.COMPLAINT, f"Complaint {complaint.number} filed", complaint)
    entry(company, TimelineKind.NOTE, "A note")
    entry(company, TimelineKind.CALL, "A call")
    entry(company, TimelineKind.MEETING, "A meeting")
    entry(company, TimelineKind.ACCOUNT, "Customer created")
    return {"order": order, "return": ret, "complaint": complaint}


def summaries(response) -> list[str]:
    return [item.summary for item in response.context["timeline"]]


def test_every_kind_has_a_filter_and_every_filter_a_label():
    assert {kind for kinds in TIMELINE_GROUPS.values() for kind in kinds} == set(
        TimelineKind.values
    )
    assert set(TIMELINE_FILTERS) == {"", *TIMELINE_GROUPS}


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("orders", ["Order"]),
        ("emails", ["Email sent"]),
        ("returns", ["Return"]),
        ("complaints", ["Complaint"]),
        ("notes", ["A meeting", "A call", "A note"]),
        ("account", ["Customer created"]),
    ],
)
def test_filter_by_kind(client_for, manager, company, story, kind, expected):
    response = client_for(manager).get(page(company), {"kind": kind}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    shown = summaries(response)
    assert len(shown) == len(expected)
    assert all(text.startswith(start) for text, start in zip(shown, expected, strict=True))
    html = response.content.decode()
    assert f'data-kind="{kind}" aria-current="page"' in html


def test_tabs_count_their_entries_and_keep_the_other_parameters(
    client_for, manager, company, story
):
    response = client_for(manager).get(page(company), {"c360_range": "7d"})
    counts = {tab["key"]: tab["count"] for tab in response.context["timeline_tabs"]}
    assert counts == {
        "all": 8,
        "orders": 1,
        "emails": 1,
        "returns": 1,
        "complaints": 1,
        "notes": 3,
        "account": 1,
    }
    html = response.content.decode()
    assert f'href="{page(company)}?c360_range=7d&amp;kind=returns#timeline"' in html
    assert f'href="{page(company)}?c360_range=7d#timeline" data-kind="all"' in html
    assert len(summaries(response)) == 8


def test_an_empty_filter_says_so(client_for, manager, company):
    entry(company, TimelineKind.NOTE, "Only a note")
    response = client_for(manager).get(
        page(company), {"kind": "complaints"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    html = response.content.decode()
    assert summaries(response) == []
    assert "Nothing under “Complaints” in this customer's timeline yet." in html
    empty = CompanyFactory()
    html = client_for(manager).get(page(empty), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Nothing in this customer's timeline yet." in html


def test_an_unknown_filter_shows_everything_and_says_so(client_for, manager, company, story):
    response = client_for(manager).get(
        page(company), {"kind": "<script>"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert len(summaries(response)) == 8
    html = response.content.decode()
    assert "Unknown filter: showing every entry." in html
    assert "<script>" not in html.split('id="timeline"')[1].split("</nav>")[0]


def test_the_newest_hundred_entries_per_filter(client_for, manager, company):
    base = madrid(2026, 1, 1)
    for n in range(105):
        entry(company, TimelineKind.NOTE, f"note {n}", at=base + dt.timedelta(minutes=n))
    entry(company, TimelineKind.ORDER, "an order", at=base)
    response = client_for(manager).get(page(company), {"kind": "notes"}, HTTP_ACCEPT_LANGUAGE="en")
    shown = summaries(response)
    assert len(shown) == 100
    assert shown[0] == "note 104" and shown[-1] == "note 5"
    assert "Showing the newest 100 entries." in response.content.decode()
    response = client_for(manager).get(page(company), {"kind": "orders"})
    assert summaries(response) == ["an order"]
    assert 'id="timeline-limited"' not in response.content.decode()


def test_entries_link_to_their_subjects(client_for, manager, company, story):
    html = client_for(manager).get(page(company)).content.decode()
    order, ret, complaint = story["order"], story["return"], story["complaint"]
    assert (
        f'<a class="text-nowrap" href="/backoffice/orders/{order.number}/">{order.number}</a>'
        in html
    )
    assert f'href="/backoffice/returns/{ret.number}/">{ret.number}</a>' in html
    assert f'href="/backoffice/complaints/{complaint.number}/">{complaint.number}</a>' in html
    # A user (an invitation email) has no page of its own: no link.
    assert "Email sent: your invitation</strong>" in html


def test_an_invoice_links_to_its_orders_page(company):
    order = make_order(company, placed=madrid(2026, 3, 2))
    invoice = Invoice.objects.create(
        kind=InvoiceKind.INVOICE,
        number="FV-2026-777001",
        order=order,
        company=company,
        issued_at=madrid(2026, 3, 2),
        issue_date=dt.date(2026, 3, 2),
        due_date=dt.date(2026, 4, 1),
        language="es",
        currency="EUR",
        seller={},
        customer={},
        order_number=order.number,
        payment_terms="net30",
        subtotal=Decimal("1.00"),
        discount=Decimal("0.00"),
        shipping=Decimal("0.00"),
        tax=Decimal("0.00"),
        total=Decimal("1.00"),
    )
    entry(company, TimelineKind.ORDER, "Invoice FV-2026-777001 issued", invoice)
    (linked,) = with_subject_links(company.timeline.all())
    assert linked.subject_reference == "FV-2026-777001"
    assert linked.subject_url == f"/backoffice/orders/{order.number}/"


def test_another_companys_object_is_never_linked(company, other_company):
    theirs = make_order(other_company, placed=madrid(2026, 3, 2))
    entry(company, TimelineKind.ORDER, f"About {theirs.number}", theirs)
    (linked,) = with_subject_links(company.timeline.all())
    assert (linked.subject_reference, linked.subject_url) == ("", "")


def test_portal_links_to_the_customers_own_pages(client_for, buyer, company):
    order = make_order(company, placed=madrid(2026, 3, 2))
    ret = make_return(order, requested=madrid(2026, 3, 3))
    entry(company, TimelineKind.RETURN, f"Return {ret.number}", ret, visibility="customer")
    entry(company, TimelineKind.ORDER, f"Order {order.number}", order, visibility="customer")
    html = client_for(buyer).get(reverse("portal:home")).content.decode()
    assert f'href="/portal/returns/{ret.number}/">{ret.number}</a>' in html
    assert f'href="/portal/orders/{order.number}/">{order.number}</a>' in html
    assert "/backoffice/" not in html
    assert set(PORTAL_SUBJECTS) <= {"orders.order", "returns.return", "complaints.complaint"}


def test_links_cost_one_query_per_kind_of_subject(company, django_assert_max_num_queries):
    for day in range(1, 21):
        order = make_order(company, placed=madrid(2026, 3, day))
        ret = make_return(order, requested=madrid(2026, 3, day, 12))
        entry(company, TimelineKind.ORDER, order.number, order)
        entry(company, TimelineKind.RETURN, ret.number, ret)
        entry(
            company,
            TimelineKind.COMPLAINT,
            "c",
            make_complaint(company, filed=madrid(2026, 3, day)),
        )
    with_subject_links(company.timeline.all())  # warm the content types' cache
    with django_assert_max_num_queries(4):  # the entries, orders, returns, complaints
        entries = with_subject_links(company.timeline.all())
    assert len(entries) == 60
    assert all(item.subject_url for item in entries)


def test_timeline_queries_do_not_grow_with_entries(client_for, manager, company):
    client = client_for(manager)

    def queries(kind):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page(company), {"kind": kind}).status_code == 200
        return len(captured)

    order = make_order(company, placed=madrid(2026, 3, 1))
    entry(company, TimelineKind.ORDER, order.number, order)
    client.get(page(company))
    few = queries("orders")
    for day in range(2, 29):
        order = make_order(company, placed=madrid(2026, 3, day))
        entry(company, TimelineKind.ORDER, order.number, order)
    assert queries("orders") == few


def test_htmx_note_returns_the_tabs_with_the_new_note(client_for, service_agent, company):
    response = client_for(service_agent).post(
        reverse("backoffice:customer_note_create", args=[company.pk]),
        {"kind": "call", "summary": "Called about prices", "visibility": "staff"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert 'id="timeline-filters"' in html
    assert f'href="{page(company)}?kind=notes#timeline"' in html
    assert summaries(response) == ["Called about prices"]


@pytest.mark.parametrize("role_fixture", ["customer_admin", "buyer", "viewer"])
def test_customer_users_never_reach_a_filtered_timeline(request, client_for, company, role_fixture):
    entry(company, TimelineKind.NOTE, "Internal: slow payer")
    response = client_for(request.getfixturevalue(role_fixture)).get(
        page(company), {"kind": "notes"}
    )
    assert response.status_code == 404
    assert b"slow payer" not in response.content


@pytest.mark.parametrize("language", ["es", "en", "pl"])
def test_filters_render_in_every_language(client_for, manager, company, story, language):
    response = client_for(manager).get(
        page(company), {"kind": "notes"}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert html.count('class="nav-link py-1 px-2') == 7
