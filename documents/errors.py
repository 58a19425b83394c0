from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class ImmutableDocument(DomainError):
    """An issued invoice or credit note cannot be changed or deleted."""

    code = "document_immutable"
    status = 409

    def __init__(self, message=None, **kwargs):
        default = _("Issued invoices and credit notes cannot be changed; issue a credit note.")
        super().__init__(message or default, **kwargs)
