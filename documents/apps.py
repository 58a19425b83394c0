from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self):
        # Registers the outbox consumers (order.status_changed -> invoices, PDFs).
        from . import consumers  # noqa: F401
