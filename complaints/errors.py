"""Complaints domain errors, each with a stable ``code`` (the API's error code)."""

from django.utils.translation import gettext as _

from core.errors import Conflict, DomainError


class InvalidComplaint(DomainError):
    """Bad input (description, category, order, decision...); ``fields`` says where."""

    code = "validation_error"

    def __init__(self, fields: dict[str, list[str]], message=None):
        first = next(iter(fields.values()))[0] if fields else ""
        super().__init__(message or first or _("The complaint has errors."), fields=fields)


class NotAllowed(DomainError):
    code = "permission_denied"
    status = 403

    def __init__(self, message=None):
        super().__init__(message or _("You are not allowed to do this with this complaint."))


class TransitionNotAllowed(Conflict):
    """The complaint's state does not allow this action now."""

    code = "transition_not_allowed"

    def __init__(self, *, action: str, status: str, message=None):
        self.action, self.status_slug = action, status
        super().__init__(
            message
            or _("“%(action)s” is not possible while the complaint is %(status)s.")
            % {"action": action, "status": status}
        )


class InvalidAttachment(DomainError):
    code = "invalid_file"

    def __init__(self, message):
        super().__init__(message, fields={"file": [message]})


class AlreadyRated(Conflict):
    code = "already_rated"

    def __init__(self):
        super().__init__(_("The complaint has already been rated."))


class ClaimNotPossible(Conflict):
    code = "claim_not_possible"

    def __init__(self, message):
        super().__init__(message)
