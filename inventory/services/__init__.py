"""The only code that changes stock, and the catalog's write services.

The package is split along its seams; import from here (``from inventory import
services``), not from the modules:

- ``ledger``: the stock write path (locks, levels, movements, low-stock sync);
- ``movements``: receipts, adjustments, write-offs and restocked returns;
- ``reservations``: reserve / release / ship, used by ``orders.services``;
- ``batch``: batches of stock changes (CSV import, API);
- ``levels``: per-item stock settings (reorder levels, bin location);
- ``alerts``: low-stock alerts and their daily sweep;
- ``catalog``: categories, products and warehouses;
- ``bulk``: bulk upsert of products.

Every write service takes ``actor`` (keyword, ``core.actors.Actor``: a staff user, a
customer user, an API key, or ``None`` for the system) and checks it with
``inventory.permissions``, raising ``core.errors.NotAllowed``; catalog, warehouse and
stock-setting changes write an audit row (``core.audit``) in their transaction. Stock
movements are not audited: the ledger is their history. The faces hand typed values
(``Product`` and ``Warehouse`` objects, ints); only the batch services take SKUs and
warehouse codes, because they report unknown ones per item.

None of the stock services is ``durable``: the orders service calls ``reserve`` /
``release`` / ``ship`` inside its own transaction, and the API may wrap a request in one
(idempotency). Each runs in its own atomic block (a savepoint when nested), so a retry
after a deadlock or serialization failure redoes only the stock work.

Quantities are ``int`` (never ``bool``, ``Decimal`` or ``float``); bad input raises an
``inventory.errors`` domain error and writes nothing.
"""

from .alerts import sweep_low_stock
from .batch import StockChange, record_stock_changes
from .bulk import BULK_PRODUCT_FIELDS, MAX_BULK_PRODUCTS, BulkUpsertResult, bulk_upsert_products
from .catalog import (
    create_category,
    create_product,
    create_warehouse,
    save_supplier,
    update_category,
    update_product,
    update_warehouse,
)
from .ledger import MANUAL_KINDS, MAX_QUANTITY
from .levels import set_bin_location, set_reorder_levels, set_stock_settings
from .movements import adjust, receive, restock_return, write_off
from .reservations import Allocation, release, reserve, ship

__all__ = [
    "BULK_PRODUCT_FIELDS",
    "MANUAL_KINDS",
    "MAX_BULK_PRODUCTS",
    "MAX_QUANTITY",
    "Allocation",
    "BulkUpsertResult",
    "StockChange",
    "adjust",
    "bulk_upsert_products",
    "create_category",
    "create_product",
    "create_warehouse",
    "receive",
    "record_stock_changes",
    "release",
    "reserve",
    "restock_return",
    "save_supplier",
    "set_bin_location",
    "set_reorder_levels",
    "set_stock_settings",
    "ship",
    "sweep_low_stock",
    "update_category",
    "update_product",
    "update_warehouse",
    "write_off",
]
