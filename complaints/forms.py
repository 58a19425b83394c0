"""The forms of the complaint actions (named by dotted path in ``complaints/actions.py``)
and of filing, messages and ratings, for the back-office and the portal. Forms check
shapes and types only; the services decide. ``service_data()`` is exactly the keyword
arguments the action's service takes (``tests/test_actions.py`` checks each one)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin
from core.roles import StaffRole

from .models import Category, Decision, DefectVisibility, Priority, Resolution, ResponsibleParty


class ActionForm(BootstrapFormMixin, forms.Form):
    """An action's form; ``complaint`` is the complaint it acts on."""

    def __init__(self, *args, complaint=None, **kwargs):
        self.complaint = complaint
        super().__init__(*args, **kwargs)

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


def _text(required=False, label=None, rows=2, max_length=5000):
    return forms.CharField(
        label=label or _("Note"),
        max_length=max_length,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class NoteForm(ActionForm):
    note = _text()


class ReasonForm(ActionForm):
    reason = _text(required=True, label=_("Reason"))


class DecideForm(ActionForm):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    reasoning = _text(required=True, label=_("Reasoning (told to the customer)"), rows=4)


class ResolveForm(ActionForm):
    resolution = forms.ChoiceField(label=_("Resolution"), choices=Resolution.choices)
    note = _text(label=_("Note (told to the customer)"))
    discount_percent = forms.DecimalField(
        label=_("Discount % (discount resolution)"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
    )

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("discount_percent") is None:
            data.pop("discount_percent", None)
        return data


def service_staff():
    """Active people of customer service (and managers): who can be assigned."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            is_staff=True,
            groups__name__in=[StaffRole.CUSTOMER_SERVICE, StaffRole.MANAGER],
        )
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


class AssignForm(ActionForm):
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=get_user_model().objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = service_staff()


class AnalysisForm(ActionForm):
    root_cause = _text(label=_("Root cause"), rows=3)
    responsible_party = forms.ChoiceField(
        label=_("Responsible party"),
        choices=[("", "---------"), *ResponsibleParty.choices],
        required=False,
    )
    corrective_action = _text(label=_("Corrective action"), rows=3)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    defect_visibility = forms.ChoiceField(
        label=_("Defect"), choices=[("", "---------"), *DefectVisibility.choices], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.complaint is not None:
            for name in self.fields:
                self.fields[name].initial = getattr(self.complaint, name)


class ClaimForm(ActionForm):
    note = _text(label=_("Message to add to the claim"), rows=3)


class RatingForm(ActionForm):
    score = forms.TypedChoiceField(
        label=_("Score"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = _text(label=_("Comment"), max_length=2000)


class MessageForm(BootstrapFormMixin, forms.Form):
    """A message (``services.post_message``): staff may mark it internal or a question."""

    body = _text(required=True, label=_("Message"), rows=3)
    internal = forms.BooleanField(label=_("Internal note (staff only)"), required=False)
    awaiting_customer = forms.BooleanField(
        label=_("Ask the customer (pauses the resolution clock)"), required=False
    )

    def __init__(self, *args, staff: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not staff:
            del self.fields["internal"]
            del self.fields["awaiting_customer"]

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class ComplaintFileForm(BootstrapFormMixin, forms.Form):
    """Filing (``services.file_complaint``): category, description, optional order and
    SKU; the faces add the company (staff) and the photos (``files``)."""

    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    order = forms.CharField(label=_("Order number"), max_length=20, required=False)
    sku = forms.CharField(label=_("SKU"), max_length=64, required=False)
    description = _text(required=True, label=_("What happened?"), rows=5)

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("order", "sku"):
            if not data.get(name):
                data.pop(name, None)
        return data
