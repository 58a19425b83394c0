"""The one DomainError-to-form mapper and the service form view."""

from django import forms
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from core.errors import Conflict, DomainError
from core.forms import apply_domain_error
from core.views import ServiceFormView


class NameForm(forms.Form):
    name = forms.CharField()


def test_field_errors_land_on_their_field_and_unknown_ones_above():
    form = NameForm(data={"name": "x"})
    assert form.is_valid()
    error = DomainError("Invalid", fields={"name": ["Taken."], "other": ["Odd."]})
    assert apply_domain_error(form, error) is True
    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == ["Odd."]
    assert form.fields["name"].widget.attrs["aria-invalid"] == "true"


def test_error_without_fields_shows_its_message():
    form = NameForm(data={"name": "x"})
    form.is_valid()
    assert apply_domain_error(form, Conflict("Not now.")) is False
    assert form.non_field_errors() == ["Not now."]


def test_validation_error_dict_is_mapped():
    form = NameForm(data={"name": "x"})
    form.is_valid()
    apply_domain_error(form, ValidationError({"name": ["Too short."]}))
    assert form.errors["name"] == ["Too short."]


class _View(ServiceFormView):
    form_class = NameForm
    template_name = "forms/bootstrap_form.html"
    success_url = "/done/"
    calls: list = []

    def perform(self, form):
        if form.cleaned_data["name"] == "bad":
            raise DomainError("No", fields={"name": ["Refused."]})
        self.calls.append(form.cleaned_data["name"])
        return form.cleaned_data["name"]


def _post(data):
    request = RequestFactory().post("/x/", data)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return _View.as_view()(request)


def test_service_form_view_redirects_after_the_service_and_refuses_with_400():
    _View.calls = []
    assert _post({"name": "good"}).status_code == 302
    assert _View.calls == ["good"]
    refused = _post({"name": "bad"})
    assert refused.status_code == 400
    assert "Refused." in refused.rendered_content
    assert _post({}).status_code == 400
    assert _View.calls == ["good"]
