from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin
from customers.models import Company


class ApiKeyForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_('Who uses it, e.g. "ERP production".')
    )
    company = forms.ModelChoiceField(
        label=_("Company"),
        queryset=Company.objects.order_by("legal_name"),
        required=False,
        empty_label=_("None: a seller key (sees everything)"),
        help_text=_("A company key only ever sees that company's data."),
    )
