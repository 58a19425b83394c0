from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, DomainError


class LastAdminError(Conflict):
    code = "last_admin"

    def __init__(self):
        super().__init__(_("A company must keep at least one active administrator."))


class DefaultAddressError(DomainError):
    code = "default_address_required"

    def __init__(self):
        super().__init__(
            _("The default shipping address cannot be removed; make another one the default first.")
        )


class SelfDeactivationError(DomainError):
    code = "cannot_deactivate_self"

    def __init__(self):
        super().__init__(_("You cannot deactivate your own account."))


class InvalidOrderLimit(DomainError):
    code = "validation_error"

    def __init__(self):
        super().__init__(
            _("Enter an order limit of 0 or more, or leave it empty for no limit."),
            fields={"order_limit": [_("Enter a valid amount.")]},
        )
