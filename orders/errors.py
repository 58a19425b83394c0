"""Orders domain errors, each with a stable ``code`` (the API's error code)."""

from django.utils.translation import gettext as _

from core.errors import Conflict, DomainError


class InvalidOrder(DomainError):
    """Bad input (lines, address, method, coupon...); ``fields`` says where."""

    code = "validation_error"

    def __init__(self, fields: dict[str, list[str]], message=None):
        super().__init__(message or _("The order has errors; nothing was placed."), fields=fields)


class InvalidInput(DomainError):
    """Bad input of a transition (carrier, dates, amounts, notes)."""

    code = "validation_error"

    def __init__(self, fields: dict[str, list[str]]):
        first = next(iter(fields.values()))[0]
        super().__init__(first, fields=fields)


class CouponNotApplicable(DomainError):
    code = "coupon_not_applicable"

    def __init__(self, reason):
        super().__init__(reason, fields={"coupon": [reason]})


class NotAllowed(DomainError):
    """The actor's role does not own this action."""

    code = "permission_denied"
    status = 403

    def __init__(self, message=None):
        super().__init__(message or _("You are not allowed to do this with this order."))


class CustomerBlocked(Conflict):
    code = "customer_blocked"

    def __init__(self):
        super().__init__(_("The customer's account is blocked: no new orders can be placed."))


class TransitionNotAllowed(Conflict):
    """The order's state (or hold) does not allow this action now."""

    code = "transition_not_allowed"

    def __init__(self, *, action: str, status: str, message=None):
        self.action, self.status_slug = action, status
        super().__init__(
            message
            or _("“%(action)s” is not possible while the order is %(status)s.")
            % {"action": action, "status": status}
        )


class ChecksFailed(Conflict):
    """Preparation refused: ``checks`` lists every check with ``passed`` and a reason."""

    code = "checks_failed"

    def __init__(self, checks):
        self.checks = checks
        failing = "; ".join(str(c.reason) for c in checks if not c.passed)
        super().__init__(
            _("The order cannot enter preparation: %(reasons)s") % {"reasons": failing}
        )
