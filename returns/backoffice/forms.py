"""The back-office forms of the return actions (named by dotted path in
``returns/actions.py``) and of the pages. Forms check shapes and types only; the
services decide. ``service_data()`` is what the action's service receives."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin
from inventory.models import Warehouse

from ..models import Condition, Resolution, ReturnReason, ShippingPayer


class ActionForm(BootstrapFormMixin, forms.Form):
    """An action's form; ``ret`` is the return it acts on (for per-line fields)."""

    def __init__(self, *args, ret=None, **kwargs):
        self.ret = ret
        super().__init__(*args, **kwargs)

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


def _note(required=False, label=None):
    return forms.CharField(
        label=label or _("Note"),
        max_length=2000,
        required=required,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AuthorizeForm(ActionForm):
    shipping_payer = forms.ChoiceField(
        label=_("Return shipping paid by"),
        choices=[("", _("As the reasons' rules say")), *list(ShippingPayer.choices)],
        required=False,
    )
    note = _note()


class RejectForm(ActionForm):
    reason = _note(required=True, label=_("Reason (told to the customer)"))


class CancelForm(ActionForm):
    reason = _note(label=_("Reason"))


class NoteForm(ActionForm):
    note = _note(required=True)


class ReturnNoteForm(NoteForm):
    customer_visible = forms.BooleanField(label=_("Visible to the customer"), required=False)


class ResolveForm(ActionForm):
    resolution = forms.ChoiceField(label=_("Resolution"), choices=Resolution.choices)
    note = _note()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.ret is not None:
            self.fields["resolution"].initial = self.ret.requested_resolution


def _lines(ret):
    return list(ret.lines.order_by("position")) if ret is not None else []


class ReceiveForm(ActionForm):
    """What arrived, per line (at most what was authorized), and where it goes."""

    warehouse = forms.ModelChoiceField(
        label=_("Into warehouse"), queryset=Warehouse.objects.order_by("code"), required=False
    )
    shipping_cost = forms.DecimalField(
        label=_("Return postage paid by the buyer (net)"),
        max_digits=10,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Only when the buyer paid the postage and it is to be refunded."),
    )
    note = _note()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.line_fields = []
        for line in _lines(self.ret):
            name = f"line_{line.pk}"
            self.fields[name] = forms.IntegerField(
                label=f"{line.sku} · {line.name}",
                min_value=0,
                initial=line.quantity,
                help_text=_("Authorized: %(quantity)s") % {"quantity": line.quantity},
            )
            self.line_fields.append((line, name))
        if self.ret is not None:
            from ..services import order_first_warehouse

            self.fields["warehouse"].initial = getattr(
                order_first_warehouse(self.ret.order), "pk", None
            )
        self.order_fields(
            [name for _line, name in self.line_fields] + ["warehouse", "shipping_cost", "note"]
        )

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "lines": [{"sku": line.sku, "quantity": data[name]} for line, name in self.line_fields],
            "warehouse": data.get("warehouse"),
            "shipping_cost": data.get("shipping_cost"),
            "note": data.get("note", ""),
        }


class InspectForm(ActionForm):
    """Each received unit graded: resellable, damaged or missing."""

    note = _note()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.line_rows = []
        for line in _lines(self.ret):
            received = line.received_quantity or 0
            names = {}
            for condition in Condition:
                name = f"line_{line.pk}_{condition.value}"
                self.fields[name] = forms.IntegerField(
                    label=f"{line.sku}: {condition.label}",
                    min_value=0,
                    required=False,
                    initial=received if condition == Condition.RESELLABLE else 0,
                )
                names[condition.value] = name
            self.line_rows.append((line, received, names))
        self.order_fields(
            [n for _line, _r, names in self.line_rows for n in names.values()] + ["note"]
        )

    def service_data(self) -> dict:
        data = self.cleaned_data
        lines = []
        for line, _received, names in self.line_rows:
            for condition, name in names.items():
                if data.get(name):
                    lines.append({"sku": line.sku, "condition": condition, "quantity": data[name]})
        return {"lines": lines, "note": data.get("note", "")}


# --- pages --------------------------------------------------------------------------------


class AttachmentForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("Photo or document"))


class ReturnReasonForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ReturnReason
        fields = [
            "code",
            "name",
            "evidence_required",
            "seller_pays_shipping",
            "applies_category_policy",
            "notice_window_days",
            "restocking_fee_applies",
            "active",
            "position",
        ]

    def validate_unique(self):
        pass  # the service reports it


class DateRangeForm(BootstrapFormMixin, forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class StoreCreditForm(BootstrapFormMixin, forms.Form):
    amount = forms.DecimalField(
        label=_("Amount of store credit to apply"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
