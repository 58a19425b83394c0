from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin

from ..imports import MAX_BYTES
from ..models import PriceList


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PriceListForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = PriceList
        fields = ["code", "name", "currency", "is_default", "valid_from", "valid_to", "active"]
        widgets = {"valid_from": DateInput(), "valid_to": DateInput()}

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The list cannot end before it starts."))
        return cleaned

    def _post_clean(self):
        # The service checks the model (one default per currency is its business: the
        # new default takes over), not the form.
        pass


class PriceForm(BootstrapFormMixin, forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=64)
    min_quantity = forms.IntegerField(
        label=_("from quantity"),
        min_value=1,
        max_value=1_000_000,
        initial=1,
        help_text=_("1 is the list price; more is a quantity break."),
    )
    price = forms.DecimalField(
        label=_("net price"), max_digits=12, decimal_places=2, min_value=0.01
    )

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["sku"].disabled = True
            self.fields["min_quantity"].disabled = True


class ContractPriceForm(BootstrapFormMixin, forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=64)
    price = forms.DecimalField(
        label=_("net price"),
        max_digits=12,
        decimal_places=2,
        min_value=0.01,
        help_text=_("The company's discount does not apply to a contract price."),
    )
    valid_from = forms.DateField(label=_("valid from"), required=False, widget=DateInput())
    valid_to = forms.DateField(
        label=_("valid to"),
        required=False,
        widget=DateInput(),
        help_text=_("Last day it applies; empty: open."),
    )

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["sku"].disabled = True

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The end cannot be before the start."))
        return cleaned


class CompanyPriceListForm(BootstrapFormMixin, forms.Form):
    price_list = forms.ModelChoiceField(
        label=_("price list"),
        queryset=PriceList.objects.none(),
        required=False,
        empty_label=_("The default list of its currency"),
    )

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price_list"].queryset = PriceList.objects.filter(
            currency=company.currency
        ).order_by("code")


class ConfirmForm(BootstrapFormMixin, forms.Form):
    """A confirmation (deleting a price)."""


class CsvImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, columns: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Columns: %(columns)s (UTF-8, comma or semicolon separated, amounts with a "
            "decimal point: 12.50)."
        ) % {"columns": columns}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 2 MB)."))
        return upload
