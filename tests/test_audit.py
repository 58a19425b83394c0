"""The audit trail helpers: what an entry holds for a person, a key and the system."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from core import audit
from core.actors import actor_label
from core.models import AuditAction, AuditEntry
from customers.tests.factories import CompanyFactory


class _Key:
    """An API key as ``core`` sees one (it imports no key model)."""

    is_api_key = True
    pk = 41
    name = "ERP"
    company_id = None
    revoked_at = None


@pytest.mark.django_db
def test_change_records_only_changed_fields_with_before_and_after(manager):
    company = CompanyFactory(credit_limit=Decimal("1000.00"))
    before = audit.snapshot(company)
    company.credit_limit = Decimal("2500.00")
    company.save()

    entry = audit.record_change(actor=manager, instance=company, before=before)

    assert entry.action == AuditAction.CHANGED
    assert entry.changes == {"credit_limit": ["1000.00", "2500.00"]}
    assert entry.actor_user == manager
    assert entry.actor_label == str(manager)
    assert entry.object_repr == str(company)
    assert list(audit.entries_for(company)) == [entry]


@pytest.mark.django_db
def test_change_without_difference_writes_nothing(manager):
    company = CompanyFactory()
    before = audit.snapshot(company)
    company.save()
    assert audit.record_change(actor=manager, instance=company, before=before) is None
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_key_and_system_actors_are_named():
    company = CompanyFactory()
    by_key = audit.record_created(actor=_Key(), instance=company)
    by_system = audit.record_deleted(actor=None, instance=company)

    assert (by_key.actor_user, by_key.actor_key_id) == (None, 41)
    assert by_key.actor_label == actor_label(_Key())
    assert by_key.changes["legal_name"] == [None, company.legal_name]
    assert by_system.actor_label == actor_label(None)
    assert by_system.changes["legal_name"] == [company.legal_name, None]


def test_secret_fields_are_masked():
    before = {"secret": audit.MASK, "name": "a"}
    after = {"secret": audit.MASK, "name": "b"}
    assert audit.diff(before, after) == {"name": ["a", "b"]}


@pytest.mark.django_db
def test_audit_trail_tag_lists_entries(manager):
    company = CompanyFactory()
    audit.record_created(actor=manager, instance=company)
    html = Template("{% load ui %}{% audit_trail company %}").render(Context({"company": company}))
    assert str(manager) in html
    assert company.legal_name in html or str(company) in html
