from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin

from ..events import EventType


class SubscriptionForm(BootstrapFormMixin, forms.Form):
    url = forms.URLField(label=_("URL"), max_length=2000, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    secret = forms.CharField(
        label=_("Signing secret"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to generate one (whsec_…). It is shown once."),
    )
