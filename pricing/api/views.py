"""Pricing API: ``/price-lists/``, ``/price-lists/{code}/prices/`` and
``/customers/{id}/contract-prices/``.

Price lists and their prices are the seller's: seller keys and staff read them,
customer service and managers (and seller keys) change them; company keys get 403
(nothing of a company's to hide). Contract prices are a company's: seller keys and
staff only; a company key gets 403 on its own company and 404 on another's (its
existence is not revealed). Every POST is all or nothing.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.response import Response

from core.api.permissions import ApiAccess, SellerOnly
from core.api.schema import ErrorSerializer
from core.api.views import ApiGenericViewSet
from customers.models import Company
from inventory.api.views import BatchAutoSchema, api_key_actor, json_array

from .. import services
from ..models import ContractPrice, PriceList, PriceRow
from ..permissions import PRICE_EDITORS
from .filters import ContractPriceFilterSet, PriceListFilterSet, PriceRowFilterSet
from .serializers import (
    ContractItemListSerializer,
    ContractPriceSerializer,
    ContractUpsertResultSerializer,
    PriceItemListSerializer,
    PriceListSerializer,
    PriceRowSerializer,
    UpsertResultSerializer,
)

PER_ITEM_ERRORS = (
    "Per-item errors are keyed `<index>.<field>` in `fields` (0-based index into the "
    'array sent), e.g. `{"code": "invalid_prices", "detail": "...", "fields": '
    '{"3.sku": ["Unknown SKU: X."]}}`. Nothing is written when any item is refused.'
)


class PricingApiMixin:
    staff_write_roles = PRICE_EDITORS

    @property
    def actor(self):
        client = self.client
        if client is None:  # the permission classes refuse first; never the system
            raise NotAuthenticated
        if client.api_key is not None:
            return api_key_actor(client.api_key)
        return client.user


def _batch_responses(ok):
    return {
        200: ok,
        400: OpenApiResponse(
            ErrorSerializer,
            description="Invalid items (`validation_error`, `invalid_prices`). " + PER_ITEM_ERRORS,
        ),
        413: OpenApiResponse(
            ErrorSerializer,
            description=(
                f"More than {services.MAX_PRICES} items (`too_many_items`) or a body too "
                "large (`payload_too_large`)."
            ),
        ),
    }


class PriceListViewSet(
    PricingApiMixin, mixins.ListModelMixin, mixins.CreateModelMixin, ApiGenericViewSet
):
    """Price lists (seller keys and staff; company keys 403)."""

    queryset = PriceList.objects.all()
    serializer_class = PriceListSerializer
    filterset_class = PriceListFilterSet
    permission_classes = [SellerOnly]

    @extend_schema(
        description=(
            "Create a price list (empty; add its prices with `/price-lists/{code}/prices/`). "
            "`is_default` makes it its currency's default, in place of the former one "
            "(except for EUR: the default EUR list holds the catalog prices). An unknown "
            "currency or a `valid_to` before `valid_from` is a 400."
        )
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        price_list = services.create_price_list(actor=self.actor, **serializer.validated_data)
        return Response(self.get_serializer(price_list).data, status=status.HTTP_201_CREATED)


LIST_CODE = OpenApiParameter(
    "price_list_code", str, OpenApiParameter.PATH, description="The price list's code."
)


@extend_schema(parameters=[LIST_CODE])
class PriceViewSet(PricingApiMixin, mixins.ListModelMixin, ApiGenericViewSet):
    """The prices of one list: list prices (min_quantity 1) and quantity breaks."""

    serializer_class = PriceRowSerializer
    filterset_class = PriceRowFilterSet
    permission_classes = [SellerOnly]
    schema = BatchAutoSchema()
    queryset = PriceRow.objects.none()

    def price_list(self) -> PriceList:
        code = str(self.kwargs["price_list_code"]).strip().upper()
        return get_object_or_404(PriceList, code=code)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PriceRow.objects.none()
        return PriceRow.objects.filter(price_list=self.price_list()).select_related("product")

    @extend_schema(
        description=(
            "The list's prices, oldest first; `from_catalog` marks the default EUR list's "
            "base prices (the products' `unit_price`)."
        )
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        description=(
            f"Create or update up to {services.MAX_PRICES} prices of the list by (`sku`, "
            "`min_quantity`), all or nothing: `min_quantity` 1 (the default) is the list "
            "price, more a quantity break. In the default EUR list a `min_quantity` 1 price "
            "is the product's `unit_price` (catalog editors only). Answers 200. " + PER_ITEM_ERRORS
        ),
        request=PriceItemListSerializer,
        responses=_batch_responses(UpsertResultSerializer),
        filters=False,
    )
    def create(self, request, *args, **kwargs):
        price_list = self.price_list()
        items = json_array(request.data, limit=services.MAX_PRICES)
        serializer = PriceItemListSerializer(data=items)
        serializer.is_valid(raise_exception=True)
        result = services.upsert_prices(
            price_list=price_list, actor=self.actor, items=serializer.validated_data
        )
        return Response(_keys(result), status=status.HTTP_200_OK)


def _keys(result):
    return {
        name: [{"sku": sku, "min_quantity": q} for sku, q in getattr(result, name)]
        for name in ("created", "updated", "unchanged")
    }


class CompanyKeysHidden(ApiAccess):
    """Seller keys and staff; a company key passes here so that the view answers 404
    for another company and 403 for its own."""


@extend_schema(
    parameters=[
        OpenApiParameter("customer_pk", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH)
    ]
)
class ContractPriceViewSet(PricingApiMixin, mixins.ListModelMixin, ApiGenericViewSet):
    """A company's contract prices (seller keys and staff only)."""

    serializer_class = ContractPriceSerializer
    filterset_class = ContractPriceFilterSet
    permission_classes = [CompanyKeysHidden]
    company_key_actions = ("list", "create")
    schema = BatchAutoSchema()
    queryset = ContractPrice.objects.none()

    def company(self) -> Company:
        client = self.client
        companies = Company.objects.all()
        if client is not None and client.is_company:
            companies = companies.filter(pk=client.company_id)
        company = get_object_or_404(companies, pk=self.kwargs["customer_pk"])
        if client is not None and client.is_company:
            raise PermissionDenied()
        return company

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ContractPrice.objects.none()
        return ContractPrice.objects.filter(company=self.company()).select_related("product")

    @extend_schema(
        description=(
            "The company's contract prices (net, in its currency; its discount % does not "
            "apply to them), oldest first."
        ),
        responses={
            200: ContractPriceSerializer(many=True),
            403: OpenApiResponse(ErrorSerializer, description="A company key (its own)."),
            404: OpenApiResponse(ErrorSerializer, description="Unknown or not yours."),
        },
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        description=(
            f"Create or update up to {services.MAX_PRICES} contract prices of the company, "
            "all or nothing: an item updates the contract price of the same `sku` and "
            "`valid_from`, else it is new. Two contract prices of one product may not "
            "overlap in time. Answers 200. " + PER_ITEM_ERRORS
        ),
        request=ContractItemListSerializer,
        responses=_batch_responses(ContractUpsertResultSerializer),
        filters=False,
    )
    def create(self, request, *args, **kwargs):
        company = self.company()
        items = json_array(request.data, limit=services.MAX_PRICES)
        serializer = ContractItemListSerializer(data=items)
        serializer.is_valid(raise_exception=True)
        result = services.upsert_contract_prices(
            company=company, actor=self.actor, items=serializer.validated_data
        )
        return Response(
            {name: [sku for sku, _q in getattr(result, name)] for name in _NAMES},
            status=status.HTTP_200_OK,
        )


_NAMES = ("created", "updated", "unchanged")
