from django.shortcuts import get_object_or_404
from django.views import View

from core.views import CustomerRequiredMixin

from ..selectors import document_files
from ..views import pdf_response


class DocumentDownloadView(CustomerRequiredMixin, View):
    """A document of one of the user's company's orders (another company's: 404)."""

    def get(self, request, pk):
        return pdf_response(get_object_or_404(document_files(company=self.company), pk=pk))
