"""Inventory domain errors, each with a stable ``code`` (the API's error code)."""

from django.utils.translation import gettext as _

from core.errors import Conflict, DomainError


class LedgerIsAppendOnly(DomainError):
    """Raised by any attempt to change or delete a stock movement through the ORM."""

    code = "ledger_append_only"
    status = 409

    def __init__(self):
        super().__init__(_("Stock movements cannot be changed or deleted; record a new movement."))


class InvalidQuantity(DomainError):
    code = "invalid_quantity"

    def __init__(self, message, *, field: str = "quantity"):
        super().__init__(message, fields={field: [message]})


class UnknownProduct(DomainError):
    code = "unknown_sku"

    def __init__(self, sku):
        self.sku = sku
        message = _("Unknown SKU: %(sku)s.") % {"sku": sku}
        super().__init__(message, fields={"sku": [message]})


class UnknownWarehouse(DomainError):
    code = "unknown_warehouse"

    def __init__(self, code=None):
        self.warehouse = code
        if code in (None, ""):
            message = _("No warehouse given and no default warehouse is set.")
        else:
            message = _("Unknown warehouse: %(code)s.") % {"code": code}
        super().__init__(message, fields={"warehouse": [message]})


class ProductInactive(Conflict):
    code = "product_inactive"

    def __init__(self, skus):
        self.skus = sorted(skus)
        message = _("These products are inactive and cannot be reserved: %(skus)s.") % {
            "skus": ", ".join(self.skus)
        }
        super().__init__(message, fields={"sku": [message]})


class InsufficientStock(Conflict):
    """Not enough available stock; ``lines`` lists, per SKU, requested vs available."""

    code = "insufficient_stock"

    def __init__(self, lines: list[dict]):
        self.lines = lines
        detail = "; ".join(
            _("%(sku)s: %(requested)d requested, %(available)d available") % line for line in lines
        )
        super().__init__(_("Insufficient stock (%(detail)s).") % {"detail": detail})


class NegativeStock(Conflict):
    """A change would leave less on hand than zero or than what is reserved."""

    code = "negative_stock"

    def __init__(self, *, sku, warehouse, on_hand, reserved, change):
        self.sku, self.warehouse = sku, warehouse
        message = _(
            "%(sku)s in %(warehouse)s: a change of %(change)+d would leave %(after)d on hand "
            "with %(reserved)d reserved."
        ) % {
            "sku": sku,
            "warehouse": warehouse,
            "change": change,
            "after": on_hand + change,
            "reserved": reserved,
        }
        super().__init__(message, fields={"quantity": [message]})


class NotReserved(Conflict):
    """Releasing or shipping more than is reserved (for that reference)."""

    code = "not_reserved"

    def __init__(self, *, sku, warehouse, requested, reserved):
        message = _(
            "%(sku)s in %(warehouse)s: %(requested)d requested but only %(reserved)d reserved."
        ) % {"sku": sku, "warehouse": warehouse, "requested": requested, "reserved": reserved}
        super().__init__(message, fields={"quantity": [message]})


class InvalidStockChanges(DomainError):
    """A batch of stock changes with errors; nothing was written.

    ``errors`` maps the 0-based index of each bad item to its field errors.
    """

    code = "invalid_stock_changes"

    def __init__(self, errors: dict[int, dict[str, list[str]]]):
        self.errors = errors
        super().__init__(
            _("%(count)d of the stock changes are invalid; nothing was recorded.")
            % {"count": len(errors)}
        )


class InvalidData(DomainError):
    """Field validation failed (the model's own rules); ``fields`` holds the messages."""

    code = "invalid"

    def __init__(self, fields: dict[str, list[str]]):
        super().__init__(_("Some fields are invalid."), fields=fields)


class NegativeStockChanges(InvalidStockChanges):
    """A batch of stock changes of which some would take away stock that is not there
    (below zero, or below what is reserved); nothing was written. A conflict with the
    current stock rather than bad input, hence 409."""

    code = "negative_stock"
    status = 409

    def __init__(self, errors: dict[int, dict[str, list[str]]]):
        super().__init__(errors)
        self.message = _(
            "%(count)d of the stock changes would leave less stock than is on hand or "
            "reserved; nothing was recorded."
        ) % {"count": len(errors)}
        self.args = (self.message,)


class InvalidProducts(DomainError):
    """A batch of products with errors; nothing was written.

    ``errors`` maps the 0-based index of each bad item to its field errors.
    """

    code = "invalid_products"

    def __init__(self, errors: dict[int, dict[str, list[str]]], message=None):
        self.errors = errors
        super().__init__(
            message
            or _("%(count)d of the products are invalid; nothing was saved.")
            % {"count": len(errors)}
        )


class DuplicateSkus(InvalidProducts):
    """The same SKU appears more than once in one batch; nothing was written."""

    code = "duplicate_sku"

    def __init__(self, duplicates: dict[str, list[int]]):
        self.skus = sorted(duplicates)
        errors = {}
        for sku, indexes in duplicates.items():
            message = _("SKU %(sku)s appears more than once (items %(items)s).") % {
                "sku": sku,
                "items": ", ".join(str(i) for i in indexes),
            }
            for index in indexes:
                errors[index] = {"sku": [message]}
        super().__init__(
            errors,
            _("These SKUs appear more than once; nothing was saved: %(skus)s.")
            % {"skus": ", ".join(self.skus)},
        )


class TooManyItems(DomainError):
    """A batch above the most items one request may carry."""

    code = "too_many_items"
    status = 413

    def __init__(self, *, count: int, limit: int):
        self.count, self.limit = count, limit
        super().__init__(
            _("%(count)d items sent; at most %(limit)d per request.")
            % {"count": count, "limit": limit}
        )


class DefaultWarehouseRequired(DomainError):
    """The default warehouse cannot be unset: there is always exactly one."""

    code = "default_warehouse_required"

    def __init__(self):
        super().__init__(
            _("Make another warehouse the default instead of unticking this one."),
            fields={"is_default": [_("Make another warehouse the default instead.")]},
        )
