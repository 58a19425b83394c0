from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin
from customers.models import RATE_CURRENCIES


class ExchangeRateForm(BootstrapFormMixin, forms.Form):
    currency = forms.ChoiceField(label=_("Currency"), choices=RATE_CURRENCIES)
    rate_to_eur = forms.DecimalField(
        label=_("Rate to EUR"),
        max_digits=18,
        decimal_places=6,
        help_text=_("The euros one unit of the currency is worth (e.g. 0.2345)."),
    )
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
