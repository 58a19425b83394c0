"""The generic list layer: ``core.tables`` + ``FilteredListView`` + ``htmx/table.html``.

A small list of companies (declared here, a few lines as any list page) exercises
sorting (whitelisted keys only), pagination, the HTMX partial, filters, the CSV export
(formula cells guarded) and the query budget.
"""

import csv
import io

import django_filters
import pytest
from django.http import Http404
from django.test import RequestFactory
from django.utils.translation import gettext_lazy as _

from core.filters import BootstrapFilterSet
from core.tables import Column, Table, resolve
from core.views import FilteredListView
from customers.models import Company, CompanyStatus
from customers.tests.factories import CompanyFactory, TagFactory


class CompanyTable(Table):
    row_name = "company"
    html_id = "company-table"
    export_name = "companies"
    default_ordering = "name"
    empty_text = _("No companies.")
    columns = [
        Column("name", "Name", accessor="legal_name", order_by="legal_name"),
        Column("city", "City", order_by=("city", "legal_name")),
        Column(
            "status",
            "Status",
            export="status",
            template_code='<b class="status">{{ company.get_status_display }}</b>',
        ),
        Column(
            "tags",
            "Tags",
            export=lambda c: ", ".join(t.name for t in c.tags.all()),
            template_code="{% for tag in company.tags.all %}<i>{{ tag.name }}</i>{% endfor %}",
        ),
        Column("secret", "Hidden", accessor="tax_id", visible=lambda t: t.context.get("show")),
        Column("internal", "Not exported", accessor="pk", export=False),
    ]


class CompanyFilters(BootstrapFilterSet):
    status = django_filters.ChoiceFilter(choices=CompanyStatus.choices)
    q = django_filters.CharFilter(field_name="legal_name", lookup_expr="icontains")

    class Meta:
        model = Company
        fields = ["status", "q"]


class CompanyList(FilteredListView):
    template_name = "htmx/table.html"
    queryset = Company.objects.prefetch_related("tags")
    filterset_class = CompanyFilters
    table_class = CompanyTable
    paginate_by = 2
    show = False

    def get_table_context(self):
        return {"show": self.show}


def _get(params=None, *, htmx=False, **view_attrs):
    request = RequestFactory().get("/companies/", params or {})
    request.htmx = htmx
    response = CompanyList.as_view(**view_attrs)(request)
    if hasattr(response, "render"):
        response.render()
    return response


def _names(response):
    return [c.legal_name for c in response.context_data["table"].rows]


@pytest.fixture
def companies(db):
    return [
        CompanyFactory(legal_name="Beta", city="Madrid"),
        CompanyFactory(legal_name="Alfa", city="Zaragoza"),
        CompanyFactory(legal_name="Gamma", city="Bilbao", status=CompanyStatus.BLOCKED),
    ]


def test_resolve_follows_paths_and_calls():
    class Row:
        name = "x"
        inner = None

        def get_label(self):
            return "label"

    assert resolve(Row(), "name") == "x"
    assert resolve(Row(), "inner.anything") is None
    assert resolve(Row(), "get_label") == "label"
    assert resolve(Row(), lambda row: row.name * 2) == "xx"
    assert resolve({"a": {"b": 1}}, "a.b") == 1


def test_default_ordering_and_sorting_by_a_declared_column(companies):
    assert _names(_get()) == ["Alfa", "Beta"]
    assert _names(_get({"sort": "-name"})) == ["Gamma", "Beta"]
    assert _names(_get({"sort": "city"})) == ["Gamma", "Beta"]


@pytest.mark.parametrize("sort", ["tax_id", "-tax_id", "status", "password", "name;drop", "--name"])
def test_sort_keys_outside_the_whitelist_fall_back_to_the_default(companies, sort):
    response = _get({"sort": sort})
    assert response.status_code == 200
    assert response.context_data["table"].sort == "name"
    assert _names(response) == ["Alfa", "Beta"]


def test_sort_links_toggle_and_keep_the_filters(companies):
    html = _get({"sort": "name", "status": "active"}).content.decode()
    assert 'href="?sort=-name&amp;status=active"' in html
    assert 'aria-sort="ascending"' in html
    assert 'href="?sort=city&amp;status=active"' in html
    # Unsortable columns get no link.
    assert "sort=status" not in html and "sort=tags" not in html


def test_pagination(companies):
    page2 = _get({"page": 2})
    assert _names(page2) == ["Gamma"]
    html = page2.content.decode()
    assert "2 / 2" in html and 'hx-target="#company-table"' in html
    for bad in (99, "x"):
        with pytest.raises(Http404):
            _get({"page": bad})


def test_htmx_requests_get_the_partial(companies, client_for, manager):
    from django.urls import reverse

    client = client_for(manager)
    full = client.get(reverse("backoffice:customer_list"))
    partial = client.get(reverse("backoffice:customer_list"), HTTP_HX_REQUEST="true")
    assert "<html" in full.text and '<div id="customer-table">' in full.text
    assert "<html" not in partial.text and "Alfa" in partial.text
    assert partial.templates[0].name == "htmx/table.html"


def test_cells_templates_visibility_and_empty_text(companies):
    companies[0].tags.add(TagFactory(name="vip"))
    html = _get().content.decode()
    assert '<b class="status">' in html
    assert "Hidden" not in html
    assert "Hidden" in _get(show=True).content.decode()
    empty = _get({"q": "nobody"}).content.decode()
    assert "No companies." in empty and 'colspan="5"' in empty


def test_filters_apply_and_invalid_values_show_nothing(companies):
    assert _names(_get({"status": "blocked"})) == ["Gamma"]
    assert _names(_get({"q": "alf"})) == ["Alfa"]
    invalid = _get({"status": "nonsense"})
    assert invalid.status_code == 200 and _names(invalid) == []


def test_base_filterset_styles_the_form(db):
    form = CompanyFilters({}, queryset=Company.objects.all()).form
    assert form.fields["status"].widget.attrs["class"] == "form-select"
    assert form.fields["q"].widget.attrs["class"] == "form-control"


def _csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="companies-')
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_csv_export_has_every_filtered_row_in_the_sort_order(companies):
    companies[1].tags.add(TagFactory(name="vip"), TagFactory(name="north"))
    rows = _csv_rows(_get({"export": "csv", "sort": "-name", "status": "active"}))
    assert rows[0] == ["name", "city", "status", "tags", "secret"]
    # Not paginated (2 per page on screen), filtered (Gamma is blocked), sorted.
    assert [row[0] for row in rows[1:]] == ["Beta", "Alfa"]
    assert sorted(rows[2][3].split(", ")) == ["north", "vip"]


def test_csv_export_guards_formula_cells(db):
    CompanyFactory(legal_name='=HYPERLINK("http://evil")', city="+1 city")
    CompanyFactory(legal_name="@SUM(A1)", city="-2")
    rows = _csv_rows(_get({"export": "csv"}))
    cells = [cell for row in rows[1:] for cell in row[:2]]
    assert '\'=HYPERLINK("http://evil")' in cells and "'@SUM(A1)" in cells
    assert "'+1 city" in cells
    assert "-2" in cells  # a plain number stays a number
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)


def test_export_can_be_switched_off(companies):
    response = _get({"export": "csv"}, export_csv=False)
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("rows", [1, 12])
def test_query_count_is_the_same_for_one_row_and_many(
    db, rows, django_assert_max_num_queries, django_assert_num_queries
):
    for index in range(rows):
        CompanyFactory(legal_name=f"Company {index:02d}").tags.add(TagFactory())
    # count, page, tags prefetch: the same whatever the number of rows.
    with django_assert_num_queries(3):
        response = CompanyList.as_view(paginate_by=50)(_request())
        response.render()
    assert len(response.context_data["table"].rows) == rows
    # The CSV streams every row: the same two queries (rows, tags) for any count.
    with django_assert_max_num_queries(2):
        export = CompanyList.as_view()(_request({"export": "csv"}))
        assert len(b"".join(export.streaming_content).splitlines()) == rows + 1


def _request(params=None):
    request = RequestFactory().get("/companies/", params or {})
    request.htmx = False
    return request
