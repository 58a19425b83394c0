"""The back-office forms of the complaint actions (named by dotted path in
``complaints/actions.py``) and of the pages. Forms check shapes and types only; the
services decide. ``service_data()`` is what the action's service receives."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin
from core.roles import StaffRole
from core.uploads import accepted_types_text
from customers.models import Company, User

MAX_FILES = 10


def staff_users():
    """Who a complaint may be assigned to: active staff of customer service or managers."""
    return (
        User.objects.filter(is_active=True, is_staff=True)
        .filter(groups__name__in=[StaffRole.CUSTOMER_SERVICE, StaffRole.MANAGER])
        .distinct()
        .order_by("email")
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.email


def _text(label, *, required=False, rows=3, max_length=4000):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ActionForm(BootstrapFormMixin, forms.Form):
    """An action's form; ``complaint`` is the complaint it acts on."""

    def __init__(self, *args, complaint=None, **kwargs):
        self.complaint = complaint
        super().__init__(*args, **kwargs)

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (each checked by ``core.uploads`` in the service)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            files = [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        else:
            files = [super().clean(data, initial)] if data else []
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("At most %(max)d files at once.") % {"max": MAX_FILES}, code="too_many"
            )
        return files


def evidence_field():
    field = MultipleFileField(label=_("Photos or documents"), required=False)
    field.help_text = _("Accepted: %(types)s.") % {"types": accepted_types_text()}
    return field


class AttachmentForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Photo or document"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )


class DateRangeForm(BootstrapFormMixin, forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class BulkAssignForm(BootstrapFormMixin, forms.Form):
    """The desk's bulk assignment: the ticked complaints to one person (or nobody)."""

    complaints = forms.CharField(widget=forms.MultipleHiddenInput, required=False)
    assignee = StaffChoiceField(
        label=_("Assign to"), queryset=User.objects.none(), required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_users()

    def numbers(self) -> list[str]:
        return [n for n in self.data.getlist("complaints") if n][:200] if self.is_bound else []

    def clean(self):
        data = super().clean()
        if not self.numbers():
            raise forms.ValidationError(_("Tick at least one complaint."))
        return data


class CompanyChoiceForm(BootstrapFormMixin, forms.Form):
    """Step one of "file a complaint on the customer's behalf": whose complaint."""

    company = forms.ModelChoiceField(
        label=_("Customer"), queryset=Company.objects.order_by("legal_name")
    )


class StaffMessageForm(BootstrapFormMixin, forms.Form):
    """A staff message: a reply the customer sees (optionally a question that waits for
    the customer's answer and pauses the resolution clock) or an internal note."""

    REPLY, QUESTION, NOTE = "reply", "question", "note"
    KINDS = [
        (REPLY, _("Reply to the customer")),
        (QUESTION, _("Ask the customer (pauses the resolution clock)")),
        (NOTE, _("Internal note (staff only)")),
    ]
    body = _text(_("Message"), required=True, rows=3)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=KINDS, initial=REPLY, widget=forms.RadioSelect
    )

    def clean_body(self):
        value = self.cleaned_data["body"].replace("\x00", "").strip()
        if not value:
            raise forms.ValidationError(_("Write a message."), code="required")
        return value

    def service_data(self) -> dict:
        kind = self.cleaned_data["kind"]
        return {
            "body": self.cleaned_data["body"],
            "internal": kind == self.NOTE,
            "awaiting_customer": kind == self.QUESTION,
        }


class SlaTargetsForm(BootstrapFormMixin, forms.Form):
    """The SLA targets grid: for every category × priority, the first-response time in
    business days and the resolution time in days. Saving writes the changed cells
    through the domain's service (audited there)."""

    def __init__(self, *args, **kwargs):
        from ..models import Category, Priority, SlaTarget

        super().__init__(*args, **kwargs)
        stored = {(t.category, t.priority): t for t in SlaTarget.objects.all()}
        defaults = SlaTarget()
        self.priorities = list(Priority)
        self.cells = []
        self.grid = []
        for category in Category:
            row = {"key": category.value, "label": category.label, "cells": []}
            for priority in Priority:
                target = stored.get((category.value, priority.value), defaults)
                first, resolution = f"{category}__{priority}__first", f"{category}__{priority}__res"
                self.fields[first] = forms.IntegerField(
                    label=_("First response (business days): %(category)s, %(priority)s")
                    % {"category": category.label, "priority": priority.label},
                    min_value=1,
                    max_value=60,
                    initial=target.first_response_business_days,
                )
                self.fields[resolution] = forms.IntegerField(
                    label=_("Resolution (days): %(category)s, %(priority)s")
                    % {"category": category.label, "priority": priority.label},
                    min_value=1,
                    max_value=365,
                    initial=target.resolution_days,
                )
                business = f"{category}__{priority}__business"
                self.fields[business] = forms.BooleanField(
                    label=_("Resolution in business days"),
                    required=False,
                    initial=target.resolution_in_business_days,
                )
                self.cells.append(
                    (category.value, priority.value, first, resolution, business, target)
                )
                row["cells"].append(
                    {"first": None, "resolution": None, "names": (first, resolution, business)}
                )
            self.grid.append(row)
        for field in self.fields.values():
            if isinstance(field, forms.IntegerField):
                field.widget.attrs.update({"inputmode": "numeric", "class": "form-control"})
        for row in self.grid:
            for cell in row["cells"]:
                first, resolution, business = cell.pop("names")
                cell["first"], cell["resolution"] = self[first], self[resolution]
                cell["business"] = self[business]

    def changes(self) -> list[dict]:
        """The cells whose values differ from what is stored (or from the defaults)."""
        data = self.cleaned_data
        changed = []
        for category, priority, first, resolution, business, target in self.cells:
            values = (data[first], data[resolution], data[business])
            stored = (
                target.first_response_business_days,
                target.resolution_days,
                target.resolution_in_business_days,
            )
            if values != stored:
                changed.append(
                    {
                        "category": category,
                        "priority": priority,
                        "first_response_business_days": data[first],
                        "resolution_days": data[resolution],
                        "resolution_in_business_days": data[business],
                    }
                )
        return changed

    def save(self, *, actor) -> int:
        from .. import services

        changes = self.changes()
        for change in changes:
            services.save_sla_target(actor=actor, **change)
        return len(changes)


class DeadlineRuleForm(BootstrapFormMixin, forms.Form):
    """One legal or claim deadline's override: its days, its basis text (empty: the text
    the product ships with) and whether it applies at all."""

    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=3650)
    basis = _text(_("Basis (empty: the default text)"), rows=3, max_length=4000)
    active = forms.BooleanField(label=_("Applies"), required=False)

    def service_data(self) -> dict:
        return {
            "days": self.cleaned_data["days"],
            "basis": self.cleaned_data["basis"].strip(),
            "active": self.cleaned_data["active"],
        }


def deadline_rule_forms(data=None, *, bound_code=None) -> list[dict]:
    """Every rule of ``complaints.deadlines`` with its form (the overrides as initial
    values); ``bound_code``: the rule whose form is bound to ``data``."""
    from ..deadlines import RULES, stored_rules

    stored = stored_rules()
    rows = []
    for rule in RULES:
        override = stored.get(rule.code)
        initial = {
            "days": override.days if override else rule.days,
            "basis": override.basis if override else "",
            "active": override.active if override else True,
        }
        bound = data if rule.code == bound_code else None
        form = DeadlineRuleForm(bound, prefix=rule.code, initial=initial)
        rows.append({"rule": rule, "override": override, "form": form})
    return rows
