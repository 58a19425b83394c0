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


class VerifactuExportForm(BootstrapFormMixin, forms.Form):
    """The issue dates of the documents whose VeriFactu records are exported."""

    date_from = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


class VerifactuCancelForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the record must be cancelled (kept with the record)."),
    )
