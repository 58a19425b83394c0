from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self):
        # Registers the outbox consumers (order.status_changed -> invoices, PDFs).
        # The API order detail lists an order's documents through orders' hook, so
        # that orders never imports documents.
        from orders.hooks import register_order_documents

        from . import consumers  # noqa: F401
        from .api.serializers import OrderDocumentSerializer
        from .selectors import documents_for_order

        register_order_documents(fetch=documents_for_order, serializer=OrderDocumentSerializer)
