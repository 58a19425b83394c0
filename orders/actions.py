"""The order actions, declared once (``core.actions``): the back-office buttons, forms
and bulk actions, the API action endpoints, the portal's actions and the services'
own checks all read ``registry``. Placing an order is a service of its own
(``orders.services.place_order``).

Adding an action is one ``registry.declare(Action(...))`` here plus its service.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.actions import Action, ActionRegistry, Guard

from .errors import NotAllowed, TransitionNotAllowed
from .models import Order, OrderStatus
from .permissions import ANY_STAFF, EDITORS, FULFILMENT, owns_action

OPEN_FOR_HOLD = (OrderStatus.PENDIENTE, OrderStatus.EN_PREPARACION)
PAYABLE = tuple(s for s in OrderStatus.values if s != OrderStatus.CANCELADO)


def not_now(action: Action, order: Order, message=None) -> TransitionNotAllowed:
    return TransitionNotAllowed(
        action=str(action.label), status=str(order.get_status_display()), message=message
    )


registry = ActionRegistry(owns=owns_action, not_now=not_now, not_allowed=NotAllowed)

FORMS = "orders.backoffice.forms."
SERIALIZERS = "orders.api.serializers."

registry.declare(
    Action(
        name="prepare",
        label=_("Start preparation"),
        service="orders.services.prepare_order",
        object_arg="order",
        transition="prepare",
        reasons={"is_not_on_hold": _("The order is on hold: release it before preparing it.")},
        roles=EDITORS,
        serializer=SERIALIZERS + "OptionalNoteInputSerializer",
        bulk=True,
        api_path="prepare",
    )
)
registry.declare(
    Action(
        name="ship",
        label=_("Ship"),
        service="orders.services.ship_order",
        object_arg="order",
        transition="ship",
        reasons={"is_not_on_hold": _("The order is on hold: release it before shipping.")},
        roles=FULFILMENT,
        form=FORMS + "ShipForm",
        serializer=SERIALIZERS + "ShipInputSerializer",
        api_path="ship",
    )
)
registry.declare(
    Action(
        name="deliver",
        label=_("Mark delivered"),
        service="orders.services.deliver_order",
        object_arg="order",
        transition="deliver",
        roles=FULFILMENT,
        form=FORMS + "DeliverForm",
        serializer=SERIALIZERS + "DeliverInputSerializer",
        style="success",
        api_path="deliver",
    )
)
registry.declare(
    Action(
        name="record_payment",
        label=_("Record payment"),
        service="orders.services.record_payment",
        object_arg="order",
        states=PAYABLE,
        guards=(Order.has_balance_due,),
        roles=EDITORS,
        form=FORMS + "PaymentForm",
        serializer=SERIALIZERS + "PaymentInputSerializer",
        style="outline-secondary",
        api_path="payments",
        api_status=201,
        api_response="orders.api.views.payment_recorded",
    )
)
registry.declare(
    Action(
        name="hold",
        label=_("Hold"),
        service="orders.services.hold_order",
        object_arg="order",
        states=OPEN_FOR_HOLD,
        guards=(Guard.of(Order.is_not_on_hold, reason=_("The order is already on hold.")),),
        roles=EDITORS,
        form=FORMS + "NoteForm",
        serializer=SERIALIZERS + "NoteInputSerializer",
        bulk=True,
        style="outline-warning",
        api_path="hold",
    )
)
registry.declare(
    Action(
        name="release",
        label=_("Release hold"),
        service="orders.services.release_order",
        object_arg="order",
        states=tuple(OrderStatus.values),
        guards=(Order.is_on_hold,),
        roles=EDITORS,
        form=FORMS + "NoteForm",
        serializer=SERIALIZERS + "NoteInputSerializer",
        bulk=True,
        style="warning",
        api_path="release",
    )
)
registry.declare(
    Action(
        name="cancel",
        label=_("Cancel"),
        service="orders.services.cancel_order",
        object_arg="order",
        transition="cancel",
        roles=EDITORS,
        customer=True,
        customer_guard=Guard.of(Order.is_pending),
        form=FORMS + "ReasonForm",
        serializer=SERIALIZERS + "CancelInputSerializer",
        confirm=_("Cancel this order? Its reserved stock is released."),
        style="outline-danger",
        api_path="cancel",
    )
)
registry.declare(
    Action(
        name="change_fiscal_position",
        label=_("Change fiscal position"),
        service="orders.services.change_fiscal_position",
        object_arg="order",
        states=(OrderStatus.PENDIENTE,),
        roles=EDITORS,
        form=FORMS + "FiscalPositionForm",
        serializer=SERIALIZERS + "FiscalPositionInputSerializer",
        style="outline-secondary",
        api_path="fiscal-position",
    )
)
registry.declare(
    Action(
        name="add_note",
        label=_("Add note"),
        service="orders.services.add_order_note",
        object_arg="order",
        states=tuple(OrderStatus.values),
        roles=ANY_STAFF,
        form=FORMS + "OrderNoteForm",
        style="outline-secondary",
    )
)
