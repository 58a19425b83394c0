"""``render_documents ORDER_NUMBER [--out DIR]``: render an order's PDFs again (for
inspection; stored documents are not touched)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from documents import pdf
from documents.models import DocumentFile, DocumentKind, Invoice
from orders.models import Order


class Command(BaseCommand):
    help = "Render an order's documents (invoice, credit notes, packing list, label) to DIR."

    def add_arguments(self, parser):
        parser.add_argument("order_number")
        parser.add_argument("--out", default=".", help="Directory for the PDFs (default: .)")

    def handle(self, *args, order_number, out, **options):
        order = (
            Order.objects.select_related("company", "carrier").filter(number=order_number).first()
        )
        if order is None:
            raise CommandError(f"No order {order_number}")
        directory = Path(out)
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        for invoice in Invoice.objects.filter(order=order).order_by("id"):
            written.append((f"{invoice.number}.pdf", pdf.render_invoice(invoice)))
        for kind in (DocumentKind.PACKING_LIST, DocumentKind.SHIPPING_LABEL):
            document = DocumentFile(order=order, kind=kind)
            written.append((document.filename, pdf.render_document(document)))
        for name, content in written:
            path = directory / name
            path.write_bytes(content)
            self.stdout.write(f"{path} ({len(content) // 1024} KB)")
