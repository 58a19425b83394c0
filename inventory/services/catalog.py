"""The catalog's write services: categories, products and warehouses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from ..errors import InvalidData
from ..models import Category, Product, Warehouse

# --- Catalog services -----------------------------------------------------------------


def _save(instance: models.Model, fields: Mapping[str, Any]) -> models.Model:
    for name, value in fields.items():
        setattr(instance, name, value)
    try:
        instance.full_clean()
    except ValidationError as error:
        raise InvalidData(error.message_dict) from error
    instance.save()
    return instance


@transaction.atomic
def create_category(*, actor=None, **fields: Any) -> Category:
    """Create a category with its return policy."""
    return _save(Category(), fields)


@transaction.atomic
def update_category(*, category: Category, actor=None, **fields: Any) -> Category:
    """Change a category or its return policy (applies to returns requested from now on)."""
    return _save(category, fields)


def _clean_product_fields(fields: dict) -> dict:
    if "sku" in fields:
        fields["sku"] = str(fields["sku"]).strip()
    if "external_ref" in fields:
        fields["external_ref"] = fields["external_ref"] or None
    return fields


@transaction.atomic
def create_product(*, actor=None, **fields: Any) -> Product:
    """Create a product (no stock yet: stock comes with ``receive``)."""
    return _save(Product(), _clean_product_fields(dict(fields)))


@transaction.atomic
def update_product(*, product: Product, actor=None, **fields: Any) -> Product:
    """Change a product's data; its SKU may change, its stock history stays."""
    return _save(product, _clean_product_fields(dict(fields)))


def _lock_warehouses() -> list[Warehouse]:
    return list(Warehouse.objects.select_for_update().order_by("pk"))


@transaction.atomic
def create_warehouse(*, actor=None, **fields: Any) -> Warehouse:
    """Create a warehouse; the first one, or one created with ``is_default``, is the default."""
    existing = _lock_warehouses()
    fields = dict(fields)
    if "code" in fields:
        fields["code"] = str(fields["code"]).strip().upper()
    make_default = fields.pop("is_default", False) or not existing
    warehouse = _save(Warehouse(), fields)
    if make_default:
        _make_default(warehouse)
    return warehouse


@transaction.atomic
def update_warehouse(*, warehouse: Warehouse, actor=None, **fields: Any) -> Warehouse:
    """Change a warehouse; ``is_default=True`` makes it the only default. The default
    cannot be unset directly: make another warehouse the default instead."""
    _lock_warehouses()
    fields = dict(fields)
    if "code" in fields:
        fields["code"] = str(fields["code"]).strip().upper()
    make_default = fields.pop("is_default", None)
    warehouse = _save(warehouse, fields)
    if make_default:
        _make_default(warehouse)
    return warehouse


def _make_default(warehouse: Warehouse) -> None:
    Warehouse.objects.filter(is_default=True).exclude(pk=warehouse.pk).update(
        is_default=False, updated_at=timezone.now()
    )
    if not warehouse.is_default:
        warehouse.is_default = True
        warehouse.save(update_fields=["is_default", "updated_at"])
