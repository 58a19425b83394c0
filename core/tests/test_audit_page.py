"""The managers' audit page (``backoffice:audit_list``)."""

import csv
import datetime as dt
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst

from core import audit
from core.models import AuditEntry
from customers.tests.factories import CompanyFactory
from inventory.models import Category, Warehouse

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
    company = CompanyFactory(legal_name="Ferretería Sol S.L.", credit_limit="1000.00")
    before = audit.snapshot(company)
    company.credit_limit = "2500.00"
    company.save()
    changed = audit.record_change(actor=service_agent, instance=company, before=before)
    category = Category.objects.create(name="Herramientas")
    created = audit.record_created(actor=_Key(), instance=category)
    warehouse = Warehouse.objects.create(code="BIO", name="Bilbao")
    deleted = audit.record_deleted(actor=manager, instance=warehouse)
    AuditEntry.objects.filter(pk=deleted.pk).update(
        created_at=timezone.now() - dt.timedelta(days=40)
    )
    return {"company": company, "changed": changed, "created": created, "deleted": deleted}


def test_url_and_name():
    assert reverse("backoffice:audit_list") == URL


def test_only_managers(client, client_for, trail, service_agent, warehouse_worker, buyer):
    assert client.get(URL).status_code == 302
    assert client.get(URL)["Location"].startswith(reverse("backoffice:login"))
    assert client_for(service_agent).get(URL).status_code == 403
    assert client_for(warehouse_worker).get(URL).status_code == 403
    assert client_for(buyer).get(URL).status_code == 404


def test_manager_sees_every_change_newest_first(client_for, manager, trail):
    response = client_for(manager).get(URL)
    assert response.status_code == 200
    entries = list(response.context["entries"])
    assert entries == [trail["created"], trail["changed"], trail["deleted"]]
    html = response.text
    # Who (a person or which key), what (linked when it has a page), the changes.
    assert "ERP Norte" in html
    company_url = reverse("backoffice:customer_detail", args=[trail["company"].pk])
    assert f'<a href="{company_url}">Ferretería Sol S.L.</a>' in html
    assert "<del>1000.00</del> → 2500.00" in html
    # A deleted object has no page any more: plain text.
    assert (
        f'href="{reverse("backoffice:warehouse_edit", args=[trail["deleted"].object_id])}"'
        not in html
    )
    assert "Bilbao" in html


def test_changes_are_labelled_with_field_names(client_for, manager, trail):
    response = client_for(manager).get(URL)
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        label = str(capfirst(trail["company"]._meta.get_field("credit_limit").verbose_name))
    assert f">{label}</dt>" in response.text
    assert ">credit_limit</dt>" not in response.text


def test_filters(client_for, manager, trail):
    client = client_for(manager)

    def found(**params):
        return list(client.get(URL, params).context["entries"])

    company_type = ContentType.objects.get_for_model(trail["company"])
    assert found(type=company_type.pk) == [trail["changed"]]
    assert found(action="created") == [trail["created"]]
    assert found(actor="erp norte") == [trail["created"]]
    assert found(actor=manager.email) == [trail["deleted"]]
    assert found(q="ferretería") == [trail["changed"]]
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
            for model in (type(trail["company"]), Category, Warehouse)
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
    assert "1000.00 → 2500.00" in rows[1][6]


def test_query_count_does_not_grow_with_rows(
    client_for, manager, trail, django_assert_max_num_queries
):
    client = client_for(manager)
    client.get(URL)
    with django_assert_max_num_queries(9):
        assert client.get(URL).status_code == 200
    for index in range(30):
        company = CompanyFactory(legal_name=f"Empresa {index}")
        audit.record_created(actor=manager, instance=company)
    with django_assert_max_num_queries(9):
        response = client.get(URL)
    assert len(response.context["entries"]) == 33
