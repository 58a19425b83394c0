"""Demo customers, users and staff for ``manage.py seed_demo`` (idempotent)."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction

from core.demo import workday
from core.roles import StaffRole

from . import exchange_rates, services
from .models import (
    Company,
    CustomerRole,
    ExchangeRate,
    TimelineEntry,
    TimelineKind,
    User,
    Visibility,
)
from .validators import NIP_WEIGHTS

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed for newcomers; demo data only


def polish_nip(base: str) -> str:
    """Complete nine digits with the NIP check digit (demo data must be valid)."""
    check = sum(int(d) * w for d, w in zip(base, NIP_WEIGHTS, strict=True)) % 11
    if check == 10:
        raise ValueError(base)
    return base + str(check)


COMPANIES = [
    {
        "legal_name": "Ferretería Industrial Gómez S.L.",
        "tax_id": "B87654323",
        "vat_number": "ESB87654323",
        "email": "compras@ferreteria-gomez.example",
        "phone": "+34 915 550 101",
        "line1": "Calle de Alcalá 210",
        "postal_code": "28028",
        "city": "Madrid",
        "region": "Madrid",
        "country": "ES",
        "language": "es",
        "currency": "EUR",
        "payment_terms": "net30",
        "credit_limit": Decimal("25000.00"),
        "discount_percent": Decimal("5.00"),
        # Its buyers may keep what is over the stock as a backorder (README, the cart).
        "allows_backorders": True,
        "tags": ["key account", "hardware"],
        "external_ref": "ERP-C-1001",
        "slug": "gomez",
    },
    {
        "legal_name": "Oficinas Levante S.A.",
        "tax_id": "A23456783",
        "vat_number": "ESA23456783",
        "email": "pedidos@oficinaslevante.example",
        "line1": "Avenida del Puerto 45",
        "postal_code": "46023",
        "city": "Valencia",
        "region": "Valencia",
        "country": "ES",
        "language": "es",
        "currency": "EUR",
        "payment_terms": "prepaid",
        "credit_limit": Decimal("0.00"),
        "discount_percent": Decimal("0.00"),
        "tags": ["office"],
        "external_ref": "ERP-C-1002",
        "slug": "levante",
    },
    {
        "legal_name": "Construcciones Norte S.L.",
        "tax_id": "B45678901",
        "vat_number": "ESB45678901",
        "email": "admin@construccionesnorte.example",
        "line1": "Gran Vía de Don Diego López de Haro 8",
        "postal_code": "48001",
        "city": "Bilbao",
        "region": "Bizkaia",
        "country": "ES",
        "language": "es",
        "currency": "EUR",
        "payment_terms": "net60",
        "credit_limit": Decimal("10000.00"),
        "discount_percent": Decimal("3.00"),
        "status": "blocked",
        "tags": ["workwear"],
        "external_ref": "ERP-C-1003",
        "slug": "norte",
    },
    {
        "legal_name": "Hurtownia Biurowa Kowalski Sp. z o.o.",
        "tax_id": polish_nip("526025027"),
        "vat_number": "PL" + polish_nip("526025027"),
        "email": "zamowienia@kowalski-biuro.example",
        "phone": "+48 22 555 01 01",
        "line1": "ul. Marszałkowska 84/92",
        "postal_code": "00-514",
        "city": "Warszawa",
        "region": "mazowieckie",
        "country": "PL",
        "language": "pl",
        "currency": "PLN",
        "payment_terms": "net15",
        "credit_limit": Decimal("80000.00"),
        "discount_percent": Decimal("7.50"),
        "tags": ["key account", "office"],
        "external_ref": "ERP-C-2001",
        "slug": "kowalski",
    },
    {
        "legal_name": "Elektro-Serwis Nowak S.A.",
        "tax_id": polish_nip("677123456"),
        "vat_number": "PL" + polish_nip("677123456"),
        "email": "biuro@elektro-nowak.example",
        "line1": "ul. Wielicka 28",
        "postal_code": "30-552",
        "city": "Kraków",
        "region": "małopolskie",
        "country": "PL",
        "language": "pl",
        "currency": "PLN",
        "payment_terms": "net30",
        "credit_limit": Decimal("40000.00"),
        "discount_percent": Decimal("2.00"),
        "tags": ["electronics"],
        "external_ref": "ERP-C-2002",
        "slug": "nowak",
    },
    {
        "legal_name": "Nordic Supplies ApS",
        "tax_id": "DK12345678",
        "vat_number": "DK12345674",
        "email": "purchasing@nordicsupplies.example",
        "line1": "Vesterbrogade 10",
        "postal_code": "1620",
        "city": "København",
        "country": "DK",
        "language": "en",
        "currency": "EUR",
        "payment_terms": "net30",
        "credit_limit": Decimal("15000.00"),
        "discount_percent": Decimal("0.00"),
        "tags": ["export"],
        "external_ref": "ERP-C-3001",
        "slug": "nordic",
    },
]

STAFF = [
    ("manager@example.com", "Marta", "Ruiz", StaffRole.MANAGER),
    ("service@example.com", "Carlos", "Pérez", StaffRole.CUSTOMER_SERVICE),
    ("warehouse@example.com", "Piotr", "Zieliński", StaffRole.WAREHOUSE),
]

NOTES = [
    (TimelineKind.CALL, "Llamada: pregunta por plazos de entrega en diciembre", Visibility.STAFF),
    (
        TimelineKind.MEETING,
        "Visita comercial: interés en la gama de ropa laboral",
        Visibility.STAFF,
    ),
]


#: Business days of PLN rates to the euro the demo has (up to the real today), so that
#: every demo order in zloty is invoiced with the rate of its day.
RATE_DAYS = 45


def seed_exchange_rates() -> None:
    """One PLN rate per weekday, deterministic (about 0.23 EUR per zloty)."""
    today = workday(0, "12:00").date()
    have = set(ExchangeRate.objects.filter(currency="PLN").values_list("date", flat=True))
    for back in range(RATE_DAYS, -1, -1):
        day = today - dt.timedelta(days=back)
        if day.weekday() >= 5 or day in have:
            continue
        rate = Decimal("0.2330") + Decimal(day.toordinal() % 7) * Decimal("0.0004")
        exchange_rates.save_exchange_rate(actor=None, currency="PLN", rate_to_eur=rate, date=day)


@transaction.atomic
def seed() -> list[tuple[str, str]]:
    """Create or refresh the demo customers and staff; returns the logins to print."""
    logins: list[tuple[str, str]] = []
    seed_exchange_rates()
    if not User.objects.filter(email="admin@example.com").exists():
        User.objects.create_superuser("admin@example.com", DEMO_PASSWORD, first_name="Admin")
    logins.append(("superuser (admin + back-office)", "admin@example.com"))
    for email, first, last, role in STAFF:
        user, created = User.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last, "is_staff": True}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=role))
        logins.append((f"staff: {StaffRole(role).label}", email))

    for data in COMPANIES:
        data = dict(data)
        slug, tags = data.pop("slug"), data.pop("tags")
        company = Company.objects.filter(tax_id=data["tax_id"]).first()
        if company is None:
            company = services.create_company(actor=None, tags=tags, **data)
        elif not company.vat_number and data.get("vat_number"):
            # Databases seeded before companies had EU VAT numbers.
            services.update_company(company=company, actor=None, vat_number=data["vat_number"])
        for role in CustomerRole.values:
            email = f"{role}@{slug}.example"
            if not User.objects.filter(email=email).exists():
                services.create_customer_user(
                    company=company,
                    actor=None,
                    email=email,
                    role=role,
                    first_name=role.capitalize(),
                    last_name=company.legal_name.split()[0],
                    password=DEMO_PASSWORD,
                )
            logins.append((f"{company.legal_name}: {CustomerRole(role).label}", email))
        manager = User.objects.get(email="manager@example.com")
        for kind, summary, visibility in NOTES:
            if not TimelineEntry.objects.filter(company=company, summary=summary).exists():
                services.add_staff_note(
                    company=company,
                    actor=manager,
                    kind=kind,
                    summary=summary,
                    visibility=visibility,
                )
    return logins
