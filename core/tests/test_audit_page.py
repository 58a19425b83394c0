"""The managers' audit page (``backoffice:audit_list``)."""

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst

from core import audit
from core.backoffice import links
from core.models import AuditEntry

URL = "/backoffice/audit/"


class _Key:
    """An API key as ``core`` sees one."""

    is_api_key = True
    pk = 7
    name = "ERP Norte"
    company_id = None
    revoked_at = None


@pytest.fixture
def trail(db, manager, service_agent):
    # Core's own tests stay domain-free: the audited objects are auth groups and
    # permissions (the domains' entries are linked in tests/test_audit_links.py).
    group = Group.objects.create(name="Compras Norte")
    before = audit.snapshot(group)
    group.name = "Compras Sur"
    group.save()
    changed = audit.record_change(actor=service_agent, instance=group, before=before)
    other = Group.objects.create(name="Almacén Bilbao")
    created = audit.record_created(actor=_Key(), instance=other)
    permission = Permission.objects.order_by("pk").first()
    deleted = audit.record_deleted(actor=manager, instance=permission)
    AuditEntry.objects.filter(pk=deleted.pk).update(
        created_at=timezone.now() - dt.timedelta(days=40)
    )
    return {
        "group": group,
        "other": other,
        "permission": permission,
        "changed": changed,
        "created": created,
        "deleted": deleted,
    }


@pytest.fixture
def group_pages(monkeypatch):
    """Groups have a page (as each app registers its models' pages)."""
    monkeypatch.setitem(links._URL_NAMES, "auth.group", "admin:auth_group_change")


def test_url_and_name():
    assert reverse("backoffice:audit_list") == URL


def test_only_managers(client, client_for, trail, service_agent, warehouse_worker, buyer):
    assert client.get(URL).status_code == 302
    assert client.get(URL)["Location"].startswith(reverse("backoffice:login"))
    assert client_for(service_agent).get(URL).status_code == 403
    assert client_for(warehouse_worker).get(URL).status_code == 403
    assert client_for(buyer).get(URL).status_code == 404


def test_manager_sees_every_change_newest_first(client_for, manager, trail, group_pages):
    response = client_for(manager).get(URL)
    assert response.status_code == 200
    entries = list(response.context["entries"])
    assert entries == [trail["created"], trail["changed"], trail["deleted"]]
    html = response.text
    # Who (a person or which key), what (linked when it has a page), the changes.
    assert "ERP Norte" in html and str(trail["changed"].actor_label) in html
    group_url = reverse("admin:auth_group_change", args=[trail["group"].pk])
    assert f'<a href="{group_url}">Compras Sur</a>' in html
    assert "<del>Compras Norte</del> → Compras Sur" in html
    # No registered page (permissions) or a deleted object: plain text.
    assert str(trail["permission"]) in html
    assert "auth/permission" not in html


def test_objects_without_a_registered_page(client_for, manager, trail, monkeypatch):
    html = client_for(manager).get(URL).text
    assert "Compras Sur" in html and "/auth/group/" not in html
    # A model with get_absolute_url links there (its objects loaded in one query).
    monkeypatch.setattr(Group, "get_absolute_url", lambda g: f"/groups/{g.pk}/", raising=False)
    html = client_for(manager).get(URL).text
    assert f'<a href="/groups/{trail["group"].pk}/">Compras Sur</a>' in html
    assert f'<a href="/groups/{trail["other"].pk}/">Almacén Bilbao</a>' in html


def test_changes_are_labelled_with_field_names(client_for, manager, trail):
    response = client_for(manager).get(URL)
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        label = str(capfirst(Group._meta.get_field("name").verbose_name))
    assert f">{label}</dt>" in response.text
    assert ">name</dt>" not in response.text


def test_filters(client_for, manager, trail):
    client = client_for(manager)

    def found(**params):
        return list(client.get(URL, params).context["entries"])

    group_type = ContentType.objects.get_for_model(Group)
    assert found(type=group_type.pk) == [trail["created"], trail["changed"]]
    assert found(action="created") == [trail["created"]]
    assert found(actor="erp norte") == [trail["created"]]
    assert found(actor=manager.email) == [trail["deleted"]]
    assert found(q="compras") == [trail["changed"]]
    by_id = found(q=trail["created"].object_id)
    assert trail["created"] in by_id
    assert {entry.object_id for entry in by_id} == {trail["created"].object_id}
    old = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    assert found(date_to=old) == [trail["deleted"]]
    assert found(date_from=old) == [trail["created"], trail["changed"]]
    # Bad input never breaks the page: it shows nothing.
    for bad in ({"type": "abc"}, {"date_from": "yesterday"}, {"action": "x"}, {"q": "a\x00b"}):
        response = client.get(URL, bad)
        assert response.status_code == 200


def test_type_filter_offers_translated_names_of_types_with_entries(client_for, manager, trail):
    with translation.override("es"):
        response = client_for(manager).get(URL, HTTP_ACCEPT_LANGUAGE="es")
        labels = dict(response.context["filterset"].form.fields["type"].choices)
        expected = {
            str(ContentType.objects.get_for_model(model).pk): str(model._meta.verbose_name)
            for model in (Group, Permission)
        }
    assert set(labels) == {"", *expected}
    for pk, name in expected.items():
        assert labels[pk].lower() == name.lower()


def test_sorting_by_actor(client_for, manager, trail):
    entries = list(client_for(manager).get(URL, {"sort": "by"}).context["entries"])
    assert [e.actor_label for e in entries] == sorted(e.actor_label for e in entries)


def test_csv_export_with_filters(client_for, manager, trail):
    AuditEntry.objects.filter(pk=trail["changed"].pk).update(object_repr="=cmd|' /C calc'!A0")
    response = client_for(manager).get(URL, {"export": "csv", "action": "changed"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["time", "by", "action", "object_type", "object", "object_id", "changes"]
    assert len(rows) == 2
    assert rows[1][2] == "changed"
    assert rows[1][4] == "'=cmd|' /C calc'!A0"
    assert rows[1][6].endswith("Compras Norte → Compras Sur")


def test_query_count_does_not_grow_with_rows(
    client_for, manager, trail, django_assert_max_num_queries
):
    client = client_for(manager)
    client.get(URL)
    with django_assert_max_num_queries(9):
        assert client.get(URL).status_code == 200
    for index in range(30):
        audit.record_created(actor=manager, instance=Group.objects.create(name=f"G {index}"))
    with django_assert_max_num_queries(9):
        response = client.get(URL)
    assert len(response.context["entries"]) == 33


def test_a_deleted_object_is_not_linked(client_for, manager, trail, group_pages):
    group = Group.objects.create(name="Temporal")
    audit.record_deleted(actor=manager, instance=group)
    html = client_for(manager).get(URL, {"action": "deleted"}).text
    assert "Temporal" in html
    assert reverse("admin:auth_group_change", args=[group.pk]) not in html
