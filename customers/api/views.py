from core.actors import is_api_key
from core.api.views import ApiViewSet

from .. import permissions, services
from ..hooks import company_api_fields, prefetch_company_api_fields
from ..models import Company
from ..services import ADDRESS_FIELDS
from .filters import CustomerFilterSet
from .serializers import CustomerSerializer


class CustomerViewSet(ApiViewSet):
    """Customer companies. A company key sees only its own record and cannot change it."""

    queryset = Company.objects.prefetch_related("tags")
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilterSet
    company_field = "pk"
    staff_write_roles = permissions.EDITORS
    error_field_map = {
        "legal_name": "name",
        **{name: f"billing_address.{name}" for name in ADDRESS_FIELDS},
    }

    @property
    def actor(self):
        """Who calls, for the services: the staff user, or the API key itself once it
        identifies as an actor (``is_api_key``; until then, as before, the system)."""
        client = self.client
        if client is None:
            return None
        if client.api_key is not None:
            return client.api_key if is_api_key(client.api_key) else None
        return client.user

    def get_queryset(self):
        return prefetch_company_api_fields(super().get_queryset())

    def _pop_extra(self, data: dict) -> dict:
        return {name: data.pop(name) for name in list(data) if name in company_api_fields}

    def _write_extra(self, company, extra: dict) -> None:
        # In the request's transaction (ApiViewMixin): all or nothing with the company.
        for name, value in extra.items():
            company_api_fields[name].write(company=company, value=value, actor=self.actor)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        tags = data.pop("tags", ())
        extra = self._pop_extra(data)
        serializer.instance = services.create_company(actor=self.actor, tags=tags, **data)
        self._write_extra(serializer.instance, extra)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        tags = data.pop("tags", None)
        extra = self._pop_extra(data)
        serializer.instance = services.update_company(
            company=serializer.instance, actor=self.actor, tags=tags, **data
        )
        self._write_extra(serializer.instance, extra)
