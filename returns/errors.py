"""Returns domain errors, each with a stable ``code`` (the API's error code)."""

from django.utils.translation import gettext as _

from core.errors import Conflict, DomainError


class InvalidReturn(DomainError):
    """Bad input (lines, resolution, quantities, notes...); ``fields`` says where."""

    code = "validation_error"

    def __init__(self, fields: dict[str, list[str]], message=None):
        first = next(iter(fields.values()))[0] if fields else ""
        super().__init__(message or first or _("The return has errors."), fields=fields)


class NotEligible(DomainError):
    """One or more lines may not be returned; ``verdicts`` explains each line."""

    code = "return_not_eligible"

    def __init__(self, verdicts):
        self.verdicts = verdicts
        refused = [v for v in verdicts if not v.eligible]
        fields = {f"lines.{v.index}": [v.explanation] for v in refused}
        super().__init__(
            _("Some lines cannot be returned: %(reasons)s")
            % {"reasons": " ".join(v.explanation for v in refused)},
            fields=fields,
        )


class NotAllowed(DomainError):
    code = "permission_denied"
    status = 403

    def __init__(self, message=None):
        super().__init__(message or _("You are not allowed to do this with this return."))


class TransitionNotAllowed(Conflict):
    """The return's state does not allow this action now."""

    code = "transition_not_allowed"

    def __init__(self, *, action: str, status: str, message=None):
        self.action, self.status_slug = action, status
        super().__init__(
            message
            or _("“%(action)s” is not possible while the return is %(status)s.")
            % {"action": action, "status": status}
        )


class EvidenceMissing(Conflict):
    code = "evidence_missing"

    def __init__(self):
        super().__init__(
            _("Evidence is missing: attach a photo or document before it is authorized.")
        )


class InvalidAttachment(DomainError):
    code = "invalid_file"

    def __init__(self, message):
        super().__init__(message, fields={"file": [message]})


class StoreCreditError(DomainError):
    code = "store_credit_not_applicable"

    def __init__(self, message):
        super().__init__(message, fields={"amount": [message]})


class StoreCreditIsAppendOnly(DomainError):
    """Raised by any attempt to change or delete a store-credit entry through the ORM."""

    code = "store_credit_append_only"
    status = 409

    def __init__(self):
        super().__init__(_("Store credit entries cannot be changed or deleted; add a new entry."))
