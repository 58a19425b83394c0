"""The tenancy and permission sweep: every URL of the back-office, the portal and the
API (``/api/v1/``), requested with every method it serves as every persona, against
what ``DECLARATIONS`` says.

A URL needs one line here; its face's defaults (``tests/sweep/expect.py``) cover the
usual: back-office pages redirect anonymous users to the sign-in page and answer
customer users 404; portal pages redirect anonymous users and answer another
company's user 404 on the owner's objects; the API answers 401 (with the JSON error
body) without a key and 404 to another company's key on the owner's objects. A viewer's
write is always refused and changes nothing; nobody ever gets a 5xx; a foreign
persona's 200 never shows the owner's data.

Declaring a URL: ``"<url name>": Expect(<kwarg>="<world id>", <persona or group>=<outcome>,
<persona or group>_write=<outcome>, list="<row kind>")``. Personas and groups are in
``tests/sweep/world.py`` (``staff``, ``customers``, ``own_customers``, ``keys``,
``company_keys``); outcomes are ``LOGIN``, ``OK`` or a status code; the world ids
(``order``, ``invoice``, ``credit_note``, ``document``, ``address``, ``customer_user``,
``product``, ``warehouse``, ``coupon``, ``carrier``, ``subscription``, ``api_key``,
``notification`` ...) are in ``build_world``; ``list=`` names a kind of
``tests/sweep/rows.py`` and puts the URL under the query budget (2 rows vs 20). A
persona the code gets wrong goes in ``DEFECTS`` (expected to fail) until it is fixed.
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.sweep.expect import LOGIN, OK, REFUSALS, Expect
from tests.sweep.routes import Route, all_routes
from tests.sweep.rows import GROWERS, grow
from tests.sweep.world import FOREIGN, OWNER_NAME, PERSONAS, data_writes, module_world

SHIPMENT = {
    "carrier": "seur",
    "tracking_number": "TRK-SWEEP",
    "estimated_delivery": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
}

# fmt: off
DECLARATIONS: dict[str, Expect] = {
    # --- back-office ------------------------------------------------------------------
    "backoffice:home": Expect(),
    "backoffice:carrier_performance": Expect(),
    "backoffice:late_deliveries": Expect(),
    "backoffice:login": Expect(anonymous=200, customers=200, keys=200, viewer_write=OK),
    "backoffice:logout": Expect(customers=LOGIN, staff_write=LOGIN),
    "backoffice:customer_list": Expect(list="companies"),
    "backoffice:customer_create": Expect(warehouse=403),
    "backoffice:customer_detail": Expect(pk="company", list="orders"),
    "backoffice:customer_edit": Expect(pk="company", warehouse=403),
    "backoffice:customer_address_create": Expect(pk="company", warehouse=403),
    "backoffice:customer_address_edit": Expect(pk="company", warehouse=403),
    "backoffice:customer_note_create": Expect(pk="company"),
    "backoffice:customer_user_create": Expect(pk="company", warehouse=403),
    "backoffice:customer_user_invitation": Expect(
        pk="company", user_pk="invited_user", warehouse=403
    ),
    "backoffice:apikey_list": Expect(list="api_keys", staff=403, manager=200),
    "backoffice:apikey_create": Expect(staff=403, manager=200),
    "backoffice:apikey_revoke": Expect(pk="api_key", staff=403, manager=200),
    "backoffice:webhook_list": Expect(list="subscriptions", staff=403, manager=200),
    "backoffice:webhook_create": Expect(staff=403, manager=200),
    "backoffice:webhook_detail": Expect(
        pk="subscription", list="deliveries", staff=403, manager=200
    ),
    "backoffice:webhook_active": Expect(pk="subscription", staff=403, manager=200),
    "backoffice:webhook_delete": Expect(pk="subscription", staff=403, manager=200),
    "backoffice:webhook_secret": Expect(pk="subscription", staff=403, manager=200),
    "backoffice:audit_list": Expect(list="audit_entries", staff=403, manager=200),
    "backoffice:closure_list": Expect(list="closure_days", staff=403, manager=200),
    "backoffice:closure_create": Expect(staff=403, manager=200),
    "backoffice:closure_edit": Expect(pk="closure_day", staff=403, manager=200),
    "backoffice:closure_delete": Expect(pk="closure_day", staff=403, manager=200),
    "backoffice:product_list": Expect(list="products"),
    "backoffice:product_create": Expect(staff=403, manager=200),
    "backoffice:product_detail": Expect(pk="product", list="movements"),
    "backoffice:product_edit": Expect(pk="product", staff=403, manager=200),
    "backoffice:category_list": Expect(list="categories"),
    "backoffice:category_create": Expect(staff=403, manager=200),
    "backoffice:category_edit": Expect(pk="category", staff=403, manager=200),
    "backoffice:warehouse_list": Expect(list="warehouses"),
    "backoffice:warehouse_create": Expect(staff=403, manager=200),
    "backoffice:warehouse_edit": Expect(pk="warehouse", staff=403, manager=200),
    "backoffice:stock_list": Expect(list="products"),
    "backoffice:stock_export": Expect(list="products"),
    "backoffice:stock_receive": Expect(customer_service=403),
    "backoffice:stock_adjust": Expect(customer_service=403),
    "backoffice:stock_import": Expect(customer_service=403),
    "backoffice:stock_levels": Expect(pk="stock_item", customer_service=403),
    "backoffice:movement_list": Expect(list="movements"),
    "backoffice:order_list": Expect(list="orders"),
    "backoffice:order_create": Expect(warehouse=403),
    "backoffice:order_bulk": Expect(warehouse=403),
    "backoffice:coupon_list": Expect(list="coupons"),
    "backoffice:coupon_create": Expect(warehouse=403),
    "backoffice:coupon_edit": Expect(pk="coupon", warehouse=403),
    "backoffice:carrier_list": Expect(list="carriers"),
    "backoffice:carrier_create": Expect(warehouse=403),
    "backoffice:carrier_edit": Expect(pk="carrier", warehouse=403),
    "backoffice:order_detail": Expect(),
    "backoffice:order_action": Expect(data={"cancel-reason": "Sweep"}, warehouse_write=403),
    "backoffice:document_download": Expect(pk="document"),
    "backoffice:document_retry": Expect(pk="document"),
    "backoffice:exchange_rate_list": Expect(list="exchange_rates"),
    "backoffice:exchange_rate_create": Expect(warehouse=403),
    "backoffice:verifactu_export": Expect(),
    "backoffice:invoice_verifactu_xml": Expect(number="invoice"),
    # Only managers cancel a VeriFactu record; KSeF is off by default: 404 for everyone.
    "backoffice:verifactu_cancel": Expect(number="invoice", data={"reason": "Sweep"}, staff=403, manager=OK),  # noqa: E501
    "backoffice:invoice_ksef_xml": Expect(number="invoice", staff=404),
    "backoffice:return_list": Expect(list="returns"),
    "backoffice:return_stats": Expect(),
    "backoffice:return_abuse": Expect(),
    "backoffice:return_reason_list": Expect(),
    "backoffice:return_reason_create": Expect(staff=403, manager=200),
    "backoffice:return_reason_edit": Expect(pk="return_reason", staff=403, manager=200),
    "backoffice:return_create": Expect(number="order_delivered", warehouse=403),
    "backoffice:return_detail": Expect(number="return"),
    "backoffice:return_label": Expect(number="return"),
    "backoffice:return_attachment_add": Expect(number="return"),
    "backoffice:return_attachment": Expect(number="return", pk="return_attachment"),
    "backoffice:return_action": Expect(number="return", action="return_action"),
    "backoffice:return_store_credit_apply": Expect(number="order_delivered", warehouse=403),
    "backoffice:complaint_desk": Expect(list="complaints"),
    "backoffice:complaint_bulk_assign": Expect(warehouse=403),
    "backoffice:complaint_list": Expect(list="complaints"),
    "backoffice:complaint_stats": Expect(),
    "backoffice:complaint_sla_targets": Expect(staff_write=403, manager_write=OK),
    "backoffice:complaint_deadline_rules": Expect(staff_write=403, manager_write=OK),
    "backoffice:complaint_create": Expect(warehouse=403),
    "backoffice:complaint_detail": Expect(number="complaint"),
    "backoffice:complaint_message": Expect(
        number="complaint", data={"body": "Sweep", "kind": "reply"}, warehouse_write=403
    ),
    "backoffice:complaint_attachment_add": Expect(number="complaint"),
    "backoffice:complaint_attachment": Expect(number="complaint", pk="complaint_attachment"),
    "backoffice:complaint_action": Expect(
        number="complaint", action="complaint_action", warehouse_write=403
    ),
    "backoffice:email_template_list": Expect(staff=403, manager=200),
    "backoffice:email_template_detail": Expect(kind="email_kind", staff=403, manager=200),
    "backoffice:email_template_preview": Expect(kind="email_kind", staff=403, manager=200),
    "backoffice:price_list_list": Expect(list="price_lists", warehouse=403),
    "backoffice:price_list_create": Expect(warehouse=403),
    "backoffice:price_list_detail": Expect(pk="price_list", list="prices", warehouse=403),
    "backoffice:price_list_edit": Expect(pk="price_list", warehouse=403),
    "backoffice:price_create": Expect(pk="price_list", warehouse=403),
    "backoffice:price_edit": Expect(pk="price_list", price_pk="price", warehouse=403),
    "backoffice:price_delete": Expect(pk="price_list", price_pk="price", warehouse=403),
    "backoffice:price_import": Expect(pk="price_list", warehouse=403),
    "backoffice:price_export": Expect(pk="price_list", list="prices", warehouse=403),
    "backoffice:contract_price_list": Expect(pk="company", list="contract_prices", warehouse=403),
    "backoffice:company_price_list": Expect(pk="company", warehouse=403),
    "backoffice:contract_price_create": Expect(pk="company", warehouse=403),
    "backoffice:contract_price_edit": Expect(pk="company", contract_pk="contract_price", warehouse=403),  # noqa: E501
    "backoffice:contract_price_delete": Expect(pk="company", contract_pk="contract_price", warehouse=403),  # noqa: E501
    "backoffice:contract_price_import": Expect(pk="company", warehouse=403),
    "backoffice:contract_price_export": Expect(pk="company", list="contract_prices", warehouse=403),
    # --- portal -----------------------------------------------------------------------
    "portal:login": Expect(anonymous=200, keys=200, staff=200, viewer_write=OK),
    "portal:logout": Expect(staff=LOGIN, customers_write=LOGIN),
    "portal:invitation": Expect(anonymous=OK, keys=OK, customers=OK, staff=OK, viewer_write=OK),
    "portal:catalog": Expect(list="products"),
    # The product is on sale to both companies (the catalog is shared): not a 404 for
    # the other one. A product a company cannot buy is a 404 (orders/tests).
    "portal:catalog_product": Expect(owned=False),
    "portal:cart": Expect(),
    "portal:cart_update": Expect(),
    "portal:checkout": Expect(),
    "portal:order_list": Expect(list="orders"),
    "portal:order_detail": Expect(),
    "portal:order_cancel": Expect(),
    "portal:order_action": Expect(action="portal_action"),
    "portal:order_reorder": Expect(),
    "portal:approval_list": Expect(own_customers=403, admin=200),
    "portal:order_approval": Expect(decision="approval_decision", own_customers=403, admin=OK),
    "portal:document_download": Expect(pk="document"),
    "portal:search": Expect(query="q=PED"),
    "portal:pad": Expect(),
    "portal:pad_add": Expect(),
    "portal:shopping_lists": Expect(),
    "portal:shopping_list_add": Expect(),
    "portal:shopping_list": Expect(pk="shopping_list"),
    "portal:account": Expect(),
    "portal:account_invoices": Expect(list="invoices"),
    "portal:account_invoice_pdf": Expect(number="invoice"),
    "portal:account_statement": Expect(list="invoices"),
    "portal:account_statement_pdf": Expect(),
    "portal:account_statement_csv": Expect(),
    "portal:return_start": Expect(number="order_delivered", viewer=403),
    "portal:return_check": Expect(number="order_delivered"),
    "portal:return_list": Expect(list="returns"),
    "portal:return_detail": Expect(number="return"),
    "portal:return_cancel": Expect(number="return"),
    "portal:return_attachment_add": Expect(number="return"),
    "portal:return_attachment": Expect(number="return", pk="return_attachment"),
    "portal:return_label": Expect(number="return"),
    "portal:return_store_credit_apply": Expect(number="order_delivered"),
    "portal:complaint_list": Expect(list="complaints"),
    "portal:complaint_create": Expect(viewer=403),
    "portal:complaint_detail": Expect(number="complaint"),
    "portal:complaint_reply": Expect(number="complaint"),
    "portal:complaint_attachment_add": Expect(number="complaint"),
    "portal:complaint_attachment": Expect(number="complaint", pk="complaint_attachment"),
    "portal:complaint_action": Expect(number="complaint", action="complaint_portal_action"),
    "portal:home": Expect(list="orders"),
    "portal:company": Expect(list="addresses"),
    "portal:address_create": Expect(own_customers=403, admin=200),
    "portal:address_edit": Expect(own_customers=403, admin=200),
    "portal:user_list": Expect(list="customer_users", own_customers=403, admin=200),
    "portal:user_create": Expect(own_customers=403, admin=200),
    "portal:user_update": Expect(own_customers=403, admin=200),
    # --- API ----------------------------------------------------------------------------
    "api-root": Expect(),
    "api-order-document-pdf": Expect(kind="document_kind"),
    "api-invoice-pdf": Expect(number="invoice"),
    "api-invoice-verifactu-xml": Expect(number="invoice"),
    "api-invoice-verifactu-export": Expect(company_keys=403, query="from=2000-01-01&to=2100-12-31"),
    "api-kpis": Expect(company_keys=403, query="from=2026-01-01&to=2026-12-31"),
    "api-invoice-ksef-xml": Expect(number="invoice", keys=404, staff=404),
    "customer-list": Expect(list="companies", warehouse_write=403),
    "customer-detail": Expect(pk="company", warehouse_write=403),
    # Webhooks are the seller's: company keys 403 (nothing of a company's to hide).
    "webhook-list": Expect(list="subscriptions", company_keys=403, staff_write=403, manager_write=OK),  # noqa: E501
    "webhook-detail": Expect(pk="subscription", company_keys=403, staff_write=403, manager_write=OK),  # noqa: E501
    "webhook-delivery-list": Expect(list="deliveries", company_keys=403),
    "order-list": Expect(list="orders", company_key_write=OK, other_key_write=OK),
    "order-detail": Expect(),
    "order-cancel": Expect(data={"reason": "Sweep"}, company_key_write=OK, warehouse_write=403),
    "order-deliver": Expect(customer_service=403),
    "order-events": Expect(list="order_events"),
    "order-hold": Expect(data={"note": "Sweep"}, warehouse_write=403),
    "order-fiscal-position": Expect(data={"fiscal_position": "export", "note": "Sweep"}, warehouse_write=403),  # noqa: E501
    "order-payments": Expect(data={"amount": "1.00"}, warehouse_write=403),
    "order-prepare": Expect(warehouse=403),
    "order-release": Expect(data={"note": "Sweep"}, warehouse_write=403),
    "order-ship": Expect(data=SHIPMENT, customer_service_write=403),
    "category-list": Expect(list="categories", staff_write=403, manager_write=OK),
    "category-detail": Expect(pk="category", owned=False, staff_write=403, manager_write=OK),
    "product-list": Expect(list="products", staff_write=403, manager_write=OK),
    "product-bulk": Expect(staff=403, manager=OK),
    "product-detail": Expect(owned=False, staff_write=403, manager_write=OK),
    "warehouse-list": Expect(list="warehouses", staff_write=403, manager_write=OK),
    "warehouse-detail": Expect(owned=False, staff_write=403, manager_write=OK),
    "stock-movement-list": Expect(list="movements", company_keys=403, customer_service_write=403),
    "stock-list": Expect(list="products"),
    "invoice-list": Expect(list="invoices"),
    # Price lists are the seller's (company keys 403); contract prices are a company's:
    # its own key 403, another company's 404.
    "price-list-list": Expect(list="price_lists", company_keys=403, warehouse_write=403),
    "price-list-price-list": Expect(
        price_list_code="price_list_code", list="prices", company_keys=403, warehouse_write=403
    ),
    "contract-price-list": Expect(
        customer_pk="company", list="contract_prices", company_key=403, warehouse_write=403
    ),
    "invoice-detail": Expect(number="invoice"),
    # Exchange rates are the seller's: company keys 403; the warehouse does not write.
    "exchange-rate-list": Expect(list="exchange_rates", company_keys=403, warehouse_write=403),
    "return-list": Expect(list="returns", company_key_write=OK, other_key_write=OK),
    "return-eligibility": Expect(company_key_write=OK, other_key_write=OK),
    "return-detail": Expect(number="return"),
    "return-attachments": Expect(number="return", company_key_write=OK),
    "return-authorize": Expect(number="return", warehouse_write=403),
    "return-reject": Expect(number="return", data={"reason": "Sweep"}, warehouse_write=403),
    "return-receive": Expect(number="return", customer_service_write=403),
    "return-inspect": Expect(number="return", customer_service_write=403),
    "return-resolve": Expect(number="return", warehouse_write=403),
    "return-cancel": Expect(number="return", company_key_write=OK, warehouse_write=403),
    "api-return-label": Expect(number="return"),
    "api-return-attachment-file": Expect(number="return", pk="return_attachment"),
    "complaint-list": Expect(list="complaints", company_key_write=OK, other_key_write=OK),
    "complaint-detail": Expect(number="complaint"),
    "complaint-messages": Expect(
        number="complaint", data={"body": "Sweep"}, company_key_write=OK, warehouse_write=403
    ),
    "complaint-attachments": Expect(number="complaint", company_key_write=OK),
    "complaint-start-analysis": Expect(number="complaint", warehouse_write=403),
    "complaint-decide": Expect(number="complaint", warehouse_write=403),
    "complaint-resolve": Expect(number="complaint", warehouse_write=403),
    "complaint-close": Expect(number="complaint", warehouse_write=403),
    "complaint-accept": Expect(
        number="complaint", company_key_write=OK, staff_write=403, seller_key_write=403
    ),
    "complaint-dispute": Expect(
        number="complaint", company_key_write=OK, staff_write=403, seller_key_write=403
    ),
    "complaint-rating": Expect(
        number="complaint", company_key_write=OK, staff_write=403, seller_key_write=403
    ),
    "api-complaint-attachment-file": Expect(number="complaint", pk="complaint_attachment"),
}
# fmt: on

ROUTES = {route.name: route for route in all_routes()}
SWEPT = [name for name in ROUTES if name in DECLARATIONS]


def undeclared(routes, declarations) -> list[str]:
    """``name  (/pattern)`` of each route without a declaration."""
    return [
        f"{route.name}  ({route.pattern})" for route in routes if route.name not in declarations
    ]


def test_every_url_is_declared():
    missing = undeclared(ROUTES.values(), DECLARATIONS)
    assert not missing, (
        "URLs without a declaration in tests/test_tenancy_sweep.py DECLARATIONS "
        '(add one line each, e.g. \'"<name>": Expect(pk="order"),\'):\n  ' + "\n  ".join(missing)
    )


def test_no_declaration_without_a_url():
    stale = sorted(set(DECLARATIONS) - set(ROUTES))
    assert not stale, f"declared but no longer in the URLconf: {stale}"


@pytest.mark.parametrize("name", SWEPT)
def test_declaration_is_well_formed(name):
    route = ROUTES[name]
    declaration = DECLARATIONS[name]
    declaration.check(route)
    assert declaration.list is None or declaration.list in GROWERS, declaration.list
    read, write = declaration.outcomes(route)
    assert set(read) == set(PERSONAS)
    if route.writes:
        # A viewer is read-only everywhere but the sign-in pages.
        assert write["viewer"] in REFUSALS or name.endswith(("login", "logout", "invitation"))


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with module_world(django_db_blocker, tmp_path_factory.mktemp("sweep-media")) as built:
        yield built


def _login_path(face):
    return reverse(f"{face}:login") if face in ("backoffice", "portal") else None


def _matches(outcome, response, face) -> bool:
    status = response.status_code
    location = urlsplit(response.get("Location", "")).path
    if outcome == LOGIN:
        return status == 302 and location == _login_path(face)
    if outcome == OK:
        to_login = status == 302 and location in (
            reverse("backoffice:login"),
            reverse("portal:login"),
        )
        return (status < 400 and not to_login) or status in (400, 409)
    return status == outcome


def _error_body_problem(response) -> str | None:
    """API.md: errors are JSON ``{"code", "detail"}``."""
    try:
        body = json.loads(response.content)
    except ValueError:
        return "not JSON"
    if not (isinstance(body, dict) and isinstance(body.get("code"), str) and "detail" in body):
        return f"not an API error body: {body!r}"[:200]
    return None


def _request(client, route, method, path, data):
    if route.face == "api" and method != "get":
        body = json.dumps(data)
        return client.generic(method.upper(), path, body, content_type="application/json")
    if method == "get":
        return client.get(path)
    if method == "post":
        return client.post(path, data)
    return client.generic(method.upper(), path)


#: Known defects found by the sweep, (URL name, persona) -> what is wrong. The sweep
#: expects the declaration to fail there (xfail) and fails once it passes: then
#: delete the entry.
DEFECTS: dict[tuple[str, str], str] = {}


def _sweep_persona(world, route, path, data, persona, expected_read, expected_write):
    problems = []
    client = world.client(persona)
    for method in route.methods:
        expected = expected_read if method == "get" else expected_write
        watch = method != "get" and (expected in REFUSALS or persona == "viewer")
        try:
            with data_writes() as written:
                response = _request(client, route, method, path, data)
        except Exception as error:  # the test client re-raises a view's exception
            problems.append(f"{method.upper()} {path} as {persona}: raised {error!r} (a 500)")
            continue
        status = response.status_code
        where = f"{method.upper()} {path} as {persona}: {status}"
        if status >= 500:
            problems.append(f"{where} (a 5xx)")
        elif not _matches(expected, response, route.face):
            extra = f" -> {response['Location']}" if response.has_header("Location") else ""
            problems.append(f"{where}{extra}, declared {expected!r}")
        elif route.face == "api" and status >= 400:
            problem = _error_body_problem(response)
            if problem:
                problems.append(f"{where}: {problem}")
        if watch and written:
            problems.append(f"{where} was refused (or is a viewer's) but wrote {written}")
        if persona in FOREIGN and status == 200 and not getattr(response, "streaming", False):
            body = response.content.decode(errors="replace")
            leaked = [marker for marker in world.markers if marker in body]
            if leaked:
                problems.append(f"{where} shows the owner's {leaked}")
    return problems


@pytest.mark.parametrize("name", SWEPT)
def test_sweep(world, db, name):
    """Every method of the URL as every persona (one test per URL keeps the sweep fast)."""
    route = ROUTES[name]
    declaration = DECLARATIONS[name]
    read, write = declaration.outcomes(route)
    path = reverse(name, kwargs=declaration.kwargs_for(route, world.ids))
    if declaration.query:
        path = f"{path}?{declaration.query}"
    problems, known = [], []
    for persona in PERSONAS:
        with transaction.atomic():  # what one persona's writes did, the next one never sees
            found = _sweep_persona(
                world, route, path, declaration.data, persona, read[persona], write[persona]
            )
            transaction.set_rollback(True)
        defect = DEFECTS.get((name, persona))
        if defect is None:
            problems.extend(found)
        elif found:
            known.append(f"{persona}: {defect}")
        else:
            problems.append(f"{persona}: passes now; remove it from DEFECTS ({defect})")
    assert not problems, "\n".join(problems)
    if known:
        pytest.xfail("known defects: " + "; ".join(known))


def test_write_watch_sees_writes(world, db):
    """The "refused writes write nothing" check is not vacuous: a manager's accepted
    write is seen, a viewer's refused one is not."""
    path = reverse("backoffice:webhook_active", kwargs={"pk": world.ids["subscription"]})
    with data_writes() as written:
        response = world.client("manager").post(path, {"active": "0"})
    assert response.status_code == 302
    assert "webhooks_subscription" in written
    path = reverse("portal:order_cancel", kwargs={"number": world.ids["order"]})
    with data_writes() as written:
        response = world.client("viewer").post(path, {"reason": "no"})
    assert response.status_code == 403
    assert written == []


# --- query budgets ------------------------------------------------------------------------

#: Who reads each face's lists for the budgets.
LIST_READER = {"backoffice": "manager", "portal": "admin", "api": "seller_key"}
LISTS = [name for name in SWEPT if DECLARATIONS[name].list]


def _count_queries(world, route, path) -> tuple[int, list[str], int]:
    client = world.client(LIST_READER[route.face])
    cache.clear()  # both measurements start cold
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as streamed:  # a CSV export reads as it streams
        if getattr(response, "streaming", False):
            body = b"".join(response.streaming_content)
        else:
            body = response.content
    captured = [*queries.captured_queries, *streamed.captured_queries]
    return len(captured), [q["sql"] for q in captured], len(body)


@pytest.mark.parametrize("name", LISTS)
def test_list_queries_do_not_grow_with_rows(world, db, name):
    """No list answers with more queries for 20 rows than for 2 (no N+1)."""
    route = ROUTES[name]
    declaration = DECLARATIONS[name]
    path = reverse(name, kwargs=declaration.kwargs_for(route, world.ids))
    grow(world, declaration.list, 1)  # the world's one, plus one: 2 rows
    # A first request does the once-a-minute bookkeeping (a key's last use, the
    # session's refresh), so that neither measurement pays for it.
    _count_queries(world, route, path)
    small, _, small_size = _count_queries(world, route, path)
    grow(world, declaration.list, 18)  # 20 rows
    large, sql, large_size = _count_queries(world, route, path)
    # The grown rows are on the page (else the comparison proves nothing).
    assert large_size > small_size, f"{path}: the 18 new {declaration.list} are not listed"
    # Not "equal": a page's fixed cost may depend on which kinds of rows it shows (the
    # portal home's timeline resolves its links with one query per kind of subject, and
    # 20 new orders push the entries about other kinds of subject off it).
    assert large <= small, (
        f"{path} ({declaration.list}): {small} queries for 2 rows, {large} for 20:\n"
        + "\n".join(sql)
    )


@pytest.mark.parametrize("kind", sorted(GROWERS))
def test_every_row_kind_inserts_rows(world, db, kind):
    """Each ``list=`` kind a declaration may name really adds rows."""
    with data_writes() as written:
        grow(world, kind, 1)
    assert written, kind


def test_an_undeclared_url_is_named():
    route = Route(
        "backoffice:not_declared_yet", "backoffice", "/backoffice/not-declared/", ("get",), ()
    )
    assert undeclared([route, ROUTES["portal:home"]], DECLARATIONS) == [
        "backoffice:not_declared_yet  (/backoffice/not-declared/)"
    ]


def test_declaration_precedence():
    """A persona's own keyword beats its group's; a non-refusal read lets writes through;
    a portal viewer's writes stay refused unless declared."""
    route = ROUTES["portal:address_edit"]
    read, write = Expect(own_customers=403, admin=200).outcomes(route)
    assert (read["viewer"], read["buyer"], read["admin"]) == (403, 403, 200)
    assert (write["buyer"], write["admin"]) == (403, OK)
    assert read["other_user"] == 404 and read["anonymous"] == LOGIN
    read, write = Expect(viewer=200).outcomes(route)
    assert write["viewer"] == 403
    api = ROUTES["order-detail"]
    read, write = Expect().outcomes(api)
    assert (read["anonymous"], read["other_key"], read["company_key"]) == (401, 404, 200)
    with pytest.raises(AssertionError, match="unknown declaration keyword"):
        Expect(viewr=200).check(api)


@pytest.mark.parametrize(
    "persona, name, marker",
    [
        ("admin", "portal:order_list", "order"),
        ("admin", "portal:company", "company_name"),
        ("manager", "backoffice:customer_detail", "company_name"),
        ("company_key", "order-detail", "order"),
    ],
)
def test_owner_markers_are_on_the_owners_pages(world, db, persona, name, marker):
    """The leak check looks for strings the owner's own pages do show."""
    route = ROUTES[name]
    path = reverse(name, kwargs=DECLARATIONS[name].kwargs_for(route, world.ids))
    response = world.client(persona).get(path)
    assert response.status_code == 200
    expected = world.ids["order"] if marker == "order" else OWNER_NAME
    assert expected in response.content.decode()
    assert expected in world.markers
