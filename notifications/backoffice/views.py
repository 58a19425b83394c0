"""Read-only back-office pages of the email templates, for managers: what each email
says, rendered from a sample order in each language."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.clickjacking import xframe_options_sameorigin

from core.roles import StaffRole
from core.views import StaffRequiredMixin

from ..emails import SPECS, sample_context

#: The preview frame may show the email's own inline styles, nothing else.
PREVIEW_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'self'; sandbox"
)


def _language(request) -> str:
    language = request.GET.get("lang", "")
    codes = [code for code, _name in settings.LANGUAGES]
    return language if language in codes else settings.LANGUAGE_CODE


def _spec(kind):
    spec = SPECS.get(kind)
    if spec is None:
        raise Http404
    return spec


class EmailTemplateListView(StaffRequiredMixin, View):
    required_roles = (StaffRole.MANAGER,)
    template_name = "notifications/backoffice/email_list.html"

    def get(self, request):
        return render(request, self.template_name, {"specs": list(SPECS.values())})


class EmailTemplateDetailView(StaffRequiredMixin, View):
    required_roles = (StaffRole.MANAGER,)
    template_name = "notifications/backoffice/email_detail.html"

    def get(self, request, kind):
        spec = _spec(kind)
        language = _language(request)
        with translation.override(language):
            subject, text, _html = spec.render(sample_context(kind))
        return render(
            request,
            self.template_name,
            {
                "spec": spec,
                "language": language,
                "languages": settings.LANGUAGES,
                "subject": subject,
                "text": text,
                "templates": [
                    f"notifications/email/{spec.template}.html",
                    f"notifications/email/{spec.template}.txt",
                ],
            },
        )


@method_decorator(xframe_options_sameorigin, name="dispatch")
class EmailTemplatePreviewView(StaffRequiredMixin, View):
    """The HTML version alone, shown in the detail page's sandboxed frame."""

    required_roles = (StaffRole.MANAGER,)

    def get(self, request, kind):
        spec = _spec(kind)
        with translation.override(_language(request)):
            _subject, _text, html = spec.render(sample_context(kind))
        response = HttpResponse(html)
        response["Content-Security-Policy"] = PREVIEW_POLICY
        return response
