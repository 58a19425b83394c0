"""Domain errors: a stable machine ``code`` and a translated human message.

Services raise them; the API's exception handler and the UI's form handling map them
to HTTP statuses and field errors. Services never import DRF or HttpResponse.
"""


class DomainError(Exception):
    code = "domain_error"
    #: HTTP status the API answers with; the UI shows the message instead.
    status = 400

    def __init__(self, message, *, code: str | None = None, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}


class Conflict(DomainError):
    code = "conflict"
    status = 409


class NotAllowed(DomainError):
    """The actor may not do this (its role does not own the action, or the object is
    not its company's). The API answers 403; the UI shows the message."""

    code = "permission_denied"
    status = 403

    def __init__(self, message=None, *, code: str | None = None):
        from django.utils.translation import gettext

        super().__init__(message or gettext("You are not allowed to do this."), code=code)
