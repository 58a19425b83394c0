"""The returns services: transitions and roles, stock, credit notes, store credit,
replacements, expiry and the abuse watch."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from core.models import OutboxEvent
from customers.models import TimelineEntry
from customers.tests.factories import CompanyFactory
from documents.models import Invoice, InvoiceKind
from inventory.models import MovementKind, StockItem, StockMovement
from orders.models import OrderStatus
from orders.tests.factories import CouponFactory
from returns import services
from returns.errors import (
    EvidenceMissing,
    InvalidReturn,
    NotAllowed,
    NotEligible,
    StoreCreditError,
    StoreCreditIsAppendOnly,
    TransitionNotAllowed,
)
from returns.models import AbuseFlag, Return, ReturnStatus, StoreCreditEntry

D = Decimal


def stock(sku, code="MAD"):
    return StockItem.objects.get(product__sku=sku, warehouse__code=code)


def assert_ledger_reconciles():
    for item in StockItem.objects.all():
        sums = item.movements.aggregate(o=Sum("on_hand_delta"), r=Sum("reserved_delta"))
        assert (item.on_hand, item.reserved) == (sums["o"] or 0, sums["r"] or 0), item
    call_command("check_stock_ledger")


@pytest.mark.django_db
class TestRequest:
    def test_creates_a_numbered_return_with_event_timeline_and_outbox(
        self, order, request_return, buyer
    ):
        ret = request_return(order)
        year = timezone.localdate().year
        assert ret.number.startswith(f"DEV-{year}-") and len(ret.number) == len(
            f"DEV-{year}-000001"
        )
        assert ret.status == ReturnStatus.SOLICITADA
        assert (ret.requested_by, ret.channel, ret.on_behalf) == (buyer, "portal", False)
        assert ret.events.filter(kind="requested").count() == 1
        assert TimelineEntry.objects.filter(
            company=order.company, kind="return", object_id=str(ret.pk)
        ).exists()
        event = OutboxEvent.objects.get(event_type="return.created")
        assert event.payload["number"] == ret.number
        assert event.payload["company_id"] == order.company_id

    def test_numbers_increase(self, order, request_return):
        first = request_return(order)
        second = request_return(order)
        assert int(second.number[-6:]) > int(first.number[-6:])

    def test_another_companys_order_is_not_found(self, order, other_buyer):
        with pytest.raises(order.DoesNotExist):
            services.request_return(
                actor=other_buyer,
                order=order,
                lines=[{"sku": "DRILL-18V", "quantity": 1, "reason": "other"}],
                resolution="refund",
            )

    def test_viewer_may_not_request(self, order, viewer):
        with pytest.raises(NotAllowed):
            services.request_return(
                actor=viewer,
                order=order,
                lines=[{"sku": "DRILL-18V", "quantity": 1, "reason": "other"}],
                resolution="refund",
            )

    @pytest.mark.parametrize(
        "lines, resolution",
        [
            ([], "refund"),
            ("DRILL", "refund"),
            ([{"sku": "DRILL-18V", "quantity": 1, "reason": "other"}], "money"),
            (["x"], "refund"),
        ],
    )
    def test_bad_shapes_write_nothing(self, order, buyer, lines, resolution):
        with pytest.raises(InvalidReturn):
            services.request_return(actor=buyer, order=order, lines=lines, resolution=resolution)
        assert not Return.objects.exists()

    def test_ineligible_writes_nothing(self, order, buyer):
        with pytest.raises(NotEligible) as caught:
            services.request_return(
                actor=buyer,
                order=order,
                lines=[
                    {"sku": "DRILL-18V", "quantity": 1, "reason": "other"},
                    {"sku": "DRILL-18V", "quantity": 1, "reason": "other"},
                ],
                resolution="refund",
            )
        assert list(caught.value.fields) == ["lines.1"]
        assert not Return.objects.exists()
        assert not OutboxEvent.objects.filter(event_type__startswith="return.").exists()


@pytest.mark.django_db
class TestTransitionsAndRoles:
    def test_happy_path_every_transition_is_an_event_and_an_outbox_event(
        self, order, request_return, walk
    ):
        ret = walk(request_return(order), to="resuelta")
        assert ret.status == ReturnStatus.RESUELTA
        kinds = list(ret.events.values_list("kind", flat=True))
        assert kinds == ["requested", "authorized", "received", "inspected", "resolved"]
        changes = OutboxEvent.objects.filter(event_type="return.status_changed")
        assert [(e.payload["from"], e.payload["to"]) for e in changes.order_by("created_at")] == [
            ("solicitada", "autorizada"),
            ("autorizada", "recibida"),
            ("recibida", "inspeccionada"),
            ("inspeccionada", "resuelta"),
        ]
        assert ret.authorized_at and ret.received_at and ret.inspected_at and ret.resolved_at

    def test_authorize_sets_payer_and_due_date(
        self, order, request_return, service_agent, settings
    ):
        settings.RETURN_RECEIVE_DAYS = 14
        ret = request_return(
            order, lines=[{"sku": "PAPER-A4", "quantity": 1, "reason": "wrong_item"}]
        )
        services.authorize_return(ret=ret, actor=service_agent)
        assert ret.return_shipping_payer == "seller"
        assert ret.receive_by == timezone.localdate() + dt.timedelta(days=14)
        buyer_pays = request_return(order)
        services.authorize_return(ret=buyer_pays, actor=service_agent)
        assert buyer_pays.return_shipping_payer == "buyer"

    @pytest.mark.parametrize(
        "action, who, allowed",
        [
            ("authorize", "service_agent", True),
            ("authorize", "warehouse_worker", False),
            ("authorize", "buyer", False),
            ("reject", "service_agent", True),
            ("reject", "warehouse_worker", False),
            ("cancel", "buyer", True),
            ("cancel", "viewer", False),
            ("cancel", "other_buyer", False),
            ("cancel", "warehouse_worker", False),
        ],
    )
    def test_roles_on_a_requested_return(
        self, request, order, request_return, action, who, allowed
    ):
        ret = request_return(order)
        actor = request.getfixturevalue(who)
        call = {
            "authorize": lambda: services.authorize_return(ret=ret, actor=actor),
            "reject": lambda: services.reject_return(ret=ret, actor=actor, reason="No"),
            "cancel": lambda: services.cancel_return(ret=ret, actor=actor),
        }[action]
        if allowed:
            call()
        else:
            with pytest.raises(NotAllowed):
                call()
            ret.refresh_from_db()
            assert ret.status == ReturnStatus.SOLICITADA

    def test_warehouse_receives_and_inspects_customer_service_may_not(
        self, order, request_return, service_agent, warehouse_worker, flush
    ):
        ret = request_return(order)
        services.authorize_return(ret=ret, actor=service_agent)
        with pytest.raises(NotAllowed):
            services.receive_return(ret=ret, actor=service_agent)
        services.receive_return(ret=ret, actor=warehouse_worker)
        with pytest.raises(NotAllowed):
            services.inspect_return(
                ret=ret, actor=service_agent, lines=[{"sku": "DRILL-18V", "condition": "missing"}]
            )
        services.inspect_return(
            ret=ret, actor=warehouse_worker, lines=[{"sku": "DRILL-18V", "condition": "missing"}]
        )
        with pytest.raises(NotAllowed):
            services.resolve_return(ret=ret, actor=warehouse_worker, resolution="repair")
        services.resolve_return(ret=ret, actor=service_agent, resolution="repair")
        assert ret.status == ReturnStatus.RESUELTA

    def test_transitions_out_of_order_are_refused(self, order, request_return, manager):
        ret = request_return(order)
        with pytest.raises(TransitionNotAllowed):
            services.receive_return(ret=ret, actor=manager)
        with pytest.raises(TransitionNotAllowed):
            services.resolve_return(ret=ret, actor=manager)
        services.authorize_return(ret=ret, actor=manager)
        with pytest.raises(TransitionNotAllowed):
            services.authorize_return(ret=ret, actor=manager)
        with pytest.raises(TransitionNotAllowed):
            services.reject_return(ret=ret, actor=manager, reason="late")
        services.receive_return(ret=ret, actor=manager)
        with pytest.raises(TransitionNotAllowed) as caught:
            services.cancel_return(ret=ret, actor=manager)
        assert caught.value.code == "transition_not_allowed"

    def test_reject_needs_a_reason(self, order, request_return, manager):
        ret = request_return(order)
        with pytest.raises(InvalidReturn) as caught:
            services.reject_return(ret=ret, actor=manager, reason="  ")
        assert "reason" in caught.value.fields
        services.reject_return(ret=ret, actor=manager, reason="Producto usado")
        assert ret.status == ReturnStatus.RECHAZADA
        assert ret.rejection_reason == "Producto usado"

    def test_customer_cancels_while_authorized(self, order, request_return, manager, buyer):
        ret = request_return(order)
        services.authorize_return(ret=ret, actor=manager)
        services.cancel_return(ret=ret, actor=buyer, reason="Me lo quedo")
        assert ret.status == ReturnStatus.CANCELADA and not ret.expired


@pytest.mark.django_db
class TestEvidence:
    def test_missing_evidence_blocks_authorization_not_creation(
        self, order, request_return, manager, buyer
    ):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from .conftest import png_bytes

        ret = request_return(
            order, lines=[{"sku": "DRILL-18V", "quantity": 1, "reason": "defective"}]
        )
        assert ret.status == ReturnStatus.SOLICITADA
        with pytest.raises(EvidenceMissing):
            services.authorize_return(ret=ret, actor=manager)
        services.add_attachment(
            ret=ret,
            actor=buyer,
            file=SimpleUploadedFile("foto.png", png_bytes(), content_type="image/png"),
        )
        services.authorize_return(ret=ret, actor=manager)
        assert ret.status == ReturnStatus.AUTORIZADA

    def test_a_file_that_is_not_what_it_claims_is_refused(self, order, request_return, buyer):
        from django.core.files.uploadedfile import SimpleUploadedFile

        ret = request_return(order)
        with pytest.raises(services.InvalidAttachment):
            services.add_attachment(
                ret=ret,
                actor=buyer,
                file=SimpleUploadedFile("foto.jpg", b"MZ\x90\x00 not a jpeg", "image/jpeg"),
            )
        assert not ret.attachments.exists()

    def test_a_row_that_cannot_be_saved_leaves_no_file_behind(
        self, order, request_return, buyer, settings, monkeypatch
    ):
        """``core.uploads.save_upload``: the file is written first, then deleted again
        when the attachment's row fails (returns and complaints store evidence so)."""
        from django.core.files.uploadedfile import SimpleUploadedFile

        from returns.models import ReturnAttachment

        from .conftest import png_bytes

        ret = request_return(order)

        def refuse(self, *args, **kwargs):
            raise RuntimeError("database refused the row")

        monkeypatch.setattr(ReturnAttachment, "save", refuse)
        with pytest.raises(RuntimeError):
            services.add_attachment(
                ret=ret,
                actor=buyer,
                file=SimpleUploadedFile("foto.png", png_bytes(), "image/png"),
            )
        stored = [
            p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file() and "documents" not in p.parts
        ]
        assert stored == [] and not ReturnAttachment.objects.exists()

    def test_other_company_cannot_attach(self, order, request_return, other_buyer):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from .conftest import png_bytes

        ret = request_return(order)
        with pytest.raises(Return.DoesNotExist):
            services.add_attachment(
                ret=ret,
                actor=other_buyer,
                file=SimpleUploadedFile("foto.png", png_bytes(), "image/png"),
            )


@pytest.mark.django_db
class TestStock:
    def test_restock_and_write_off_through_the_ledger(self, order, request_return, walk):
        before = stock("DRILL-18V").on_hand
        paper_before = stock("PAPER-A4").on_hand
        ret = request_return(
            order,
            lines=[
                {"sku": "DRILL-18V", "quantity": 2, "reason": "defective"},
                {"sku": "PAPER-A4", "quantity": 5, "reason": "no_longer_needed"},
            ],
            resolution="repair",
        )
        ret.attachments.create(
            original_name="x.png", content_type="image/png", size=1, file="returns/x.png"
        )
        ret = walk(
            ret,
            to="inspeccionada",
            grades=[
                {"sku": "DRILL-18V", "condition": "resellable", "quantity": 1},
                {"sku": "DRILL-18V", "condition": "damaged", "quantity": 1},
                {"sku": "PAPER-A4", "condition": "resellable", "quantity": 4},
                {"sku": "PAPER-A4", "condition": "missing", "quantity": 1},
            ],
        )
        assert stock("DRILL-18V").on_hand == before + 1
        assert stock("PAPER-A4").on_hand == paper_before + 4
        moves = StockMovement.objects.filter(reference=ret.number)
        assert sorted((m.stock_item.product.sku, m.kind, m.on_hand_delta) for m in moves) == [
            ("DRILL-18V", MovementKind.RETURN_RESTOCK, 2),
            ("DRILL-18V", MovementKind.WRITE_OFF, -1),
            ("PAPER-A4", MovementKind.RETURN_RESTOCK, 4),
        ]
        assert_ledger_reconciles()

    def test_receive_less_than_requested_into_a_chosen_warehouse(
        self, order, request_return, manager, warehouses
    ):
        _mad, waw = warehouses
        ret = request_return(
            order, lines=[{"sku": "PAPER-A4", "quantity": 5, "reason": "no_longer_needed"}]
        )
        services.authorize_return(ret=ret, actor=manager)
        with pytest.raises(InvalidReturn) as caught:
            services.receive_return(
                ret=ret, actor=manager, lines=[{"sku": "PAPER-A4", "quantity": 6}]
            )
        assert "lines.0.quantity" in caught.value.fields
        services.receive_return(
            ret=ret, actor=manager, lines=[{"sku": "PAPER-A4", "quantity": 3}], warehouse=waw
        )
        assert ret.lines.get().received_quantity == 3
        assert ret.warehouse == waw
        with pytest.raises(InvalidReturn) as caught:
            services.inspect_return(
                ret=ret,
                actor=manager,
                lines=[{"sku": "PAPER-A4", "condition": "resellable", "quantity": 4}],
            )
        assert list(caught.value.fields) == ["lines.0.quantity"]
        assert "3" in caught.value.fields["lines.0.quantity"][0]  # what arrived
        assert not StockMovement.objects.filter(reference=ret.number).exists()
        services.inspect_return(
            ret=ret, actor=manager, lines=[{"sku": "PAPER-A4", "condition": "resellable"}]
        )
        assert stock("PAPER-A4", "WAW").on_hand == 3
        assert_ledger_reconciles()

    def test_inspection_must_grade_every_received_unit(self, order, request_return, walk, manager):
        ret = walk(
            request_return(
                order, lines=[{"sku": "PAPER-A4", "quantity": 5, "reason": "no_longer_needed"}]
            ),
            to="recibida",
        )
        with pytest.raises(InvalidReturn):
            services.inspect_return(
                ret=ret,
                actor=manager,
                lines=[{"sku": "PAPER-A4", "condition": "resellable", "quantity": 2}],
            )
        with pytest.raises(InvalidReturn):
            services.inspect_return(
                ret=ret, actor=manager, lines=[{"sku": "PAPER-A4", "condition": "broken"}]
            )


@pytest.fixture
def discounted_company(db):
    return CompanyFactory(discount_percent=D("10.00"), legal_name="Descuentos S.A.")


@pytest.mark.django_db
class TestCreditNote:
    """Company discount 10 %, a 10 % coupon, VAT 21 % and 10 %, a 15 % restocking fee.

    Order: 2 drills at 90.00 (100.00 less 10 %), 10 paper at 4.46 (4.95 less 10 %:
    4.455, half up), 5 mugs at 5.40. Subtotal 251.60, coupon 25.16, shipping 9.90.
    Returned: 1 drill (no longer needed: fee) and 4 paper (wrong item: the seller pays
    the return postage, 6.00 recorded at receipt).

    goods 90.00 + 17.84 = 107.84; coupon share 25.16 x 107.84 / 251.60 = 10.784 -> 10.78
    fee: the drill's coupon share 25.16 x 90 / 251.60 = 9.00; 15 % of 81.00 = 12.15
    VAT 10 %: share 10.78 x 17.84 / 107.84 = 1.78; base 16.06; VAT 1.61
    VAT 21 %: share 9.00; base 90.00 - 9.00 + 6.00 postage - 12.15 fee = 74.85; VAT 15.72
    subtotal 107.84 - 12.15 = 95.69; total 95.69 - 10.78 + 6.00 + 17.33 = 108.24
    """

    def test_amounts_to_the_cent(
        self, discounted_company, delivered, request_return, walk, manager
    ):
        coupon = CouponFactory(value=D("10.00"))
        order = delivered(discounted_company, coupon=coupon.code)
        assert (order.subtotal, order.discount, order.shipping) == (
            D("251.60"),
            D("25.16"),
            D("9.90"),
        )
        ret = request_return(
            order,
            lines=[
                {"sku": "DRILL-18V", "quantity": 1, "reason": "no_longer_needed"},
                {"sku": "PAPER-A4", "quantity": 4, "reason": "wrong_item"},
            ],
            actor=manager,
        )
        ret = walk(ret, to="resuelta", resolution="refund", shipping_cost="6.00")
        credit = ret.credit_note
        assert credit.kind == InvoiceKind.CREDIT_NOTE
        assert credit.number.startswith(f"AB-{timezone.localdate().year}-")
        assert credit.corrects == Invoice.objects.get(order=order, kind="invoice")
        assert (credit.subtotal, credit.discount, credit.shipping, credit.tax, credit.total) == (
            D("-95.69"),
            D("-10.78"),
            D("-6.00"),
            D("-17.33"),
            D("-108.24"),
        )
        assert credit.tax_breakdown == [
            {"rate": "10.00", "base": "-16.06", "tax": "-1.61"},
            {"rate": "21.00", "base": "-74.85", "tax": "-15.72"},
        ]
        lines = [(li.sku, li.quantity, li.unit_price, li.net_amount) for li in credit.lines.all()]
        assert lines == [
            ("DRILL-18V", -1, D("90.00"), D("-90.00")),
            ("PAPER-A4", -4, D("4.46"), D("-17.84")),
            ("DRILL-18V", 1, D("12.15"), D("12.15")),
        ]
        assert ret.lines.get(sku="DRILL-18V").restocking_fee == D("12.15")
        assert ret.refund_total == D("108.24")
        assert ret.refund_due is not None

    def test_whole_order_for_a_seller_fault_refunds_outbound_shipping(
        self, company, delivered, request_return, walk, manager
    ):
        order = delivered(company, lines=[{"sku": "PAPER-A4", "quantity": 2}])
        ret = request_return(
            order, lines=[{"sku": "PAPER-A4", "quantity": 2, "reason": "wrong_item"}]
        )
        ret = walk(ret, to="resuelta", resolution="refund")
        invoice = Invoice.objects.get(order=order, kind="invoice")
        assert ret.credit_note.total == -invoice.total
        assert ret.credit_note.shipping == -order.shipping

    def test_credit_series_numbers_follow_each_other(
        self, company, delivered, request_return, walk
    ):
        order = delivered(company)
        first = walk(request_return(order), resolution="refund")
        second = walk(
            request_return(
                order, lines=[{"sku": "PAPER-A4", "quantity": 1, "reason": "no_longer_needed"}]
            ),
            resolution="refund",
        )
        a, b = first.credit_note.number, second.credit_note.number
        assert a[:8] == b[:8] == f"AB-{timezone.localdate().year}-"
        assert int(b[-6:]) == int(a[-6:]) + 1

    def test_nothing_accepted_nothing_credited(self, order, request_return, walk):
        ret = request_return(order)
        with pytest.raises(InvalidReturn):
            walk(
                ret,
                grades=[{"sku": "DRILL-18V", "condition": "missing"}],
                resolution="refund",
            )
        ret.refresh_from_db()
        assert ret.status == ReturnStatus.INSPECCIONADA
        assert not Invoice.objects.filter(kind="credit_note").exists()


@pytest.mark.django_db
class TestStoreCredit:
    def test_credit_then_applied_to_a_later_order(
        self, company, delivered, request_return, walk, buyer, products, manager
    ):
        from orders import services as orders

        order = delivered(company)
        ret = walk(request_return(order), resolution="store_credit")
        credited = -ret.credit_note.total
        assert services.store_credit_balance(company) == credited
        entry = StoreCreditEntry.objects.get(kind="credit")
        assert (entry.ret, entry.credit_note) == (ret, ret.credit_note)

        later = orders.place_order(
            actor=buyer, company=company, lines=[{"sku": "PAPER-A4", "quantity": 100}]
        )
        assert later.total > credited
        with pytest.raises(StoreCreditError):
            services.apply_store_credit(actor=buyer, order=later, amount=credited + D("0.01"))
        services.apply_store_credit(actor=buyer, order=later, amount=credited)
        later.refresh_from_db()
        assert later.amount_paid == credited
        payment = later.payments.get()
        assert payment.amount == credited
        assert StoreCreditEntry.objects.get(kind="debit").payment == payment
        assert services.store_credit_balance(company) == D("0.00")
        with pytest.raises(StoreCreditError):
            services.apply_store_credit(actor=buyer, order=later, amount=D("0.01"))

    def test_never_more_than_the_order_outstanding(
        self, company, delivered, request_return, walk, manager
    ):
        order = delivered(company)
        walk(request_return(order), resolution="store_credit")
        small = delivered(company, lines=[{"sku": "PAPER-A4", "quantity": 1}])
        from orders import services as orders

        orders.record_payment(order=small, actor=manager, amount=small.total - D("1.00"))
        with pytest.raises(StoreCreditError):
            services.apply_store_credit(actor=manager, order=small, amount=D("1.01"))
        services.apply_store_credit(actor=manager, order=small, amount=D("1.00"))

    @pytest.mark.parametrize("amount", ["0", "-1", "abc", "1.001", None])
    def test_bad_amounts(self, order, buyer, amount):
        with pytest.raises(StoreCreditError):
            services.apply_store_credit(actor=buyer, order=order, amount=amount)

    def test_other_company_and_viewers_cannot_apply(self, order, other_buyer, viewer):
        with pytest.raises(order.DoesNotExist):
            services.apply_store_credit(actor=other_buyer, order=order, amount="1.00")
        with pytest.raises(NotAllowed):
            services.apply_store_credit(actor=viewer, order=order, amount="1.00")

    def test_ledger_is_append_only(self, order, request_return, walk):
        walk(request_return(order), resolution="store_credit")
        entry = StoreCreditEntry.objects.get()
        with pytest.raises(StoreCreditIsAppendOnly):
            entry.save()
        with pytest.raises(StoreCreditIsAppendOnly):
            StoreCreditEntry.objects.update(amount=D("1"))
        with pytest.raises(StoreCreditIsAppendOnly):
            StoreCreditEntry.objects.all().delete()
        assert StoreCreditEntry.objects.count() == 1


@pytest.mark.django_db
def test_replacement_is_a_zero_price_linked_order(order, request_return, walk):
    before = stock("DRILL-18V").reserved
    ret = walk(
        request_return(order, lines=[{"sku": "DRILL-18V", "quantity": 2, "reason": "wrong_item"}]),
        resolution="replacement",
    )
    replacement = ret.replacement_order
    assert replacement is not None and replacement.pk != order.pk
    assert replacement.status == OrderStatus.PENDIENTE
    assert replacement.total == D("0.00")
    assert [(li.sku, li.quantity, li.unit_price) for li in replacement.lines.all()] == [
        ("DRILL-18V", 2, D("0.00"))
    ]
    assert stock("DRILL-18V").reserved == before + 2
    assert replacement.replaces_return == ret
    assert ret.credit_note is None
    assert_ledger_reconciles()


@pytest.mark.django_db
def test_repair_is_tracked_until_shipped_back(order, request_return, walk, manager):
    ret = walk(request_return(order), resolution="repair")
    services.add_return_note(ret=ret, actor=manager, note="En el taller")
    services.mark_repair_shipped(ret=ret, actor=manager, note="Enviado")
    assert ret.repair_shipped_at is not None
    with pytest.raises(TransitionNotAllowed):
        services.mark_repair_shipped(ret=ret, actor=manager)
    assert list(ret.events.values_list("kind", flat=True))[-2:] == ["note", "repair_shipped"]


@pytest.mark.django_db
def test_expiry_reminds_once_then_expires(order, request_return, manager, settings, flush):
    settings.RETURN_REMINDER_DAYS = 10
    settings.RETURN_RECEIVE_DAYS = 14
    ret = request_return(order)
    services.authorize_return(ret=ret, actor=manager)
    authorized = ret.authorized_at
    assert services.remind_and_expire(now=authorized + dt.timedelta(days=9)) == {
        "reminded": 0,
        "expired": 0,
    }
    assert services.remind_and_expire(now=authorized + dt.timedelta(days=10, hours=1)) == {
        "reminded": 1,
        "expired": 0,
    }
    assert services.remind_and_expire(now=authorized + dt.timedelta(days=12)) == {
        "reminded": 0,
        "expired": 0,
    }
    assert OutboxEvent.objects.filter(event_type="return.reminder").count() == 1
    assert services.remind_and_expire(now=authorized + dt.timedelta(days=14, hours=1)) == {
        "reminded": 0,
        "expired": 1,
    }
    ret.refresh_from_db()
    assert (ret.status, ret.expired) == (ReturnStatus.CANCELADA, True)
    assert ret.events.filter(kind="expired").exists()
    assert services.remind_and_expire(now=authorized + dt.timedelta(days=30)) == {
        "reminded": 0,
        "expired": 0,
    }


@pytest.mark.django_db
def test_abuse_flag(company, delivered, request_return, settings, manager):
    settings.RETURN_ABUSE_MAX_RETURNS = 3
    settings.RETURN_ABUSE_MAX_RATE = "50"
    order = delivered(company)  # 17 units bought
    # Seller-fault returns are not counted.
    for _ in range(3):
        request_return(order, lines=[{"sku": "PAPER-A4", "quantity": 1, "reason": "wrong_item"}])
    flag = AbuseFlag.objects.get(company=company)
    assert (flag.flagged, flag.returns_count) == (False, 0)
    request_return(order, lines=[{"sku": "PAPER-A4", "quantity": 1, "reason": "other"}])
    request_return(order)
    flag.refresh_from_db()
    assert (flag.flagged, flag.returns_count, flag.units_returned, flag.units_bought) == (
        False,
        2,
        2,
        17,
    )
    third = request_return(order)
    flag.refresh_from_db()
    assert flag.flagged and flag.returns_count == 3 and flag.flagged_since
    services.cancel_return(ret=third, actor=manager)
    flag.refresh_from_db()
    assert not flag.flagged
    # Nightly: the rolling window moves on.
    services.evaluate_all_abuse(now=timezone.now() + dt.timedelta(days=91))
    flag.refresh_from_db()
    assert (flag.returns_count, flag.flagged) == (0, False)


@pytest.mark.django_db
def test_abuse_rate_threshold(company, delivered, request_return, settings):
    settings.RETURN_ABUSE_MAX_RETURNS = 100
    settings.RETURN_ABUSE_MAX_RATE = "20"
    order = delivered(company, lines=[{"sku": "PAPER-A4", "quantity": 10}])
    request_return(order, lines=[{"sku": "PAPER-A4", "quantity": 1, "reason": "other"}])
    assert not AbuseFlag.objects.get(company=company).flagged
    request_return(order, lines=[{"sku": "PAPER-A4", "quantity": 1, "reason": "other"}])
    flag = AbuseFlag.objects.get(company=company)
    assert flag.flagged and flag.rate == D("20.00")


@pytest.mark.django_db
def test_reasons_are_data_edited_by_managers(manager, service_agent):
    from core.models import AuditEntry
    from returns.models import ReturnReason

    reason = ReturnReason.objects.get(code="other")
    with pytest.raises(NotAllowed):
        services.save_reason(actor=service_agent, reason=reason, evidence_required=True)
    services.save_reason(actor=manager, reason=reason, evidence_required=True)
    assert ReturnReason.objects.get(code="other").evidence_required
    assert AuditEntry.objects.filter(object_id=str(reason.pk)).exists()
    with pytest.raises(InvalidReturn):
        services.save_reason(actor=manager, reason=reason, notice_window_days=-3)
