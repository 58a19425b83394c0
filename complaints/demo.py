"""Demo complaints for ``manage.py seed_demo`` (idempotent): complaints in every state,
through the complaints service on the demo clock, one minute after the other on the
last business day's evening (after the returns demo, so ids and times agree). Two are
recorded with an earlier filing moment (the service's ``now``: a complaint taken by
phone days ago), so their clocks have passed and the deadline check at the end
escalates them; one waits for the customer's answer, one carries a carrier claim and
one a supplier claim. Also: a supplier with a claims contact, the carriers' claims
addresses and a Polish sole trader with consumer protection."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from core.demo import demo_clock, workday
from customers.models import User
from orders.models import Carrier, Order, OrderStatus

from . import services
from .models import Complaint


def _photo() -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 90, 160)).save(buffer, format="JPEG")
    return SimpleUploadedFile("caja-danada.jpg", buffer.getvalue(), "image/jpeg")


def _buyer(slug):
    return User.objects.filter(email=f"buyer@{slug}.example").select_related("company").first()


def _delivered(company):
    return (
        Order.objects.filter(company=company, status=OrderStatus.ENTREGADO)
        .select_related("carrier")
        .prefetch_related("lines__product")
        .order_by("delivered_at", "id")
        .first()
    )


def _supplier_and_carriers():
    from inventory.models import Supplier
    from inventory.services import save_supplier
    from orders.services import save_carrier

    supplier = Supplier.objects.filter(name="Herramientas Bosque S.A.").first()
    if supplier is None:
        supplier = save_supplier(
            actor=None,
            name="Herramientas Bosque S.A.",
            claims_contact="Departamento de calidad",
            claims_email="calidad@herramientas-bosque.example",
            claim_window_days=30,
            language="es",
        )
    for carrier in Carrier.objects.filter(claims_email=""):
        save_carrier(actor=None, carrier=carrier, claims_email=f"claims@{carrier.code}.example")
    return supplier


START = "19:00"  # after the returns demo (17:00 and a minute per step) on the last business day


class _Clock:
    """One minute later at each call, from ``START`` on the last business day."""

    def __init__(self):
        self.base = workday(1, START)
        self.minutes = 0

    def __call__(self):
        self.minutes += 1
        return demo_clock(self.base + dt.timedelta(minutes=self.minutes))


def seed() -> list[tuple[str, str]]:
    """Create the demo complaints once; nothing happens when complaints exist."""
    if Complaint.objects.exists():
        return []
    service = User.objects.filter(email="service@example.com").first()
    gomez, kowalski, nowak = _buyer("gomez"), _buyer("kowalski"), _buyer("nowak")
    if None in (service, gomez, kowalski):
        return []
    gomez_order, kowalski_order = _delivered(gomez.company), _delivered(kowalski.company)
    if gomez_order is None or kowalski_order is None:
        return []
    clock = _Clock()
    with clock():
        supplier = _supplier_and_carriers()
    line = gomez_order.lines.order_by("position").first()
    if line.product.supplier_id is None:
        from inventory.services import update_product

        with clock():
            update_product(product=line.product, actor=None, supplier=supplier)

    def step(function, **data):
        with clock():
            return function(**data)

    def file(buyer, **fields):
        return step(services.file_complaint, actor=buyer, **fields)

    # Open, taken three business days ago and never answered: first response overdue.
    file(
        gomez,
        order=gomez_order.number,
        sku=line.sku,
        category="quality",
        description="Dos unidades llegaron con el interruptor flojo.",
        now=max(gomez_order.delivered_at, workday(3, "14:00")) + dt.timedelta(minutes=5),
    )
    # In analysis, waiting for the customer's photo (the resolution clock is paused).
    waiting = file(
        gomez,
        order=gomez_order.number,
        category="wrong_item",
        description="Nos llegó otro modelo del que pedimos.",
    )
    step(services.start_analysis, complaint=waiting, actor=service)
    step(
        services.post_message,
        complaint=waiting,
        actor=service,
        body="¿Nos puede enviar una foto de la etiqueta de la caja?",
        awaiting_customer=True,
    )
    step(
        services.post_message,
        complaint=waiting,
        actor=service,
        body="Revisar con almacén el lote de la semana pasada.",
        internal=True,
    )
    # Damage in transport: the carrier is responsible and a claim was filed.
    damaged = file(
        gomez,
        order=gomez_order.number,
        sku=line.sku,
        category="damage",
        description="La caja llegó aplastada y una unidad está rota.",
        files=[_photo()],
    )
    step(services.start_analysis, complaint=damaged, actor=service)
    step(
        services.record_analysis,
        complaint=damaged,
        actor=service,
        responsible_party="carrier",
        root_cause="Embalaje aplastado en el transporte.",
        defect_visibility="hidden",
    )
    if gomez_order.carrier_id is not None:
        step(
            services.file_carrier_claim,
            complaint=damaged,
            actor=service,
            note="Adjuntamos la foto del cliente.",
        )
    # Supplier defect: decided, the supplier notified.
    defect = file(
        gomez,
        order=gomez_order.number,
        sku=line.sku,
        category="quality",
        description="El motor se para a los pocos minutos.",
    )
    step(services.start_analysis, complaint=defect, actor=service)
    step(
        services.record_analysis,
        complaint=defect,
        actor=service,
        responsible_party="supplier",
        root_cause="Lote defectuoso del fabricante.",
        corrective_action="Revisión de lote en recepción.",
    )
    step(services.send_supplier_claim, complaint=defect, actor=service, note="Lote 2026-48")
    step(
        services.decide_complaint,
        complaint=defect,
        actor=service,
        decision="accepted",
        reasoning="Confirmado el defecto de fabricación del lote.",
    )
    # Resolved with a discount, waiting for the customer to accept it.
    late = file(
        kowalski,
        order=kowalski_order.number,
        category="delivery_delay",
        description="Dostawa przyszła trzy dni po terminie.",
    )
    step(services.start_analysis, complaint=late, actor=service)
    step(
        services.decide_complaint,
        complaint=late,
        actor=service,
        decision="accepted",
        reasoning="El transportista confirmó el retraso.",
    )
    step(
        services.resolve_complaint,
        complaint=late,
        actor=service,
        resolution="discount",
        note="Un 10 % de descuento en su próximo pedido.",
    )
    # Closed and rated.
    rated = file(
        kowalski,
        order=kowalski_order.number,
        category="invoicing",
        description="Na fakturze brakuje numeru zamówienia.",
    )
    step(services.start_analysis, complaint=rated, actor=service)
    step(
        services.decide_complaint,
        complaint=rated,
        actor=service,
        decision="accepted",
        reasoning="Error nuestro.",
    )
    step(
        services.resolve_complaint,
        complaint=rated,
        actor=service,
        resolution="explanation",
        note="Hemos corregido la referencia en sus datos.",
    )
    step(services.accept_resolution, complaint=rated, actor=kowalski)
    step(services.rate_complaint, complaint=rated, actor=kowalski, score=5, comment="Rápido.")
    # A Polish sole trader with consumer protection, its complaint taken by phone twelve
    # business days ago and still in analysis: the resolution clock has passed.
    if nowak is not None:
        from customers.services import update_company

        step(update_company, company=nowak.company, actor=None, consumer_protected=True)
        overdue = file(
            nowak,
            category="service",
            description="Nikt nie odpowiada na nasze maile w sprawie gwarancji.",
            now=workday(12, "10:00"),
        )
        step(services.start_analysis, complaint=overdue, actor=service)
    step(services.check_deadlines)
    return []
