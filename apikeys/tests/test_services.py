"""The key service: who may mint and revoke keys, and the audit rows it writes."""

import pytest

from apikeys.models import ApiKey
from apikeys.services import create_api_key, revoke_api_key
from core import actors
from core.audit import entries_for
from core.errors import NotAllowed
from core.models import AuditAction


def test_the_key_model_is_an_actor_core_recognises(db):
    api_key, _raw = create_api_key(name="ERP")
    assert ApiKey.is_api_key is True
    assert actors.is_api_key(api_key) and actors.key_of(api_key) is api_key
    assert actors.is_seller_actor(api_key) and actors.user_of(api_key) is None


def test_creation_is_audited_without_the_secret(manager, company):
    api_key, raw_key = create_api_key(name="Gómez ERP", company=company, actor=manager)
    [entry] = entries_for(api_key)
    assert entry.action == AuditAction.CREATED and entry.actor_user == manager
    assert entry.changes["name"] == [None, "Gómez ERP"]
    assert entry.changes["company"] == [None, company.pk]
    assert "hashed_key" not in entry.changes
    assert raw_key not in str(entry.changes) and api_key.hashed_key not in str(entry.changes)
    assert api_key.created_by == manager


def test_revocation_is_audited_once(manager):
    api_key, _raw = create_api_key(name="ERP", actor=manager)
    revoke_api_key(api_key=api_key, actor=manager)
    stale = ApiKey.objects.get(pk=api_key.pk)
    stale.revoked_at = None  # a copy read before the first revocation
    revoke_api_key(api_key=stale, actor=manager)
    changes = [e for e in entries_for(api_key) if e.action == AuditAction.CHANGED]
    assert len(changes) == 1
    assert changes[0].changes["revoked_at"][0] is None
    assert changes[0].changes["revoked_at"][1]


def test_system_actor_is_recorded_as_such(db):
    api_key, _raw = create_api_key(name="ERP")
    [entry] = entries_for(api_key)
    assert entry.actor_user is None and entry.actor_label == str(actors.actor_label(None))
    assert api_key.created_by is None


@pytest.mark.parametrize("who", ["service_agent", "warehouse_worker", "buyer"])
def test_only_managers_and_the_system_manage_keys(db, request, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        create_api_key(name="ERP", actor=actor)
    api_key, _raw = create_api_key(name="ERP")
    with pytest.raises(NotAllowed):
        revoke_api_key(api_key=api_key, actor=actor)
    api_key.refresh_from_db()
    assert api_key.revoked_at is None
    assert ApiKey.objects.count() == 1


def test_a_key_cannot_mint_or_revoke_keys(db):
    seller_key, _raw = create_api_key(name="ERP")
    with pytest.raises(NotAllowed):
        create_api_key(name="Another", actor=seller_key)
    with pytest.raises(NotAllowed):
        revoke_api_key(api_key=seller_key, actor=seller_key)
