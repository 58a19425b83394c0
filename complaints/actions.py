"""The complaint actions, declared once (``core.actions``): the back-office buttons
and forms, the API action endpoints (``/api/v1/complaints/{number}/<api_path>/``), the
portal's actions and the services' own checks all read ``registry``. Filing is a
service of its own (``complaints.services.file_complaint``), as are messages and
attachments, which every state allows.

Roles: customer service analyses, decides, resolves, closes, reopens, assigns and
files claims; managers (and seller keys) everything; customers accept or dispute a
resolution (``resuelta``), reopen a closed one within 14 days and rate it.

Each action's form (``complaints.forms``) and API serializer
(``complaints.api.serializers``) carry exactly the keyword arguments of its service
(``complaints/tests/test_actions.py`` checks every one).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.actions import Action, ActionRegistry

from .errors import NotAllowed, TransitionNotAllowed
from .models import Complaint, ComplaintStatus
from .permissions import SERVICE, owns_action


def not_now(action: Action, complaint: Complaint, message=None) -> TransitionNotAllowed:
    return TransitionNotAllowed(
        action=str(action.label), status=str(complaint.get_status_display()), message=message
    )


registry = ActionRegistry(owns=owns_action, not_now=not_now, not_allowed=NotAllowed)

FORMS = "complaints.forms."
SERIALIZERS = "complaints.api.serializers."
NOT_CLOSED = (
    ComplaintStatus.ABIERTA,
    ComplaintStatus.EN_ANALISIS,
    ComplaintStatus.DECIDIDA,
    ComplaintStatus.RESUELTA,
)

registry.declare(
    Action(
        name="start_analysis",
        label=_("Start analysis"),
        service="complaints.services.start_analysis",
        object_arg="complaint",
        transition="start_analysis",
        roles=SERVICE,
        form=FORMS + "NoteForm",
        serializer=SERIALIZERS + "ComplaintNoteInputSerializer",
        api_path="start_analysis",
    )
)
registry.declare(
    Action(
        name="decide",
        label=_("Decide"),
        service="complaints.services.decide_complaint",
        object_arg="complaint",
        transition="decide",
        roles=SERVICE,
        form=FORMS + "DecideForm",
        serializer=SERIALIZERS + "ComplaintDecideInputSerializer",
        api_path="decide",
    )
)
registry.declare(
    Action(
        name="resolve",
        label=_("Resolve"),
        service="complaints.services.resolve_complaint",
        object_arg="complaint",
        transition="resolve",
        roles=SERVICE,
        form=FORMS + "ResolveForm",
        serializer=SERIALIZERS + "ComplaintResolveInputSerializer",
        style="success",
        api_path="resolve",
    )
)
registry.declare(
    Action(
        name="close",
        label=_("Close"),
        service="complaints.services.close_complaint",
        object_arg="complaint",
        transition="close",
        roles=SERVICE,
        form=FORMS + "NoteForm",
        serializer=SERIALIZERS + "ComplaintNoteInputSerializer",
        confirm=_("Close this complaint?"),
        style="outline-secondary",
        api_path="close",
    )
)
registry.declare(
    Action(
        name="accept",
        label=_("Accept the resolution"),
        service="complaints.services.accept_resolution",
        object_arg="complaint",
        transition="close",
        roles=(),
        customer=True,
        form=FORMS + "NoteForm",
        serializer=SERIALIZERS + "ComplaintNoteInputSerializer",
        confirm=_("Accept the resolution and close the complaint?"),
        style="success",
        api_path="accept",
    )
)
registry.declare(
    Action(
        name="dispute",
        label=_("Dispute the resolution"),
        service="complaints.services.dispute_resolution",
        object_arg="complaint",
        transition="reopen",
        guards=(Complaint.is_resolved,),
        roles=(),
        customer=True,
        form=FORMS + "ReasonForm",
        serializer=SERIALIZERS + "ComplaintReasonInputSerializer",
        style="outline-danger",
        api_path="dispute",
    )
)
registry.declare(
    Action(
        name="reopen",
        label=_("Reopen"),
        service="complaints.services.reopen_complaint",
        object_arg="complaint",
        transition="reopen",
        roles=SERVICE,
        customer=True,
        form=FORMS + "ReasonForm",
        serializer=SERIALIZERS + "ComplaintReasonInputSerializer",
        style="outline-danger",
    )
)
registry.declare(
    Action(
        name="assign",
        label=_("Assign"),
        service="complaints.services.assign_complaint",
        object_arg="complaint",
        states=NOT_CLOSED,
        roles=SERVICE,
        form=FORMS + "AssignForm",
        bulk=True,
        style="outline-primary",
    )
)
registry.declare(
    Action(
        name="record_analysis",
        label=_("Root cause"),
        service="complaints.services.record_analysis",
        object_arg="complaint",
        states=tuple(ComplaintStatus.values),
        roles=SERVICE,
        form=FORMS + "AnalysisForm",
        style="outline-secondary",
    )
)
registry.declare(
    Action(
        name="carrier_claim",
        label=_("File carrier claim"),
        service="complaints.services.file_carrier_claim",
        object_arg="complaint",
        states=tuple(ComplaintStatus.values),
        guards=(Complaint.carrier_claimable,),
        roles=SERVICE,
        form=FORMS + "ClaimForm",
        confirm=_("Email the claim to the carrier?"),
        style="outline-warning",
    )
)
registry.declare(
    Action(
        name="supplier_claim",
        label=_("Send supplier claim"),
        service="complaints.services.send_supplier_claim",
        object_arg="complaint",
        states=tuple(ComplaintStatus.values),
        guards=(Complaint.supplier_claimable,),
        roles=SERVICE,
        form=FORMS + "ClaimForm",
        confirm=_("Email the claim to the supplier?"),
        style="outline-warning",
    )
)
registry.declare(
    Action(
        name="rate",
        label=_("Rate"),
        service="complaints.services.rate_complaint",
        object_arg="complaint",
        states=(ComplaintStatus.CERRADA,),
        guards=(Complaint.not_rated,),
        roles=(),
        customer=True,
        form=FORMS + "RatingForm",
        serializer=SERIALIZERS + "ComplaintRatingInputSerializer",
        style="primary",
        api_path="rating",
        api_status=201,
    )
)
