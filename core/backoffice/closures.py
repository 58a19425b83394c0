"""The managers' closure days (``/backoffice/closures/``): the extra non-working days
of the business calendar (``core.calendar``), listed, added, changed and removed
through ``core.closures`` (audited)."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.backoffice.links import register_object_url
from core.closures import delete_closure_day, save_closure_day
from core.errors import DomainError
from core.forms import BootstrapFormMixin
from core.models import ClosureDay
from core.roles import StaffRole
from core.tables import Column, Table
from core.views import FilteredListView, ServiceFormView, StaffRequiredMixin

MANAGERS = (StaffRole.MANAGER,)

register_object_url("core.closureday", "backoffice:closure_edit")


class ClosureDayTable(Table):
    row_name = "closure"
    html_id = "closure-table"
    export_name = "closure-days"
    empty_text = _("No closure days yet.")
    default_ordering = "-date"
    columns = [
        Column(
            "date",
            _("Date"),
            order_by="date",
            template_code="<a href=\"{% url 'backoffice:closure_edit' closure.pk %}\">"
            "{{ closure.date|date:'SHORT_DATE_FORMAT' }}</a>",
            export="date",
        ),
        Column(
            "country",
            _("Country"),
            order_by="country",
            template_name="core/backoffice/_closure_cells.html",
            export="country",
        ),
        Column("note", _("Note")),
    ]


class ClosureDayForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ClosureDay
        fields = ["date", "country", "note"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def validate_unique(self):
        # The service checks the (date, country) pair and reports it on the form.
        pass


class ClosureDayListView(StaffRequiredMixin, FilteredListView):
    required_roles = MANAGERS
    template_name = "core/backoffice/closure_list.html"
    table_class = ClosureDayTable
    context_object_name = "closures"
    paginate_by = 50
    queryset = ClosureDay.objects.all()


class ClosureDayEditView(StaffRequiredMixin, ServiceFormView):
    required_roles = MANAGERS
    template_name = "core/backoffice/closure_form.html"
    form_class = ClosureDayForm

    def get_object(self):
        pk = self.kwargs.get("pk")
        return get_object_or_404(ClosureDay, pk=pk) if pk else None

    def get_context_data(self, **kwargs):
        title = _("Edit closure day") if self.object else _("New closure day")
        return super().get_context_data(title=title, **kwargs)

    def perform(self, form):
        closure = ClosureDay.objects.get(pk=self.object.pk) if self.object else None
        return save_closure_day(
            actor=self.request.user,
            closure=closure,
            date=form.cleaned_data["date"],
            country=form.cleaned_data["country"],
            note=form.cleaned_data["note"],
        )

    def get_success_url(self, result) -> str:
        return reverse("backoffice:closure_list")


class ClosureDayDeleteView(StaffRequiredMixin, View):
    required_roles = MANAGERS
    http_method_names = ["post"]

    def post(self, request, pk):
        closure = get_object_or_404(ClosureDay, pk=pk)
        try:
            delete_closure_day(actor=request.user, closure=closure)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Closure day removed."))
        return redirect("backoffice:closure_list")
