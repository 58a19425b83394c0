"""Benchmark: render 50-line invoices with the real templates, against a naive baseline.

    python bench/invoices.py [--n 20] [--cold-runs 3] [--profile]

Prints the median ms per document cold (first render in a fresh process: fonts,
stylesheets and templates loaded) and warm, documents per minute with the worker
concurrency (CELERY_WORKER_CONCURRENCY or the CPU count), and a baseline measured in
the same run: a naive WeasyPrint render of a bare 50-line A4 table (DejaVu Sans 9 pt,
six columns, automatic table layout, ``HTML(string=...).write_pdf()`` with default
settings, a fresh render each call). The invoice is built in memory (no database).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from config.celery import prepare_worker_process  # noqa: E402
from documents import pdf, services  # noqa: E402
from documents.models import Invoice, InvoiceKind, InvoiceLine  # noqa: E402

NAMES = [
    "Łopata ogrodowa żółta — ąćęłńóśźż",
    "Guantes de albañil talla L — ñáéíóú",
    "Taladro percutor 18 V con batería",
    "Rękawice robocze powlekane nitrylem",
    "Caja de tornillos inoxidables 4x40 (200 uds.)",
]


def build_invoice(lines: int = 50) -> tuple[Invoice, list[InvoiceLine]]:
    """An unsaved 50-line invoice with everything a real one prints."""
    today = dt.date(2026, 3, 2)
    rows = []
    for position in range(1, lines + 1):
        quantity = position % 7 + 1
        price = Decimal("3.45") * (position % 11 + 1)
        rate = Decimal("21.00") if position % 3 else Decimal("10.00")
        rows.append(
            InvoiceLine(
                position=position,
                sku=f"SKU-{position:05d}-PL",
                description=NAMES[position % len(NAMES)],
                quantity=quantity,
                unit_price=price,
                vat_rate=rate,
                net_amount=price * quantity,
            )
        )

    class _Line:  # what vat_breakdown reads
        def __init__(self, row):
            self.vat_rate, self.line_total = row.vat_rate, row.net_amount

    subtotal = sum(row.net_amount for row in rows)
    shipping = Decimal("9.90")
    breakdown = services.vat_breakdown(
        [_Line(row) for row in rows], discount=Decimal("0.00"), shipping=shipping
    )
    tax = sum(row["tax"] for row in breakdown)
    invoice = Invoice(
        kind=InvoiceKind.INVOICE,
        number="FV-2026-000123",
        issued_at=dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC),
        issue_date=today,
        due_date=today + dt.timedelta(days=30),
        language="pl",
        currency="PLN",
        seller=services.seller_snapshot(),
        customer={
            "legal_name": "Hurtownia Kowalski Sp. z o.o.",
            "tax_id": "PL5260250274",
            "line1": "ul. Świętokrzyska 12",
            "line2": "lok. 4",
            "postal_code": "00-916",
            "city": "Warszawa",
            "region": "mazowieckie",
            "country": "PL",
        },
        shipping_address={
            "label": "Magazyn Łódź",
            "recipient": "Paweł Żółkiewski",
            "line1": "ul. Piotrkowska 100",
            "postal_code": "90-001",
            "city": "Łódź",
            "country": "PL",
        },
        order_number="PED-2026-000456",
        po_number="ZAM/2026/03/17",
        payment_terms="net30",
        subtotal=subtotal,
        discount=Decimal("0.00"),
        shipping=shipping,
        tax=tax,
        total=subtotal + shipping + tax,
        tax_breakdown=services._jsonable(breakdown),
    )
    return invoice, rows


BASELINE_ROW = (
    "<tr><td>{n}</td><td>SKU-{n:05d}</td><td>Łopata ogrodowa żółta ąćęłńóśźż ñáéíóú</td>"
    "<td>{q}</td><td>12,30</td><td>36,90</td></tr>"
)


def baseline_html(lines: int = 50) -> str:
    rows = "".join(BASELINE_ROW.format(n=n, q=n % 7 + 1) for n in range(1, lines + 1))
    return (
        "<html><head><style>@page { size: A4 } body { font-family: 'DejaVu Sans'; "
        "font-size: 9pt } table { width: 100%; border-collapse: collapse } "
        "td, th { border-bottom: 1px solid #ccc; padding: 2px }</style></head><body>"
        "<table><thead><tr><th>#</th><th>SKU</th><th>Description</th><th>Qty</th>"
        "<th>Price</th><th>Amount</th></tr></thead><tbody>" + rows + "</tbody></table>"
        "</body></html>"
    )


def render_baseline(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def timed(func, *args) -> float:
    start = time.perf_counter()
    func(*args)
    return (time.perf_counter() - start) * 1000


def cpu_timed(func, *args) -> float:
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        func(*args)
        return (time.process_time() - start) * 1000
    finally:
        gc.enable()


def cold_once() -> float:
    invoice, lines = build_invoice()
    return timed(pdf.render_invoice, invoice, lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20, help="documents per measurement")
    parser.add_argument("--cold-runs", type=int, default=3, help="fresh processes for cold")
    parser.add_argument("--profile", action="store_true", help="cProfile the warm renders")
    parser.add_argument("--out", help="also write one rendered invoice to this path")
    parser.add_argument("--cold-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.cold_only:
        print(f"{cold_once():.1f}")
        return

    colds = []
    for _ in range(args.cold_runs):
        result = subprocess.run(  # noqa: S603 - this script, fixed arguments
            [sys.executable, __file__, "--cold-only"],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "LOG_LEVEL": "WARNING"},
        )
        colds.append(float(result.stdout.strip().splitlines()[-1]))

    invoice, lines = build_invoice()
    first = pdf.render_invoice(invoice, lines)
    if args.out:
        Path(args.out).write_bytes(first)
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    # Blocks of invoices and of baseline renders alternate, so both see the same machine
    # load; not single renders: each baseline render builds a fresh FontConfiguration,
    # which also throws away the caches a worker's warm invoice renders live on.
    html = baseline_html()
    render_baseline(html)
    # Set the process up as a Celery worker process is (config.celery): renderer warmed,
    # the loaded heap frozen out of the collector's reach. Both the invoice and the
    # baseline renders below run in this process, so both get the same collector.
    prepare_worker_process()
    warm, baseline = [], []
    block = max(1, args.n // 4)
    while len(warm) < args.n:
        size = min(block, args.n - len(warm))
        warm.extend(timed(pdf.render_invoice, invoice, lines) for _ in range(size))
        if not args.profile:
            baseline.extend(timed(render_baseline, html) for _ in range(size))
    if args.profile:
        profiler.disable()
        pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(
            25
        )
        baseline = [timed(render_baseline, html) for _ in range(args.n)]

    # The render work alone: the collector paused around each render (and a collection
    # between renders, untimed), CPU time of this process; less noisy than wall time.
    work, work_baseline = [], []
    for _ in range(args.n):
        work.append(cpu_timed(pdf.render_invoice, invoice, lines))
        work_baseline.append(cpu_timed(render_baseline, html))

    concurrency = int(os.environ.get("CELERY_WORKER_CONCURRENCY") or os.cpu_count() or 1)
    warm_median = statistics.median(warm)
    baseline_median = statistics.median(baseline)
    pages = len(__import__("pypdf").PdfReader(__import__("io").BytesIO(first)).pages)
    print(f"invoice: 50 lines, {pages} pages, {len(first) // 1024} KB")
    print(f"cold median: {statistics.median(colds):.0f} ms ({args.cold_runs} fresh processes)")
    print(
        f"warm median: {warm_median:.0f} ms (n={args.n}, min {min(warm):.0f}, max {max(warm):.0f})"
    )
    print(f"baseline median: {baseline_median:.0f} ms (n={args.n})")
    print(
        f"render work alone (collector paused, CPU time): invoice {statistics.median(work):.0f} "
        f"ms, baseline {statistics.median(work_baseline):.0f} ms, ratio "
        f"{statistics.median(work) / statistics.median(work_baseline):.2f}"
    )
    print(
        f"throughput: {60000 / warm_median * concurrency:.0f} documents per minute "
        f"with concurrency {concurrency}"
    )
    print(
        f"warm median: {warm_median:.0f} ms per 50-line invoice; "
        f"baseline {baseline_median:.0f} ms; ratio {warm_median / baseline_median:.2f}"
    )


if __name__ == "__main__":
    main()
