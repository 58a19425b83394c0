"""Catalog, warehouses, stock levels and the stock ledger (/api/v1/categories/,
/products/, /products/bulk/, /warehouses/, /stock/, /stock/movements/).

Seller keys and staff may read and change everything; the services decide who may
write (``inventory.permissions``: managers for the catalog, warehouse staff or managers
for stock movements), the views refuse the same staff early (``staff_write_roles``).
Company keys may read the catalog, the warehouses and the stock levels, change nothing
(403) and not see the ledger (403).
"""

from django.utils.translation import gettext as _
from drf_spectacular.plumbing import force_instance, is_list_serializer
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated
from rest_framework.response import Response

from core.api.exceptions import ApiError
from core.api.permissions import SellerOnly
from core.api.schema import ApiAutoSchema, ErrorSerializer
from core.api.views import ApiGenericViewSet, ApiViewSet

from .. import i18n, services
from ..errors import InvalidData, InvalidProducts, InvalidStockChanges, TooManyItems
from ..models import Category, Product, StockItem, StockMovement, Warehouse
from ..permissions import CATALOG_EDITORS, STOCK_KEEPERS
from .filters import (
    CategoryFilterSet,
    ProductFilterSet,
    StockFilterSet,
    StockMovementFilterSet,
    WarehouseFilterSet,
)
from .serializers import (
    MAX_MOVEMENTS,
    BulkUpsertResultSerializer,
    CategorySerializer,
    ProductListSerializer,
    ProductSerializer,
    StockChangeListSerializer,
    StockItemSerializer,
    StockMovementSerializer,
    WarehouseSerializer,
)

PER_ITEM_ERRORS = (
    "Per-item errors are keyed `<index>.<field>` in `fields` (0-based index into the "
    'array sent), e.g. `{"code": "validation_error", "detail": "...", "fields": '
    '{"3.unit_price": ["..."]}}`; errors about the body as a whole are under '
    "`non_field_errors`. Nothing is written when any item is refused."
)


def api_key_actor(key):
    """The key as a ``core.actors`` actor (recognised by its ``is_api_key`` attribute;
    set here until the key model declares it)."""
    if not getattr(key, "is_api_key", False):
        key.is_api_key = True
    return key


def api_field(name: str) -> str:
    """A model field's name as the API names it: a translated field's language column
    (``name_es``) is the field (``name``)."""
    base, _sep, language = name.rpartition("_")
    return (
        base
        if language in i18n.LANGUAGES and base in {"name", "description", "return_conditions"}
        else name
    )


def per_item_error(error) -> ApiError:
    """A batch's domain error (``errors`` by item index) as the API's error shape."""
    fields: dict[str, list[str]] = {}
    for index, problems in sorted(error.errors.items()):
        for name, messages in problems.items():
            key = f"{index}.{api_field(name)}"
            fields.setdefault(key, []).extend(str(message) for message in messages)
    return ApiError(error.message, code=error.code, status_code=error.status, fields=fields)


def json_array(data, *, limit: int) -> list:
    """The request body as a list of at most ``limit`` items (400 / 413 otherwise)."""
    if not isinstance(data, list):
        message = _("Send a JSON array of items.")
        raise ApiError(message, code="validation_error", fields={"non_field_errors": [message]})
    if len(data) > limit:
        error = TooManyItems(count=len(data), limit=limit)
        raise ApiError(error.message, code=error.code, status_code=error.status)
    return data


class BatchAutoSchema(ApiAutoSchema):
    """Documents the item limits of JSON-array bodies (``minItems`` / ``maxItems``);
    arrays answered by a POST are plain arrays, not pages."""

    def _get_paginator(self):
        return super()._get_paginator() if self.method == "GET" else None

    def _get_request_for_media_type(self, serializer, direction="request"):
        schema, required = super()._get_request_for_media_type(serializer, direction)
        serializer = force_instance(serializer)
        if is_list_serializer(serializer) and schema.get("type") == "array":
            schema = dict(schema)
            if not serializer.allow_empty:
                schema["minItems"] = 1
            if serializer.max_length is not None:
                schema["maxItems"] = serializer.max_length
        return schema, required


class InventoryApiMixin:
    """Field validation of the inventory services answers like the serializers'
    (``validation_error``); batch errors carry their item index. The services get the
    caller as their ``actor``: the API key itself, or the staff user, so that the
    service's own permission check (``inventory.permissions``) decides."""

    @property
    def actor(self):
        client = self.client
        if client is None:  # the permission classes refuse first; never the system
            raise NotAuthenticated
        if client.api_key is not None:
            return api_key_actor(client.api_key)
        return client.user

    def handle_exception(self, exc):
        if isinstance(exc, InvalidData):
            fields: dict[str, list[str]] = {}
            for name, messages in exc.fields.items():
                fields.setdefault(api_field(name), []).extend(str(m) for m in messages)
            exc = ApiError(_("Invalid input."), code="validation_error", fields=fields)
        elif isinstance(exc, InvalidProducts | InvalidStockChanges):
            exc = per_item_error(exc)
        return super().handle_exception(exc)


class SharedWithCompaniesMixin:
    """The catalog and stock levels are the same for every client: company keys see
    all of it (read only), not a company's slice."""

    def scope_queryset(self, queryset):
        return queryset


class CatalogViewSet(SharedWithCompaniesMixin, InventoryApiMixin, ApiViewSet):
    """Base of the catalog resources: company keys read only, staff writes by managers."""

    staff_write_roles = CATALOG_EDITORS
    http_method_names = ["get", "post", "head", "options"]


class CategoryViewSet(CatalogViewSet):
    """Product categories with their return policy (company keys: read only)."""

    queryset = Category.objects.all()
    serializer_class = CategorySerializer
    filterset_class = CategoryFilterSet

    def perform_create(self, serializer):
        serializer.instance = services.create_category(
            actor=self.actor, **serializer.validated_data
        )


@extend_schema_view(
    retrieve=extend_schema(description="A warehouse by its code."),
)
class WarehouseViewSet(CatalogViewSet):
    """Warehouses, named elsewhere by their code (company keys: read only)."""

    queryset = Warehouse.objects.all()
    serializer_class = WarehouseSerializer
    filterset_class = WarehouseFilterSet
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9_-]{1,10}"

    def get_object(self):
        # Codes are stored in capitals; ``/warehouses/mad/`` finds MAD like the filters.
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].upper()
        return super().get_object()

    def perform_create(self, serializer):
        serializer.instance = services.create_warehouse(
            actor=self.actor, **serializer.validated_data
        )


@extend_schema_view(
    retrieve=extend_schema(description="A product by its SKU."),
    partial_update=extend_schema(description="Change some of a product's fields."),
)
class ProductViewSet(CatalogViewSet):
    """Products, looked up by SKU (company keys: read only)."""

    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    filterset_class = ProductFilterSet
    lookup_field = "sku"
    # SKUs may hold letters, digits and . _ / - (the model's validator).
    lookup_value_regex = "[A-Za-z0-9][A-Za-z0-9._/-]{0,63}"
    schema = BatchAutoSchema()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = services.create_product(actor=self.actor, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.update_product(
            product=serializer.instance, actor=self.actor, **serializer.validated_data
        )

    @extend_schema(
        operation_id="products_bulk_upsert",
        description=(
            f"Create or update up to {services.MAX_BULK_PRODUCTS} products by `sku`, all or "
            "nothing. A new SKU needs the fields of a product POST; for an existing one, "
            f"optional fields left out keep their values. Answers 200. {PER_ITEM_ERRORS}"
        ),
        request=ProductListSerializer,
        responses={
            200: BulkUpsertResultSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description=(
                    "Invalid items (`validation_error`, `invalid_products`), or SKUs sent "
                    "more than once (`duplicate_sku`, each repeated item named). " + PER_ITEM_ERRORS
                ),
            ),
            413: OpenApiResponse(
                ErrorSerializer,
                description=(
                    f"More than {services.MAX_BULK_PRODUCTS} items (`too_many_items`) or a "
                    "body too large (`payload_too_large`)."
                ),
            ),
        },
        filters=False,
    )
    @action(detail=False, methods=["post"], url_path="bulk", pagination_class=None)
    def bulk(self, request):
        items = json_array(request.data, limit=services.MAX_BULK_PRODUCTS)
        serializer = ProductListSerializer(data=items, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        result = services.bulk_upsert_products(items=serializer.validated_data, actor=self.actor)
        return Response(
            BulkUpsertResultSerializer(result, context=self.get_serializer_context()).data,
            status=status.HTTP_200_OK,
        )


class StockViewSet(SharedWithCompaniesMixin, mixins.ListModelMixin, ApiGenericViewSet):
    """Stock per product x warehouse (company keys may read it: availability)."""

    queryset = StockItem.objects.select_related("product", "warehouse")
    serializer_class = StockItemSerializer
    filterset_class = StockFilterSet


@extend_schema_view(
    list=extend_schema(description="The stock ledger, oldest first (seller keys and staff)."),
)
class StockMovementViewSet(
    InventoryApiMixin, mixins.ListModelMixin, mixins.CreateModelMixin, ApiGenericViewSet
):
    """The append-only stock ledger. Seller keys and staff only: company keys get 403."""

    queryset = StockMovement.objects.select_related("stock_item__product", "stock_item__warehouse")
    serializer_class = StockMovementSerializer
    filterset_class = StockMovementFilterSet
    permission_classes = [SellerOnly]
    staff_write_roles = STOCK_KEEPERS
    schema = BatchAutoSchema()

    @extend_schema(
        description=(
            "Record receipts, adjustments and write-offs: a JSON array of up to "
            f"{MAX_MOVEMENTS} stock changes, all or nothing. Answers 201 with the movements "
            f"written, in input order. {PER_ITEM_ERRORS}"
        ),
        request=StockChangeListSerializer,
        responses={
            201: StockMovementSerializer(many=True),
            400: OpenApiResponse(
                ErrorSerializer,
                description=(
                    "Invalid items (`validation_error`; `invalid_stock_changes` for unknown "
                    "SKUs or warehouses, quantities of the wrong sign, missing reasons). "
                    + PER_ITEM_ERRORS
                ),
            ),
            409: OpenApiResponse(
                ErrorSerializer,
                description=(
                    "`negative_stock`: some changes would take away stock that is not there "
                    "(below zero or below what is reserved, counting earlier items of the "
                    "same array); each such item is named in `fields`. Also the "
                    "idempotency conflicts."
                ),
            ),
            413: OpenApiResponse(
                ErrorSerializer,
                description=(
                    f"More than {MAX_MOVEMENTS} items (`too_many_items`) or a body too "
                    "large (`payload_too_large`)."
                ),
            ),
        },
    )
    def create(self, request, *args, **kwargs):
        items = json_array(request.data, limit=MAX_MOVEMENTS)
        serializer = StockChangeListSerializer(data=items, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        changes = [services.StockChange(**item) for item in serializer.validated_data]
        movements = services.record_stock_changes(actor=self.actor, changes=changes)
        data = StockMovementSerializer(
            movements, many=True, context=self.get_serializer_context()
        ).data
        return Response(data, status=status.HTTP_201_CREATED)
