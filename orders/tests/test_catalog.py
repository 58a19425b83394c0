"""Coupons and carriers: the services check the actor, validate (the tracking-link rule
lives in the model) and write the audit trail that the edit pages show."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from core.audit import entries_for
from core.models import AuditAction
from orders import services
from orders.errors import InvalidOrder, NotAllowed
from orders.models import Carrier, Coupon

CARRIER = {
    "code": "Nacex",
    "name": "Nacex",
    "tracking_url_template": " https://nacex.example/{tracking} ",
    "transit_days_standard": 2,
    "transit_days_express": 1,
    "active": True,
}


def coupon_fields(**overrides):
    today = dt.date(2026, 1, 1)
    return {
        "code": "spring10",
        "description": "",
        "kind": "percent",
        "value": Decimal("10.00"),
        "minimum_order": Decimal("0"),
        "valid_from": today,
        "valid_until": today + dt.timedelta(days=30),
        "usage_limit": None,
        "active": True,
        **overrides,
    }


@pytest.mark.parametrize(
    "template",
    ["https://nacex.example/track", "javascript:alert('{tracking}')", "ftp://x/{tracking}"],
)
def test_the_tracking_link_rule_is_the_services(db, manager, template):
    with pytest.raises(InvalidOrder) as error:
        services.save_carrier(actor=manager, **{**CARRIER, "tracking_url_template": template})
    assert "tracking_url_template" in error.value.fields
    assert not Carrier.objects.filter(code="nacex").exists()


def test_a_carrier_is_saved_normalised_and_audited(db, manager):
    carrier = services.save_carrier(actor=manager, **CARRIER)
    assert carrier.code == "nacex"
    assert carrier.tracking_url_template == "https://nacex.example/{tracking}"
    services.save_carrier(actor=manager, carrier=carrier, name="Nacex Express")
    entries = list(entries_for(carrier))
    assert [e.action for e in entries] == [AuditAction.CHANGED, AuditAction.CREATED]
    assert entries[0].changes == {"name": ["Nacex", "Nacex Express"]}
    assert entries[0].actor_user == manager


def test_coupon_changes_are_audited(db, service_agent):
    coupon = services.save_coupon(actor=service_agent, **coupon_fields())
    assert coupon.code == "SPRING10"
    services.save_coupon(actor=service_agent, coupon=coupon, value=Decimal("15.00"))
    change = entries_for(coupon)[0]
    assert change.action == AuditAction.CHANGED
    assert change.changes == {"value": ["10.00", "15.00"]}


@pytest.mark.parametrize("who", ["warehouse_worker", "buyer"])
def test_only_editors_change_coupons_and_carriers(db, request, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        services.save_coupon(actor=actor, **coupon_fields())
    with pytest.raises(NotAllowed):
        services.save_carrier(actor=actor, **CARRIER)
    assert not Coupon.objects.exists() and not Carrier.objects.filter(code="nacex").exists()


def test_edit_pages_show_the_audit_trail(db, manager, client_for):
    carrier = services.save_carrier(actor=manager, **CARRIER)
    coupon = services.save_coupon(actor=manager, **coupon_fields())
    client = client_for(manager)
    services.save_carrier(actor=manager, carrier=carrier, name="Nacex Plus")
    page = client.get(reverse("backoffice:carrier_edit", args=[carrier.pk]))
    assert page.status_code == 200 and "audit-trail" in page.text
    assert "<del>Nacex</del> → Nacex Plus" in page.text
    page = client.get(reverse("backoffice:coupon_edit", args=[coupon.pk]))
    assert page.status_code == 200 and "audit-trail" in page.text and "SPRING10" in page.text
    assert "audit-trail" not in client.get(reverse("backoffice:coupon_create")).text
