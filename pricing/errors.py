"""Pricing domain errors, each with a stable ``code`` (the API's error code)."""

from django.utils.translation import gettext as _

from core.errors import DomainError


class InvalidPrices(DomainError):
    """A batch of prices (API upsert, CSV import) with errors; nothing was written.

    ``errors`` maps the 0-based index of each bad item to its field errors; the API
    shows them as ``<index>.<field>``.
    """

    code = "invalid_prices"

    def __init__(self, errors: dict[int, dict[str, list[str]]], message=None):
        self.errors = errors
        fields = {
            f"{index}.{name}": list(messages)
            for index, problems in sorted(errors.items())
            for name, messages in problems.items()
        }
        super().__init__(
            message
            or _("%(count)d of the prices are invalid; nothing was saved.")
            % {"count": len(errors)},
            fields=fields,
        )


class TooManyPrices(DomainError):
    code = "too_many_items"
    status = 413

    def __init__(self, *, count: int, limit: int):
        super().__init__(
            _("%(count)d items sent; at most %(limit)d per request.")
            % {"count": count, "limit": limit}
        )


class InvalidPriceList(DomainError):
    code = "invalid_price_list"

    def __init__(self, message, *, field: str):
        super().__init__(message, fields={field: [message]})


class CatalogPriceIsProductPrice(DomainError):
    """The default EUR list's base price is the product's own unit price."""

    code = "catalog_price"

    def __init__(self):
        super().__init__(
            _(
                "The base prices of the default EUR list are the products' unit prices: "
                "change them on the product."
            )
        )
