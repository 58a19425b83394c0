"""The only code that creates or changes orders: placement and every transition.

The back-office, the portal and the API call these same functions (``from orders
import services``). Each service is one transaction (the API runs it inside the
request's transaction, which also stores the ``Idempotency-Key`` answer, so the effect
and its answer commit together); transitions lock the order row (``SELECT ... FOR
UPDATE``) and ask the state machine under the lock, so two clicks on "ship" never ship
twice. Stock moves only through ``inventory.services``.

``actor`` is a staff or customer user, an API key or None (the system);
``orders.permissions`` decides which actor owns which action.

One module per sub-domain: ``quote`` (validating and pricing), ``placement``,
``fulfilment`` (prepare, ship, deliver, cancel), ``holds`` (hold, release, notes),
``payments``, ``catalog`` (coupons and carriers) and ``fiscal`` (the fiscal position).
"""

from .approvals import approve_order, reject_order
from .catalog import save_carrier, save_coupon
from .fiscal import change_fiscal_position
from .fulfilment import cancel_order, deliver_order, prepare_order, resolve_carrier, ship_order
from .holds import add_order_note, hold_order, release_order
from .payments import record_payment
from .placement import ORDER_SERIES, needs_approval, place_order
from .quote import (
    ADDRESS_KEYS,
    MAX_AMOUNT,
    MAX_LINE_QUANTITY,
    MAX_LINES,
    PricedLine,
    Quote,
    add_business_days,
    address_snapshot,
    coupon_problem,
    find_coupon,
    normalize_lines,
    parse_quantity,
    promised_date,
    quote_order,
)
from .replacement import place_replacement_order
from .shopping_lists import (
    MAX_LIST_ITEMS,
    MAX_LISTS,
    add_order_to_shopping_list,
    add_to_shopping_list,
    create_shopping_list,
    delete_shopping_list,
    may_edit_lists,
    remove_from_shopping_list,
    rename_shopping_list,
    set_shopping_list_quantities,
)

__all__ = [
    "ADDRESS_KEYS",
    "MAX_AMOUNT",
    "MAX_LINES",
    "MAX_LINE_QUANTITY",
    "MAX_LISTS",
    "MAX_LIST_ITEMS",
    "ORDER_SERIES",
    "PricedLine",
    "Quote",
    "add_business_days",
    "add_order_note",
    "add_order_to_shopping_list",
    "add_to_shopping_list",
    "address_snapshot",
    "approve_order",
    "cancel_order",
    "change_fiscal_position",
    "coupon_problem",
    "create_shopping_list",
    "delete_shopping_list",
    "deliver_order",
    "find_coupon",
    "hold_order",
    "may_edit_lists",
    "needs_approval",
    "normalize_lines",
    "parse_quantity",
    "place_order",
    "place_replacement_order",
    "prepare_order",
    "promised_date",
    "quote_order",
    "record_payment",
    "reject_order",
    "release_order",
    "remove_from_shopping_list",
    "rename_shopping_list",
    "resolve_carrier",
    "save_carrier",
    "save_coupon",
    "set_shopping_list_quantities",
    "ship_order",
]
