"""The complaints services: filing by each kind of filer, the clocks as the services
move them, internal notes kept out of every customer face (timeline, emails, counts),
evidence, claims, escalation once per breach and the SLA targets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone, translation

from complaints import selectors, services
from complaints.errors import ClaimNotPossible, InvalidAttachment, InvalidComplaint, NotAllowed
from complaints.models import (
    Clock,
    ClockMark,
    Complaint,
    ComplaintAlert,
    ComplaintEvent,
    ComplaintStatus,
    SlaTarget,
)
from core.outbox import OutboxEvent
from customers.models import TimelineEntry, Visibility

from .conftest import upload


def published(event_type):
    return list(OutboxEvent.objects.filter(event_type=event_type).order_by("id"))


@pytest.mark.django_db
class TestFiling:
    def test_buyer_files_for_own_company(self, buyer, order, file_complaint):
        complaint = file_complaint(order=order.number, sku="DRILL-18V", files=[upload()])
        assert complaint.company_id == buyer.company_id
        assert complaint.filed_by == buyer and not complaint.on_behalf
        assert complaint.channel == "portal"
        assert complaint.order_line.sku == "DRILL-18V"
        assert complaint.attachments.count() == 1
        assert published("complaint.created")[0].payload["number"] == complaint.number
        entry = (
            TimelineEntry.objects.filter(company=complaint.company, kind="complaint")
            .order_by("created_at", "id")
            .first()
        )
        assert entry.visibility == Visibility.CUSTOMER
        with translation.override("en"):
            assert entry.summary_text == f"Complaint {complaint.number} filed"

    def test_staff_files_on_behalf_and_it_is_recorded(self, service_agent, company, order, flush):
        with flush():
            complaint = services.file_complaint(
                actor=service_agent,
                company=company,
                order=order,
                category="delivery_delay",
                description="Llamó por teléfono",
                priority="high",
            )
        assert complaint.on_behalf and complaint.channel == "backoffice"
        assert complaint.filed_by == service_agent and complaint.priority == "high"

    def test_staff_must_name_the_company(self, service_agent, products):
        with pytest.raises(InvalidComplaint) as error:
            services.file_complaint(actor=service_agent, category="quality", description="x")
        assert "customer" in error.value.fields

    def test_viewer_may_not_file(self, viewer, products):
        with pytest.raises(NotAllowed):
            services.file_complaint(actor=viewer, category="quality", description="x")
        assert not Complaint.objects.exists()

    def test_customer_priority_is_ignored(self, file_complaint, products):
        assert file_complaint(priority="urgent").priority == "normal"

    def test_bad_evidence_refuses_the_whole_filing(self, file_complaint, products):
        with pytest.raises(InvalidComplaint) as error:
            file_complaint(files=[upload("x.png", b"not an image", "image/png")])
        assert "files" in error.value.fields
        assert not Complaint.objects.exists()

    def test_another_companys_order_line_is_unknown(self, other_buyer, order, products):
        line = order.lines.first()
        with pytest.raises(InvalidComplaint) as error:
            services.file_complaint(
                actor=other_buyer, category="quality", description="x", order_line=line.pk
            )
        assert "order_line" in error.value.fields

    def test_sla_target_of_category_and_priority_is_snapshotted(
        self, manager, file_complaint, products
    ):
        services.save_sla_target(
            actor=manager,
            category="damage",
            priority="normal",
            first_response_business_days=1,
            resolution_days=5,
            resolution_in_business_days=True,
        )
        complaint = file_complaint(category="damage")
        assert complaint.first_response_target_days == 1
        assert complaint.resolution_target_days == 5 and complaint.resolution_target_business
        services.save_sla_target(
            actor=manager,
            category="damage",
            priority="normal",
            first_response_business_days=3,
            resolution_days=20,
        )
        complaint.refresh_from_db()
        assert complaint.resolution_target_days == 5  # filed under the old target
        assert SlaTarget.objects.count() == 1

    def test_sla_target_needs_a_manager_and_valid_numbers(self, service_agent, manager):
        with pytest.raises(NotAllowed):
            services.save_sla_target(
                actor=service_agent,
                category="damage",
                priority="normal",
                first_response_business_days=1,
                resolution_days=5,
            )
        with pytest.raises(InvalidComplaint):
            services.save_sla_target(
                actor=manager,
                category="damage",
                priority="normal",
                first_response_business_days=0,
                resolution_days=5,
            )


@pytest.mark.django_db
class TestClocksThroughServices:
    def test_question_pauses_reply_resumes_and_history_is_kept(
        self, order, file_complaint, service_agent, buyer, flush
    ):
        complaint = file_complaint(order=order.number)
        due_before = complaint.resolution_due
        with flush():
            services.post_message(
                complaint=complaint,
                actor=service_agent,
                body="¿Nos manda una foto?",
                awaiting_customer=True,
            )
        complaint.refresh_from_db()
        assert complaint.awaiting_customer and complaint.resolution_due is None
        assert complaint.first_responded_at is not None
        with flush():
            services.post_message(complaint=complaint, actor=buyer, body="Adjunta")
        complaint.refresh_from_db()
        assert not complaint.awaiting_customer
        assert complaint.resolution_due >= due_before
        kinds = list(
            ClockMark.objects.filter(complaint=complaint, clock="resolution").values_list(
                "kind", flat=True
            )
        )
        assert kinds == ["start", "pause", "resume"]
        assert set(
            ClockMark.objects.filter(complaint=complaint, clock="first_response").values_list(
                "kind", flat=True
            )
        ) == {"start", "stop"}

    def test_internal_note_does_not_stop_the_first_response_clock(
        self, order, file_complaint, service_agent, flush
    ):
        complaint = file_complaint(order=order.number)
        with flush():
            services.post_message(
                complaint=complaint, actor=service_agent, body="Nota", internal=True
            )
        complaint.refresh_from_db()
        assert complaint.first_responded_at is None

    def test_resolve_stops_and_reopen_resumes(self, order, file_complaint, walk, buyer, flush):
        complaint = walk(file_complaint(order=order.number), to="resuelta")
        assert complaint.next_due is None
        with flush():
            complaint = services.dispute_resolution(complaint=complaint, actor=buyer, reason="No")
        assert complaint.status == ComplaintStatus.EN_ANALISIS
        assert complaint.resolution_due is not None and complaint.reopen_count == 1

    def test_reopen_closed_only_within_14_days(self, order, file_complaint, walk, buyer, flush):
        from complaints.errors import TransitionNotAllowed

        complaint = walk(file_complaint(order=order.number), to="cerrada")
        Complaint.objects.filter(pk=complaint.pk).update(
            closed_at=timezone.now() - dt.timedelta(days=15)
        )
        complaint.refresh_from_db()
        with pytest.raises(TransitionNotAllowed):
            services.dispute_resolution(complaint=complaint, actor=buyer, reason="Cerrada")
        with pytest.raises(TransitionNotAllowed):
            services.reopen_complaint(complaint=complaint, actor=buyer, reason="Tarde")
        Complaint.objects.filter(pk=complaint.pk).update(
            closed_at=timezone.now() - dt.timedelta(days=13)
        )
        complaint.refresh_from_db()
        with flush():
            complaint = services.reopen_complaint(
                complaint=complaint, actor=buyer, reason="A tiempo"
            )
        assert complaint.status == ComplaintStatus.EN_ANALISIS

    def test_decision_without_reasoning_writes_nothing(
        self, order, file_complaint, walk, service_agent
    ):
        complaint = walk(file_complaint(order=order.number), to="en_analisis")
        events = ComplaintEvent.objects.count()
        with pytest.raises(InvalidComplaint) as error:
            services.decide_complaint(
                complaint=complaint, actor=service_agent, decision="accepted", reasoning=" "
            )
        assert "reasoning" in error.value.fields
        complaint.refresh_from_db()
        assert complaint.status == ComplaintStatus.EN_ANALISIS
        assert ComplaintEvent.objects.count() == events


@pytest.mark.django_db
class TestVisibility:
    def test_internal_note_stays_internal_everywhere(
        self, order, file_complaint, service_agent, flush
    ):
        complaint = file_complaint(order=order.number)
        mail.outbox.clear()
        with flush():
            services.post_message(
                complaint=complaint, actor=service_agent, body="SECRETO-INTERNO", internal=True
            )
            services.post_message(complaint=complaint, actor=service_agent, body="Hola cliente")
        # Email: only the customer-visible reply.
        bodies = " ".join(m.body for m in mail.outbox)
        assert "Hola cliente" in bodies and "SECRETO-INTERNO" not in bodies
        # Customer timeline: the note is staff-only.
        customer = TimelineEntry.objects.filter(
            company=complaint.company, visibility=Visibility.CUSTOMER
        )
        assert not any("SECRETO" in (e.body or "") for e in customer)
        assert TimelineEntry.objects.filter(
            company=complaint.company, visibility=Visibility.STAFF, body="SECRETO-INTERNO"
        ).exists()
        # Selectors of the customer faces, counts included.
        customer_rows = selectors.visible_messages(complaint, customer_view=True)
        assert [m.body for m in customer_rows] == ["Hola cliente"]
        counted = selectors.with_message_counts(
            selectors.complaints_for(complaint.company), customer_view=True
        ).get()
        assert counted.message_count == 1
        detail = selectors.complaint_detail(customer_view=True).get(pk=complaint.pk)
        assert all(e.customer_visible for e in detail.events.all())
        assert [m.body for m in detail.messages.all()] == ["Hola cliente"]
        # Outbox payloads carry no typed note.
        assert "SECRETO" not in str([e.payload for e in OutboxEvent.objects.all()])

    def test_customer_cannot_write_internal_or_ask(self, order, file_complaint, buyer):
        complaint = file_complaint(order=order.number)
        with pytest.raises(InvalidComplaint) as error:
            services.post_message(complaint=complaint, actor=buyer, body="x", internal=True)
        assert "internal" in error.value.fields
        with pytest.raises(InvalidComplaint):
            services.post_message(
                complaint=complaint, actor=buyer, body="x", awaiting_customer=True
            )
        assert not complaint.messages.exists()

    def test_other_company_cannot_see_or_write(self, order, file_complaint, other_buyer):
        complaint = file_complaint(order=order.number)
        with pytest.raises(Complaint.DoesNotExist):
            services.post_message(complaint=complaint, actor=other_buyer, body="x")
        with pytest.raises(Complaint.DoesNotExist):
            services.add_attachment(complaint=complaint, actor=other_buyer, file=upload())

    def test_viewer_may_not_reply(self, order, file_complaint, viewer):
        complaint = file_complaint(order=order.number)
        with pytest.raises(NotAllowed):
            services.post_message(complaint=complaint, actor=viewer, body="x")

    def test_emails_in_the_companys_language(
        self, other_company, other_buyer, delivered, file_complaint, service_agent, flush
    ):
        order = delivered(other_company)
        mail.outbox.clear()
        complaint = file_complaint(actor=other_buyer, order=order.number)
        from notifications.models import SentNotification

        assert [m for m in mail.outbox if complaint.number in m.subject]
        row = SentNotification.objects.get(kind="complaint_received")
        assert row.language == "pl" and row.recipients[0] == other_company.email
        with flush():
            services.post_message(complaint=complaint, actor=service_agent, body="Dzień dobry")
        assert any("Dzień dobry" in m.body for m in mail.outbox)


@pytest.mark.django_db
class TestEvidenceAndClaims:
    def test_closed_complaint_takes_no_more_evidence(self, order, file_complaint, walk, buyer):
        complaint = walk(file_complaint(order=order.number), to="cerrada")
        with pytest.raises(InvalidAttachment):
            services.add_attachment(complaint=complaint, actor=buyer, file=upload())

    def test_customer_cannot_add_internal_files(self, order, file_complaint, buyer):
        complaint = file_complaint(order=order.number)
        with pytest.raises(NotAllowed):
            services.add_attachment(complaint=complaint, actor=buyer, file=upload(), internal=True)

    def test_carrier_claim_is_emailed_with_tracking_and_evidence(
        self, order, file_complaint, service_agent, flush, carrier
    ):
        complaint = file_complaint(order=order.number, category="damage", files=[upload()])
        complaint = services.record_analysis(
            complaint=complaint, actor=service_agent, responsible_party="carrier"
        )
        mail.outbox.clear()
        with flush():
            claim = services.file_carrier_claim(
                complaint=complaint, actor=service_agent, note="Caja aplastada"
            )
        assert claim.kind == "carrier" and claim.deadline is not None and not claim.late
        email = next(m for m in mail.outbox if carrier.claims_email in m.to)
        assert "TRK-REC-1" in email.body and order.number in email.body
        assert len(email.attachments) == 1
        event = complaint.events.get(kind="carrier_claim")
        assert not event.customer_visible

    def test_claim_needs_the_responsible_party_and_an_address(
        self, order, file_complaint, service_agent, carrier
    ):
        from complaints.errors import TransitionNotAllowed

        complaint = file_complaint(order=order.number, category="damage")
        with pytest.raises(TransitionNotAllowed):
            services.file_carrier_claim(complaint=complaint, actor=service_agent)
        complaint = services.record_analysis(
            complaint=complaint, actor=service_agent, responsible_party="carrier"
        )
        carrier.claims_email = ""
        carrier.save()
        with pytest.raises(ClaimNotPossible):
            services.file_carrier_claim(complaint=complaint, actor=service_agent)
        assert not complaint.claims.exists()


@pytest.mark.django_db
class TestEscalation:
    def test_due_today_warns_once_and_breach_escalates_once(
        self, order, file_complaint, service_agent, manager, flush
    ):
        complaint = file_complaint(order=order.number)
        complaint = services.assign_complaint(
            complaint=complaint, actor=service_agent, assignee=service_agent
        )
        due = complaint.first_response_due
        morning = due - dt.timedelta(minutes=30)
        mail.outbox.clear()
        with flush():
            first = services.check_deadlines(now=morning)
            again = services.check_deadlines(now=morning)
        assert first["warned"] >= 1 and again["warned"] == 0
        assert any(service_agent.email in m.to for m in mail.outbox)
        after = due + dt.timedelta(minutes=1)
        mail.outbox.clear()
        with flush():
            escalated = services.check_deadlines(now=after)
            repeated = services.check_deadlines(now=after + dt.timedelta(hours=3))
        assert escalated["escalated"] == 1 and repeated["escalated"] == 0
        assert len(published("complaint.sla_breached")) == 1
        assert ComplaintAlert.objects.filter(complaint=complaint, kind="breached").count() == 1
        assert [m for m in mail.outbox if manager.email in m.to]
        assert selectors.escalation_count() == 0  # the real clock: not overdue yet
        assert selectors.escalations(now=after).count() == 1
        with pytest.raises(NotAllowed):
            services.acknowledge_escalations(complaint=complaint, actor=service_agent)
        assert services.acknowledge_escalations(complaint=complaint, actor=manager) == 1
        assert selectors.escalations(now=after).count() == 0

    def test_a_new_deadline_after_reopening_escalates_again(
        self, order, file_complaint, walk, buyer, flush
    ):
        complaint = file_complaint(order=order.number)
        first_due = complaint.resolution_due
        with flush():
            services.check_deadlines(now=first_due + dt.timedelta(minutes=1))
        assert ComplaintAlert.objects.filter(subject="resolution").count() == 1
        # Deadlines are keyed by their moment: a recomputed one is a new breach.
        complaint = walk(complaint, to="resuelta")
        with flush():
            complaint = services.dispute_resolution(complaint=complaint, actor=buyer, reason="No")
            services.check_deadlines(now=complaint.resolution_due + dt.timedelta(days=1))
        assert ComplaintAlert.objects.filter(subject="resolution").count() == 2

    def test_stopped_clocks_do_not_escalate(self, order, file_complaint, service_agent, flush):
        complaint = file_complaint(order=order.number)
        with flush():
            services.post_message(complaint=complaint, actor=service_agent, body="Hola")
        complaint.refresh_from_db()
        first_response = ClockMark.objects.get(
            complaint=complaint, clock="first_response", kind="start"
        ).at
        with flush():
            counts = services.check_deadlines(now=first_response + dt.timedelta(days=4))
        assert not ComplaintAlert.objects.filter(subject="first_response").exists()
        assert counts["escalated"] <= 1  # the resolution clock is still within 14 days


@pytest.mark.django_db
def test_a_closure_day_added_moves_the_open_complaints_deadlines(file_complaint, order, flush):
    """The calendar changed: ``calendar.closures_changed`` reaches the complaints'
    consumer, which computes every open complaint's clocks again from their history."""
    from core.calendar import add_business_days
    from core.models import ClosureDay

    complaint = file_complaint(order=order.number, sku="DRILL-18V")
    before = complaint.first_response_due
    # The next working day after today is closed: the first response is due a working
    # day later.
    closed = add_business_days(timezone.localdate(), 1)
    with flush():
        ClosureDay.objects.create(date=closed, note="Inventario")
    assert published("calendar.closures_changed")[-1].payload == {"years": [closed.year]}
    complaint.refresh_from_db()
    assert complaint.first_response_due > before
    expected = services.clocks_of(complaint)[Clock.FIRST_RESPONSE].due
    assert complaint.first_response_due == expected


@pytest.mark.django_db
def test_the_beat_task_escalates_a_breach_once_under_a_frozen_clock(
    order, file_complaint, service_agent, manager, flush
):
    """The beat task as beat runs it (no ``now`` given, the clock frozen just after the
    first response was due): one escalation, whatever the number of runs; a second
    beat or a restarted worker finds the alert already there."""
    import time_machine

    from complaints import tasks

    complaint = file_complaint(order=order.number)
    services.assign_complaint(complaint=complaint, actor=service_agent, assignee=service_agent)
    complaint.refresh_from_db()
    with time_machine.travel(complaint.first_response_due + dt.timedelta(minutes=1), tick=False):
        mail.outbox.clear()
        with flush():
            results = [tasks.check_deadlines() for _run in range(3)]
        assert [r["escalated"] for r in results] == [1, 0, 0]
        assert selectors.escalation_count() == 1
        assert len(published("complaint.sla_breached")) == 1
        assert sum(manager.email in m.to for m in mail.outbox) == 1
