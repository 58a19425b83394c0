"""Bulk upsert of products by SKU (the ERP's catalog sync)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.actors import Actor, actor_label, key_of, user_of
from core.models import AuditAction, AuditEntry

from .. import i18n
from ..errors import DuplicateSkus, InvalidProducts, TooManyItems
from ..models import Category, Product
from ..permissions import ensure_can_edit_catalog

# --- Bulk catalog upsert ----------------------------------------------------------------

#: Most products one ``bulk_upsert_products`` call may carry.
MAX_BULK_PRODUCTS = 1000
#: The product fields a bulk item may set (``category`` is a Category or its id).
BULK_PRODUCT_FIELDS = (
    "sku",
    "name",
    "description",
    "category",
    "unit_price",
    "tax_category",
    "weight_kg",
    "active",
    "external_ref",
)
#: The language columns of the translated fields (``name_es``...).
_TRANSLATION_COLUMNS = (*i18n.columns("name"), *i18n.columns("description"))
#: The fields of a product's audit row (a translated field by its language columns).
AUDITED_FIELDS = [
    *(name for name in BULK_PRODUCT_FIELDS if name not in ("name", "description")),
    *_TRANSLATION_COLUMNS,
]
#: The columns ``bulk_upsert_products`` compares and writes (the original ``name`` and
#: ``description`` hold the Spanish text, written with Spanish active).
_BULK_COLUMNS = (
    *("category_id" if name == "category" else name for name in BULK_PRODUCT_FIELDS),
    *_TRANSLATION_COLUMNS,
)


@dataclass(frozen=True)
class BulkUpsertResult:
    """``products`` in input order; SKUs created, updated and sent unchanged."""

    products: list[Product]
    created: list[str]
    updated: list[str]
    unchanged: list[str]


def _audit(*, actor: Actor, products: list[Product], before: dict[int, dict]) -> None:
    """One audit row per product created or changed, written with one INSERT (what
    ``core.audit.record_created`` / ``record_change`` would write one by one)."""
    content_type = ContentType.objects.get_for_model(Product)
    key, label = key_of(actor), str(actor_label(actor))[:200]
    entries = []
    for index, product in enumerate(products):
        after = audit.snapshot(product, fields=AUDITED_FIELDS)
        if index in before:
            action, changes = AuditAction.CHANGED, audit.diff(before[index], after)
        else:
            action = AuditAction.CREATED
            changes = {name: [None, v] for name, v in after.items() if v not in (None, "")}
        if changes:
            entries.append(
                AuditEntry(
                    actor_user=user_of(actor),
                    actor_key_id=key.pk if key is not None else None,
                    actor_label=label,
                    content_type=content_type,
                    object_id=str(product.pk),
                    object_repr=str(product)[:200],
                    action=action,
                    changes=changes,
                )
            )
    AuditEntry.objects.bulk_create(entries)


def _bulk_item_fields(item: Mapping[str, Any]) -> dict[str, Any]:
    fields = {name: item[name] for name in BULK_PRODUCT_FIELDS if name in item}
    if "category_id" in item and "category" not in fields:
        fields["category"] = item["category_id"]
    if isinstance(fields.get("category"), Category):
        fields["category"] = fields["category"].pk
    fields["sku"] = str(item.get("sku") or "").strip()
    if "external_ref" in fields:
        fields["external_ref"] = fields["external_ref"] or None
    return fields


def _external_ref_errors(
    batch: list[dict[str, Any]], existing: dict[str, Product]
) -> dict[int, str]:
    """Items claiming an ``external_ref`` that another product holds after the batch."""
    final: dict[str, list[int]] = defaultdict(list)  # ref -> indexes of items holding it
    for index, fields in enumerate(batch):
        ref = (
            fields["external_ref"]
            if "external_ref" in fields
            else getattr(existing.get(fields["sku"]), "external_ref", None)
        )
        if ref is not None:
            final[ref].append(index)
    errors = {}
    batch_skus = {fields["sku"] for fields in batch}
    holders = Product.objects.filter(external_ref__in=list(final)).exclude(sku__in=batch_skus)
    for ref in holders.values_list("external_ref", flat=True):
        for index in final[ref]:
            errors[index] = _("Another product already has this external reference.")
    for indexes in final.values():
        if len(indexes) > 1:
            for index in indexes:
                errors[index] = _("This external reference appears more than once.")
    return errors


@transaction.atomic
def bulk_upsert_products(*, actor: Actor, items: Sequence[Mapping[str, Any]]) -> BulkUpsertResult:
    """Create or update products by SKU, all or nothing.

    Every item is checked before anything is written (SKUs repeated in the batch, field
    rules, unknown categories, external references held by other products); then new
    products are written with one bulk INSERT and changed ones with one bulk UPDATE, so
    the number of queries does not grow with the items. A new SKU needs ``name``,
    ``category`` and ``unit_price``; for an existing one, fields left out keep their
    values. Raises ``DuplicateSkus`` / ``InvalidProducts`` (errors per item index) or
    ``TooManyItems``.
    """
    ensure_can_edit_catalog(actor)
    if len(items) > MAX_BULK_PRODUCTS:
        raise TooManyItems(count=len(items), limit=MAX_BULK_PRODUCTS)
    if not items:
        raise InvalidProducts({}, _("Send at least one product."))
    batch = [_bulk_item_fields(item) for item in items]

    seen: dict[str, list[int]] = defaultdict(list)
    for index, fields in enumerate(batch):
        if fields["sku"]:
            seen[fields["sku"]].append(index)
    duplicates = {sku: indexes for sku, indexes in seen.items() if len(indexes) > 1}
    if duplicates:
        raise DuplicateSkus(duplicates)

    existing = {
        product.sku: product
        for product in Product.objects.select_for_update().filter(sku__in=list(seen)).order_by("pk")
    }
    category_ids = {
        fields["category"]
        for fields in batch
        if isinstance(fields.get("category"), int) and not isinstance(fields["category"], bool)
    }
    known_categories = set(
        Category.objects.filter(pk__in=category_ids).values_list("pk", flat=True)
    )
    ref_errors = _external_ref_errors(batch, existing)

    errors: dict[int, dict[str, list[str]]] = {}
    products, before, audited = [], {}, {}
    for index, fields in enumerate(batch):
        problems: dict[str, list[str]] = {}
        try:
            fields = i18n.expand(Product, fields)
        except i18n.TranslationError as error:
            problems.update(error.errors)
            fields = {k: v for k, v in fields.items() if k not in error.errors}
            fields = i18n.expand(Product, fields)
        product = existing.get(fields["sku"])
        if product is None:
            product = Product()
            if "category" not in fields:
                problems["category"] = [_("This field is required.")]
        else:
            with i18n.spanish_saved():
                before[index] = {name: getattr(product, name) for name in _BULK_COLUMNS}
            audited[index] = audit.snapshot(product, fields=AUDITED_FIELDS)
        for name, value in fields.items():
            if name == "category":
                if (
                    isinstance(value, bool)
                    or not isinstance(value, int)
                    or value not in known_categories
                ):
                    problems["category"] = [_("Unknown category: %(id)s.") % {"id": value}]
                else:
                    product.category_id = value
            else:
                setattr(product, name, value)
        failed = None
        with i18n.spanish_saved():
            try:
                product.clean_fields(exclude=["category"])
            except ValidationError as error:
                failed = error
        if failed is not None:
            for name, messages in failed.message_dict.items():
                problems.setdefault(name, []).extend(messages)
        if index in ref_errors:
            problems.setdefault("external_ref", []).append(ref_errors[index])
        if problems:
            errors[index] = problems
        products.append(product)
    if errors:
        raise InvalidProducts(errors)

    now = timezone.now()
    created, updated, unchanged, to_create, to_update = [], [], [], [], []
    with i18n.spanish_saved():
        for index, product in enumerate(products):
            if product.pk is None:
                product.created_at = product.updated_at = now
                to_create.append(product)
                created.append(product.sku)
            elif any(getattr(product, name) != value for name, value in before[index].items()):
                product.updated_at = now
                to_update.append(product)
                updated.append(product.sku)
            else:
                unchanged.append(product.sku)
        if to_create:
            Product.objects.bulk_create(to_create)
        if to_update:
            Product.objects.bulk_update(to_update, [*_BULK_COLUMNS, "updated_at"])
    _audit(actor=actor, products=products, before=audited)
    return BulkUpsertResult(products, created, updated, unchanged)
