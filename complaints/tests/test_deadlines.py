"""Legal and claim deadlines per country and flag, with their basis, the managers'
overrides, late notices flagged (never refused) and the warnings before they pass."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone, translation

from complaints import deadlines, services
from complaints.errors import InvalidComplaint, NotAllowed

MADRID = zoneinfo.ZoneInfo("Europe/Madrid")


def codes(complaint, **kwargs):
    return {d.code: d for d in deadlines.legal_deadlines(complaint, **kwargs)}


@pytest.mark.django_db
class TestSellerReply:
    def test_polish_sole_trader_with_consumer_protection_gets_14_days(
        self, other_company, other_buyer, file_complaint, products
    ):
        other_company.consumer_protected = True
        other_company.save()
        complaint = file_complaint(actor=other_buyer)
        found = codes(complaint)
        assert "seller_reply_consumer_pl" in found
        assert "seller_reply_contractual" not in found
        reply = found["seller_reply_consumer_pl"]
        filed = timezone.localtime(complaint.filed_at, MADRID).date()
        assert reply.due.date() == filed + dt.timedelta(days=14)
        assert (reply.due.hour, reply.due.minute) == (23, 59)
        with translation.override("en"):
            assert "561" in str(reply.basis) and "deemed accepted" in str(reply.effect)

    def test_polish_company_without_the_flag_gets_the_contractual_deadline(
        self, other_buyer, file_complaint, products
    ):
        assert "seller_reply_contractual" in codes(file_complaint(actor=other_buyer))

    def test_decision_meets_the_reply_deadline(self, order, file_complaint, walk):
        complaint = walk(file_complaint(order=order.number), to="decidida")
        assert codes(complaint)["seller_reply_contractual"].state == deadlines.MET

    def test_warning_then_passed(self, file_complaint, products):
        complaint = file_complaint()
        due = codes(complaint)["seller_reply_contractual"].due
        assert codes(complaint, now=due - dt.timedelta(days=1))[
            "seller_reply_contractual"
        ].state == (deadlines.WARNING)
        assert codes(complaint, now=due + dt.timedelta(minutes=1))[
            "seller_reply_contractual"
        ].state == (deadlines.PASSED)
        assert codes(complaint, now=due - dt.timedelta(days=5))[
            "seller_reply_contractual"
        ].state == (deadlines.PENDING)


@pytest.mark.django_db
class TestBuyerNotice:
    def test_spain_visible_and_hidden_defects_from_delivery(
        self, company, delivered, file_complaint
    ):
        delivered_at = timezone.now() - dt.timedelta(days=10)
        order = delivered(company, delivered_at=delivered_at)
        complaint = file_complaint(order=order.number)
        found = codes(complaint)
        visible, hidden = found["buyer_notice_es_visible"], found["buyer_notice_es_hidden"]
        delivered_day = timezone.localtime(delivered_at, MADRID).date()
        assert visible.due.date() == delivered_day + dt.timedelta(days=4)
        assert hidden.due.date() == delivered_day + dt.timedelta(days=30)
        # Filed 10 days after delivery: late for a visible defect (flagged), in time for a
        # hidden one; the complaint is accepted all the same.
        assert visible.state == deadlines.LATE
        assert hidden.state == deadlines.MET
        assert complaint.status == "abierta"
        with translation.override("en"):
            assert "336" in str(visible.basis) and "342" in str(hidden.basis)

    def test_defect_kind_narrows_the_window(self, order, file_complaint, service_agent):
        complaint = file_complaint(order=order.number)
        complaint = services.record_analysis(
            complaint=complaint, actor=service_agent, defect_visibility="hidden"
        )
        found = codes(complaint)
        assert "buyer_notice_es_hidden" in found and "buyer_notice_es_visible" not in found

    def test_poland_without_delay_default_14_days(
        self, other_company, other_buyer, delivered, file_complaint
    ):
        order = delivered(other_company)
        complaint = file_complaint(actor=other_buyer, order=order.number)
        notice = codes(complaint)["buyer_notice_pl"]
        assert notice.days == 14 and notice.state == deadlines.MET

    def test_no_order_no_notice_window(self, file_complaint, products):
        found = codes(file_complaint())
        assert not any(code.startswith("buyer_notice") for code in found)


@pytest.mark.django_db
class TestClaims:
    def test_carrier_windows_per_category_and_carrier_setting(
        self, order, file_complaint, service_agent, carrier
    ):
        damage = file_complaint(order=order.number, category="damage")
        assert "carrier_claim_damage" not in codes(damage)  # not the carrier's fault yet
        damage = services.record_analysis(
            complaint=damage, actor=service_agent, responsible_party="carrier"
        )
        claim = codes(damage)["carrier_claim_damage"]
        assert claim.days == 7
        delay = file_complaint(order=order.number, category="delivery_delay")
        delay = services.record_analysis(
            complaint=delay, actor=service_agent, responsible_party="carrier"
        )
        assert codes(delay)["carrier_claim_delay"].days == 21
        carrier.claim_days_damage = 10
        carrier.save()
        damage.order.refresh_from_db()
        damage.order.carrier.refresh_from_db()
        assert codes(damage)["carrier_claim_damage"].days == 10

    def test_supplier_window_and_claim_meets_it(
        self, order, file_complaint, service_agent, flush, supplier
    ):
        from django.core import mail

        complaint = file_complaint(order=order.number, sku="DRILL-18V")
        complaint = services.record_analysis(
            complaint=complaint, actor=service_agent, responsible_party="supplier"
        )
        window = codes(complaint)["supplier_claim"]
        assert window.days == supplier.claim_window_days and window.state == deadlines.PENDING
        mail.outbox.clear()
        with flush():
            claim = services.send_supplier_claim(
                complaint=complaint, actor=service_agent, note="Lote 2026-11"
            )
        assert claim.recipient == supplier.claims_email and not claim.late
        complaint.refresh_from_db()
        assert codes(complaint)["supplier_claim"].state == deadlines.MET
        sent = [m for m in mail.outbox if supplier.claims_email in m.to]
        assert len(sent) == 1 and complaint.number in sent[0].subject
        assert "Lote 2026-11" in sent[0].body


@pytest.mark.django_db
class TestOverrides:
    def test_manager_changes_days_and_basis_or_switches_off(
        self, manager, file_complaint, products
    ):
        services.save_deadline_rule(
            actor=manager, code="seller_reply_contractual", days=30, basis="Terms §7"
        )
        complaint = file_complaint()
        reply = codes(complaint)["seller_reply_contractual"]
        assert reply.days == 30 and reply.basis == "Terms §7"
        services.save_deadline_rule(
            actor=manager, code="seller_reply_contractual", days=30, active=False
        )
        assert "seller_reply_contractual" not in codes(complaint)

    def test_only_managers_and_valid_values(self, service_agent, manager):
        with pytest.raises(NotAllowed):
            services.save_deadline_rule(actor=service_agent, code="buyer_notice_pl", days=7)
        with pytest.raises(InvalidComplaint):
            services.save_deadline_rule(actor=manager, code="nope", days=7)
        with pytest.raises(InvalidComplaint):
            services.save_deadline_rule(actor=manager, code="buyer_notice_pl", days=0)
