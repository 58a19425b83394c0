from core.api.views import ApiViewSet
from core.roles import StaffRole

from .. import services
from ..models import Company
from .filters import CustomerFilterSet
from .serializers import CustomerSerializer

ADDRESS_FIELDS = ("line1", "line2", "postal_code", "city", "region", "country")


class CustomerViewSet(ApiViewSet):
    """Customer companies. A company key sees only its own record and cannot change it."""

    queryset = Company.objects.prefetch_related("tags")
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilterSet
    company_field = "pk"
    staff_write_roles = (StaffRole.CUSTOMER_SERVICE, StaffRole.MANAGER)
    error_field_map = {
        "legal_name": "name",
        **{name: f"billing_address.{name}" for name in ADDRESS_FIELDS},
    }

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        tags = data.pop("tags", ())
        serializer.instance = services.create_company(actor=self.actor, tags=tags, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        tags = data.pop("tags", None)
        serializer.instance = services.update_company(
            company=serializer.instance, actor=self.actor, tags=tags, **data
        )
