"""The managers' audit page (``backoffice:audit_list``, ``/backoffice/audit/``)."""

from core.models import AuditEntry
from core.roles import StaffRole
from core.views import FilteredListView, StaffRequiredMixin

from .filters import AuditFilterSet
from .links import link_entries
from .tables import AuditTable


class AuditListView(StaffRequiredMixin, FilteredListView):
    """Every recorded change (``core.audit``), newest first, filterable by object type,
    actor, action, date range and object, and as CSV (``?export=csv``)."""

    required_roles = (StaffRole.MANAGER,)
    template_name = "core/backoffice/audit_list.html"
    filterset_class = AuditFilterSet
    table_class = AuditTable
    context_object_name = "entries"
    paginate_by = 50

    def get_base_queryset(self):
        return AuditEntry.objects.select_related("content_type")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(section="audit", **kwargs)
        link_entries(context["object_list"])
        return context
