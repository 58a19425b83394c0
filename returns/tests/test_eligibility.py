"""Eligibility: the rules, their edge cases and the explanations, in every language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from returns import services
from returns.eligibility import check_eligibility, explain
from returns.errors import NotEligible
from returns.models import ReturnReason

UTC = dt.UTC


def verdict(order, sku, quantity=1, reason="no_longer_needed", at=None):
    [answer] = check_eligibility(
        order=order, lines=[{"sku": sku, "quantity": quantity, "reason": reason}], at=at
    )
    return answer


@pytest.mark.django_db
class TestWindowBoundaryInTheCompanysTimeZone:
    """Delivered 06/11 23:30 UTC: already 07/11 in Madrid and Warsaw. Office supplies
    allow 7 days from the delivery day, so the window closes at the end of 14/11 local
    time, not UTC's 13/11 and not an hour later."""

    DELIVERED = dt.datetime(2026, 11, 6, 23, 30, tzinfo=UTC)

    @pytest.mark.parametrize("which", ["company", "other_company"])
    def test_last_minute_of_the_last_day_is_accepted(self, request, delivered, settings, which):
        settings.TIME_ZONE = "UTC"  # the server's zone must not matter
        order = delivered(request.getfixturevalue(which), delivered_at=self.DELIVERED)
        at = dt.datetime(2026, 11, 14, 22, 59, tzinfo=UTC)  # 23:59 local
        answer = verdict(order, "PAPER-A4", at=at)
        assert answer.eligible, answer.explanation
        with translation.override("en"):
            assert answer.explanation == (
                "Accepted: delivered 7 days ago, Material de oficina allow 7 days."
            )

    @pytest.mark.parametrize("which", ["company", "other_company"])
    def test_first_minute_after_is_refused_with_the_closing_date(
        self, request, delivered, settings, which
    ):
        settings.TIME_ZONE = "UTC"
        order = delivered(request.getfixturevalue(which), delivered_at=self.DELIVERED)
        at = dt.datetime(2026, 11, 14, 23, 1, tzinfo=UTC)  # 00:01 on 15/11 local
        answer = verdict(order, "PAPER-A4", at=at)
        assert not answer.eligible
        assert answer.code == "window_closed"
        with translation.override("en"):
            assert answer.explanation == (
                "Refused: Material de oficina allow 7 days; the window closed on 14/11/2026."
            )

    def test_explanations_read_in_the_readers_language(self, company, delivered):
        order = delivered(company, delivered_at=self.DELIVERED)
        answer = verdict(order, "PAPER-A4", at=dt.datetime(2026, 11, 20, 12, tzinfo=UTC))
        for language in ("es", "en", "pl"):
            with translation.override(language):
                text = explain(answer.as_data())
            assert "14/11/2026" in text and "7" in text


@pytest.mark.django_db
def test_accepted_figures_electronics(company, delivered):
    delivered_at = dt.datetime(2026, 11, 10, 10, tzinfo=UTC)
    order = delivered(company, delivered_at=delivered_at)
    answer = verdict(order, "DRILL-18V", at=dt.datetime(2026, 11, 22, 10, tzinfo=UTC))
    assert answer.eligible
    assert answer.params == {"days": 12, "category": "Electrónica", "window": 14}
    with translation.override("en"):
        assert answer.explanation == "Accepted: delivered 12 days ago, Electrónica allow 14 days."


@pytest.mark.django_db
def test_not_returnable_category_refuses_change_of_mind(order):
    answer = verdict(order, "MUG-LOGO")
    assert (answer.eligible, answer.code) == (False, "not_returnable")
    with translation.override("en"):
        assert answer.explanation == "Refused: Personalizados are not returnable."


@pytest.mark.django_db
def test_seller_fault_reason_on_a_non_returnable_category_uses_the_notice_window(order):
    answer = verdict(order, "MUG-LOGO", reason="defective")
    assert answer.eligible, answer.explanation
    assert answer.code == "accepted_notice"
    assert answer.params["window"] == 30


@pytest.mark.django_db
def test_damage_in_transport_notice_is_seven_days(company, delivered):
    order = delivered(company, delivered_at=dt.datetime(2026, 11, 1, 10, tzinfo=UTC))
    late = dt.datetime(2026, 11, 9, 10, tzinfo=UTC)
    answer = verdict(order, "MUG-LOGO", reason="damaged_in_transport", at=late)
    assert (answer.eligible, answer.code) == (False, "notice_closed")
    with translation.override("en"):
        assert "closed on 08/11/2026" in answer.explanation
    # A seller-fault reason ignores the category window: 8 days is past office's 7.
    assert verdict(order, "PAPER-A4", reason="wrong_item", at=late).eligible


@pytest.mark.django_db
def test_notice_window_is_data(company, delivered):
    order = delivered(company, delivered_at=dt.datetime(2026, 11, 1, 10, tzinfo=UTC))
    at = dt.datetime(2026, 11, 20, 10, tzinfo=UTC)
    assert verdict(order, "PAPER-A4", reason="defective", at=at).eligible
    ReturnReason.objects.filter(code="defective").update(notice_window_days=10)
    assert not verdict(order, "PAPER-A4", reason="defective", at=at).eligible


@pytest.mark.django_db
def test_partial_and_repeated_returns(order, request_return, manager):
    first = request_return(order, lines=[{"sku": "PAPER-A4", "quantity": 3, "reason": "other"}])
    assert first.status == "solicitada"
    answer = verdict(order, "PAPER-A4", quantity=8, reason="other")
    assert (answer.eligible, answer.code) == (False, "quantity_exceeded")
    with translation.override("en"):
        assert answer.explanation == (
            "Refused: 8 requested, but 3 already returned of 10 delivered."
        )
    assert verdict(order, "PAPER-A4", quantity=7, reason="other").eligible
    # A rejected return gives its units back.
    services.reject_return(ret=first, actor=manager, reason="Fuera de política")
    assert verdict(order, "PAPER-A4", quantity=10, reason="other").eligible


@pytest.mark.django_db
def test_bad_lines(order):
    lines = [
        {"sku": "NOPE", "quantity": 1, "reason": "other"},
        {"sku": "DRILL-18V", "quantity": 0, "reason": "other"},
        {"sku": "DRILL-18V", "quantity": -2, "reason": "other"},
        {"sku": "DRILL-18V", "quantity": 3, "reason": "other"},
        {"sku": "PAPER-A4", "quantity": 1, "reason": "because"},
        {"sku": "PAPER-A4", "quantity": "1.5", "reason": "other"},
    ]
    codes = [v.code for v in check_eligibility(order=order, lines=lines)]
    assert codes == [
        "unknown_sku",
        "bad_quantity",
        "bad_quantity",
        "quantity_exceeded",
        "unknown_reason",
        "bad_quantity",
    ]


@pytest.mark.django_db
def test_undelivered_order_is_refused(company, products, manager):
    from orders import services as orders

    order = orders.place_order(
        actor=manager, company=company, lines=[{"sku": "DRILL-18V", "quantity": 1}]
    )
    answer = verdict(order, "DRILL-18V")
    assert (answer.eligible, answer.code) == (False, "not_delivered")


@pytest.mark.django_db
def test_staff_override_a_policy_refusal_with_a_note(order, request_return, service_agent, buyer):
    line = [{"sku": "MUG-LOGO", "quantity": 1, "reason": "no_longer_needed"}]
    with pytest.raises(NotEligible):
        request_return(order, lines=line)
    # A customer cannot override.
    with pytest.raises(services.NotAllowed):
        request_return(order, lines=line, override_note="please")
    ret = request_return(order, lines=line, actor=service_agent, override_note="Cliente VIP")
    stored = ret.lines.get()
    assert stored.eligibility["code"] == "overridden"
    assert stored.eligibility["refused"]["code"] == "not_returnable"
    assert ret.on_behalf
    from core.models import AuditEntry

    assert AuditEntry.objects.filter(object_id=str(stored.pk)).exists()
    assert ret.events.filter(kind="override", note="Cliente VIP").exists()


@pytest.mark.django_db
def test_quantity_above_delivered_cannot_be_overridden(order, request_return, service_agent):
    with pytest.raises(NotEligible):
        request_return(
            order,
            lines=[{"sku": "DRILL-18V", "quantity": 3, "reason": "other"}],
            actor=service_agent,
            override_note="sí",
        )
