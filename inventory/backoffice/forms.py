from django import forms
from django.utils.text import capfirst
from django.utils.translation import get_language_info, gettext
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin

from .. import i18n
from ..imports import MAX_BYTES
from ..models import Category, MovementKind, Product, StockItem, Warehouse
from ..services import MAX_QUANTITY


class TranslatedFieldsMixin:
    """One input per language for the translated fields (``name_es``, ``name_en``,
    ``name_pl``, side by side, labelled with the language); Spanish is required.
    ``service_data()`` hands them to the service as ``{language: text}``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in i18n.translated_fields(self._meta.model):
            verbose = capfirst(self._meta.model._meta.get_field(name).verbose_name)
            for language in i18n.LANGUAGES:
                field = self.fields.get(i18n.column(name, language))
                if field is None:
                    continue
                field.label = gettext("%(field)s (%(language)s)") % {
                    "field": verbose,
                    "language": get_language_info(language)["name_translated"],
                }
                field.widget.attrs["lang"] = language
                if language == i18n.DEFAULT_LANGUAGE and name == "name":
                    field.required = True

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        for name in i18n.translated_fields(self._meta.model):
            data[name] = {
                language: data.pop(i18n.column(name, language), None) for language in i18n.LANGUAGES
            }
        return data


def _columns(*fields: str) -> list[str]:
    return [name for field in fields for name in i18n.columns(field)]


class CategoryForm(TranslatedFieldsMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Category
        fields = [
            *_columns("name"),
            "returnable",
            "return_window_days",
            *_columns("return_conditions"),
            "return_shipping_paid_by",
            "restocking_fee_percent",
        ]
        widgets = {
            i18n.column("return_conditions", language): forms.Textarea(attrs={"rows": 3})
            for language in i18n.LANGUAGES
        }


class ProductForm(TranslatedFieldsMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Product
        fields = [
            "sku",
            *_columns("name"),
            *_columns("description"),
            "category",
            "supplier",
            "unit_price",
            "tax_category",
            "weight_kg",
            "active",
            "external_ref",
        ]
        widgets = {
            i18n.column("description", language): forms.Textarea(attrs={"rows": 3})
            for language in i18n.LANGUAGES
        }

    def clean_sku(self):
        return self.cleaned_data["sku"].strip()

    def clean_external_ref(self):
        return self.cleaned_data.get("external_ref") or None


class WarehouseForm(BootstrapFormMixin, forms.ModelForm):
    # Not a model field of the form: making one warehouse the default un-defaults the
    # others, which the service does (the model's one-default constraint would refuse it).
    is_default = forms.BooleanField(
        label=_("Default"), required=False, help_text=_("Reservations are served from here first.")
    )

    class Meta:
        model = Warehouse
        fields = ["code", "name", "address"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["is_default"].initial = self.instance.is_default

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()


class SkuField(forms.ModelChoiceField):
    """A product typed by its SKU."""

    default_error_messages = {"invalid_choice": _("Unknown SKU.")}

    def __init__(self, **kwargs):
        super().__init__(
            queryset=Product.objects.all(),
            to_field_name="sku",
            widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            label=_("SKU"),
            **kwargs,
        )

    def to_python(self, value):
        return super().to_python(value.strip() if isinstance(value, str) else value)

    def prepare_value(self, value):
        if isinstance(value, Product):
            return value.sku
        return super().prepare_value(value)


def _warehouse_field():
    return forms.ModelChoiceField(
        queryset=Warehouse.objects.all(), label=_("Warehouse"), empty_label=None
    )


class ReceiveForm(BootstrapFormMixin, forms.Form):
    product = SkuField()
    warehouse = _warehouse_field()
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY)
    reference = forms.CharField(
        label=_("Reference"),
        max_length=100,
        required=False,
        help_text=_("E.g. the supplier's delivery note."),
    )
    reason = forms.CharField(label=_("Note"), max_length=255, required=False)


class AdjustForm(BootstrapFormMixin, forms.Form):
    COUNT = "count"
    MODES = [
        (MovementKind.ADJUSTMENT, _("Change by (+/-)")),
        (COUNT, _("Set to the counted quantity")),
        (MovementKind.WRITE_OFF, _("Write off (damaged or lost)")),
    ]

    product = SkuField()
    warehouse = _warehouse_field()
    mode = forms.ChoiceField(
        label=_("Type"), choices=MODES, widget=forms.RadioSelect, initial=MovementKind.ADJUSTMENT
    )
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=-MAX_QUANTITY,
        max_value=MAX_QUANTITY,
        help_text=_("A change may be negative; a count or a write-off is zero or more."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=255)

    def clean(self):
        data = super().clean()
        mode, quantity = data.get("mode"), data.get("quantity")
        if quantity is None or mode is None:
            return data
        if mode == MovementKind.ADJUSTMENT and quantity == 0:
            self.add_error("quantity", _("The change cannot be zero."))
        elif mode == self.COUNT and quantity < 0:
            self.add_error("quantity", _("A counted quantity cannot be negative."))
        elif mode == MovementKind.WRITE_OFF and quantity <= 0:
            self.add_error("quantity", _("The quantity must be greater than zero."))
        return data


class ReorderLevelsForm(BootstrapFormMixin, forms.Form):
    reorder_point = forms.IntegerField(
        label=_("Reorder point"), min_value=0, max_value=MAX_QUANTITY
    )
    reorder_quantity = forms.IntegerField(
        label=_("Reorder quantity"), min_value=0, max_value=MAX_QUANTITY
    )
    bin_location = forms.CharField(
        label=_("Bin location"),
        max_length=StockItem._meta.get_field("bin_location").max_length,
        required=False,
        help_text=StockItem._meta.get_field("bin_location").help_text,
    )


class StockImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: sku,warehouse,quantity,reason (UTF-8, comma or semicolon separated)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 2 MB)."))
        return upload
