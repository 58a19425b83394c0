from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View

from core.views import StaffRequiredMixin

from .. import services
from ..consumers import queue_generation
from ..models import DocumentStatus
from ..selectors import document_files
from ..views import pdf_response


class DocumentDownloadView(StaffRequiredMixin, View):
    """Staff open any order's document."""

    def get(self, request, pk):
        return pdf_response(get_object_or_404(document_files(), pk=pk))


class DocumentRetryView(StaffRequiredMixin, View):
    """Queue a failed (or stuck pending) document for generation again."""

    def post(self, request, pk):
        document = get_object_or_404(document_files(), pk=pk)
        if document.status != DocumentStatus.READY:
            services.mark_pending(document)
            queue_generation(document.pk)
            messages.success(
                request,
                _("%(document)s queued for generation.")
                % {"document": document.get_kind_display()},
            )
        return redirect("backoffice:order_detail", number=document.order.number)
