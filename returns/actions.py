"""The return actions, declared once (``core.actions``): the back-office buttons and
forms, the API action endpoints (``/api/v1/returns/{number}/<api_path>/``), the
portal's actions and the services' own checks all read ``registry``. Requesting a
return is a service of its own (``returns.services.request_return``); expiry is the
system's (``returns.services.remind_and_expire``), not an action anyone clicks.

Roles: customer service authorizes, rejects and resolves; the warehouse receives and
inspects; managers (and seller keys) everything; customers cancel their own returns
while ``solicitada`` or ``autorizada``.

Back-office forms are named by dotted path (``returns.backoffice.forms.*``, written
with the pages); API input serializers live in ``returns.api.serializers``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.actions import Action, ActionRegistry

from .errors import NotAllowed, TransitionNotAllowed
from .models import Return, ReturnStatus
from .permissions import ANY_STAFF, SERVICE, WAREHOUSE, owns_action


def not_now(action: Action, ret: Return, message=None) -> TransitionNotAllowed:
    return TransitionNotAllowed(
        action=str(action.label), status=str(ret.get_status_display()), message=message
    )


registry = ActionRegistry(owns=owns_action, not_now=not_now, not_allowed=NotAllowed)

FORMS = "returns.backoffice.forms."
SERIALIZERS = "returns.api.serializers."

registry.declare(
    Action(
        name="authorize",
        label=_("Authorize"),
        service="returns.services.authorize_return",
        object_arg="ret",
        transition="authorize",
        roles=SERVICE,
        form=FORMS + "AuthorizeForm",
        serializer=SERIALIZERS + "ReturnAuthorizeInputSerializer",
        style="success",
        api_path="authorize",
    )
)
registry.declare(
    Action(
        name="reject",
        label=_("Reject"),
        service="returns.services.reject_return",
        object_arg="ret",
        transition="reject",
        roles=SERVICE,
        form=FORMS + "RejectForm",
        serializer=SERIALIZERS + "ReturnRejectInputSerializer",
        style="outline-danger",
        api_path="reject",
    )
)
registry.declare(
    Action(
        name="receive",
        label=_("Record receipt"),
        service="returns.services.receive_return",
        object_arg="ret",
        transition="receive",
        roles=WAREHOUSE,
        form=FORMS + "ReceiveForm",
        serializer=SERIALIZERS + "ReturnReceiveInputSerializer",
        api_path="receive",
    )
)
registry.declare(
    Action(
        name="inspect",
        label=_("Record inspection"),
        service="returns.services.inspect_return",
        object_arg="ret",
        transition="inspect",
        roles=WAREHOUSE,
        form=FORMS + "InspectForm",
        serializer=SERIALIZERS + "ReturnInspectInputSerializer",
        api_path="inspect",
    )
)
registry.declare(
    Action(
        name="resolve",
        label=_("Resolve"),
        service="returns.services.resolve_return",
        object_arg="ret",
        transition="resolve",
        roles=SERVICE,
        form=FORMS + "ResolveForm",
        serializer=SERIALIZERS + "ReturnResolveInputSerializer",
        style="success",
        api_path="resolve",
    )
)
registry.declare(
    Action(
        name="cancel",
        label=_("Cancel return"),
        service="returns.services.cancel_return",
        object_arg="ret",
        transition="cancel",
        roles=SERVICE,
        customer=True,
        form=FORMS + "CancelForm",
        serializer=SERIALIZERS + "ReturnCancelInputSerializer",
        confirm=_("Withdraw this return?"),
        style="outline-danger",
        api_path="cancel",
    )
)
registry.declare(
    Action(
        name="mark_repair_shipped",
        label=_("Repaired item shipped back"),
        service="returns.services.mark_repair_shipped",
        object_arg="ret",
        states=(ReturnStatus.RESUELTA,),
        guards=(Return.repair_pending,),
        roles=ANY_STAFF,
        form=FORMS + "NoteForm",
        style="outline-secondary",
    )
)
registry.declare(
    Action(
        name="add_note",
        label=_("Add note"),
        service="returns.services.add_return_note",
        object_arg="ret",
        states=tuple(ReturnStatus.values),
        roles=ANY_STAFF,
        form=FORMS + "ReturnNoteForm",
        style="outline-secondary",
    )
)
