"""The catalog's write services: categories, products and warehouses.

Managers (and seller keys, and the system) may use them (``inventory.permissions``).
Every change writes an audit row (``core.audit``) in the same transaction. The faces
hand clean, typed values (forms and serializers strip SKUs, upper-case warehouse codes,
turn a blank external reference into ``None``); the model's own validation still runs
here, so no face can store what the model refuses. A blank external reference is
stored as NULL (the column is unique).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from core import audit
from core.actors import Actor

from .. import i18n
from ..errors import DefaultWarehouseRequired, InvalidData
from ..models import Category, Product, Supplier, Warehouse
from ..permissions import ensure_can_edit_catalog


def _save(instance: models.Model, fields: dict[str, Any]) -> models.Model:
    try:
        fields = i18n.expand(type(instance), fields)
    except i18n.TranslationError as error:
        raise InvalidData(error.errors) from error
    for name, value in fields.items():
        setattr(instance, name, value)
    failed = None
    # Checked and saved with Spanish active (the original column of a translated field
    # holds the Spanish text); the messages are rendered outside, in the caller's language.
    with i18n.spanish_saved():
        try:
            instance.full_clean()
        except ValidationError as error:
            failed = error
        else:
            instance.save()
    if failed is not None:
        raise InvalidData(failed.message_dict) from failed
    return instance


def _audited(model: type[models.Model]) -> list[str] | None:
    """The audited fields: a translated field by its language columns (``name_es``...),
    not by its original column, which only repeats the Spanish text."""
    translated = i18n.translated_fields(model)
    if not translated:
        return None
    return [
        field.name
        for field in model._meta.concrete_fields
        if field.name not in translated and not field.primary_key
    ]


def _create(model: type[models.Model], *, actor: Actor, fields: dict[str, Any]):
    instance = _save(model(), fields)
    audit.record_created(actor=actor, instance=instance, fields=_audited(model))
    return instance


def _update(instance: models.Model, *, actor: Actor, fields: dict[str, Any]):
    # Read the row again under a lock: a model form may already have changed the
    # instance in memory, and the audit row must compare with what is stored.
    locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    before = audit.snapshot(locked, fields=_audited(type(instance)))
    _save(locked, fields)
    audit.record_change(actor=actor, instance=locked, before=before)
    return locked


#: A translated field's value: the Spanish text, or ``{language: text}``.
Translatable = str | Mapping[str, str | None]


# --- Categories -----------------------------------------------------------------------


def _given(**values: Any) -> dict[str, Any]:
    """The arguments that were given (``None``: keep the value, or the model's default)."""
    return {name: value for name, value in values.items() if value is not None}


@transaction.atomic
def create_category(
    *,
    actor: Actor,
    name: Translatable,
    returnable: bool | None = None,
    return_window_days: int | None = None,
    return_conditions: Translatable | None = None,
    return_shipping_paid_by: str | None = None,
    restocking_fee_percent: Decimal | None = None,
) -> Category:
    """Create a category with its return policy (left out: the model's defaults).
    ``name`` and ``return_conditions`` are the Spanish text or ``{language: text}``
    (``inventory.i18n``); the Spanish name is required."""
    ensure_can_edit_catalog(actor)
    fields = _given(
        name=name,
        returnable=returnable,
        return_window_days=return_window_days,
        return_conditions=return_conditions,
        return_shipping_paid_by=return_shipping_paid_by,
        restocking_fee_percent=restocking_fee_percent,
    )
    return _create(Category, actor=actor, fields=fields)


@transaction.atomic
def update_category(
    *,
    actor: Actor,
    category: Category,
    name: Translatable | None = None,
    returnable: bool | None = None,
    return_window_days: int | None = None,
    return_conditions: Translatable | None = None,
    return_shipping_paid_by: str | None = None,
    restocking_fee_percent: Decimal | None = None,
) -> Category:
    """Change a category or its return policy (applies to returns requested from now on);
    arguments left ``None`` keep their value."""
    ensure_can_edit_catalog(actor)
    fields = _given(
        name=name,
        returnable=returnable,
        return_window_days=return_window_days,
        return_conditions=return_conditions,
        return_shipping_paid_by=return_shipping_paid_by,
        restocking_fee_percent=restocking_fee_percent,
    )
    return _update(category, actor=actor, fields=fields)


# --- Products -------------------------------------------------------------------------


def _product_fields(fields: dict[str, Any]) -> dict[str, Any]:
    # No external reference is NULL, never "": the column is unique.
    if "external_ref" in fields and not fields["external_ref"]:
        fields = {**fields, "external_ref": None}
    return fields


@transaction.atomic
def create_product(*, actor: Actor, **fields: Any) -> Product:
    """Create a product (no stock yet: stock comes with ``receive``); ``name`` and
    ``description`` are the Spanish text or ``{language: text}`` (``inventory.i18n``)."""
    ensure_can_edit_catalog(actor)
    return _create(Product, actor=actor, fields=_product_fields(fields))


@transaction.atomic
def update_product(*, product: Product, actor: Actor, **fields: Any) -> Product:
    """Change a product's data; its SKU may change, its stock history stays."""
    ensure_can_edit_catalog(actor)
    return _update(product, actor=actor, fields=_product_fields(fields))


# --- Suppliers ------------------------------------------------------------------------


@transaction.atomic
def save_supplier(*, actor: Actor, supplier: Supplier | None = None, **fields: Any) -> Supplier:
    """Create or change a supplier (its claims contact and claim window), audited."""
    ensure_can_edit_catalog(actor)
    if supplier is None:
        return _create(Supplier, actor=actor, fields=fields)
    return _update(supplier, actor=actor, fields=fields)


# --- Warehouses -----------------------------------------------------------------------


def _lock_warehouses() -> list[Warehouse]:
    return list(Warehouse.objects.select_for_update().order_by("pk"))


def _make_default(warehouse: Warehouse, *, actor: Actor, others: list[Warehouse]) -> None:
    """``warehouse`` becomes the only default (the others are unset first: the model
    allows one default), each change with its audit row."""
    for other in others:
        if other.is_default and other.pk != warehouse.pk:
            before = audit.snapshot(other)
            other.is_default = False
            other.save(update_fields=["is_default", "updated_at"])
            audit.record_change(actor=actor, instance=other, before=before)
    if not warehouse.is_default:
        warehouse.is_default = True
        warehouse.save(update_fields=["is_default", "updated_at"])


@transaction.atomic
def create_warehouse(
    *, actor: Actor, code: str, name: str, address: str = "", is_default: bool = False
) -> Warehouse:
    """Create a warehouse; the first one, or one created with ``is_default``, is the
    default (and the only one)."""
    ensure_can_edit_catalog(actor)
    existing = _lock_warehouses()
    warehouse = _save(Warehouse(), {"code": code, "name": name, "address": address})
    if is_default or not existing:
        _make_default(warehouse, actor=actor, others=existing)
    audit.record_created(actor=actor, instance=warehouse)
    return warehouse


@transaction.atomic
def update_warehouse(
    *,
    actor: Actor,
    warehouse: Warehouse,
    code: str | None = None,
    name: str | None = None,
    address: str | None = None,
    is_default: bool | None = None,
) -> Warehouse:
    """Change a warehouse (arguments left ``None`` keep their value); ``is_default=True``
    makes it the only default. There is always exactly one default: unsetting it
    (``is_default=False`` on the default) raises ``DefaultWarehouseRequired``; make
    another warehouse the default instead."""
    fields = _given(code=code, name=name, address=address)
    ensure_can_edit_catalog(actor)
    warehouses = _lock_warehouses()
    locked = next((w for w in warehouses if w.pk == warehouse.pk), None)
    if locked is None:
        raise Warehouse.DoesNotExist
    if is_default is False and locked.is_default:
        raise DefaultWarehouseRequired
    before = audit.snapshot(locked)
    _save(locked, fields)
    if is_default:
        _make_default(locked, actor=actor, others=warehouses)
    audit.record_change(actor=actor, instance=locked, before=before)
    return locked
