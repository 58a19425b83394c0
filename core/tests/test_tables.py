"""The generic list layer: ``core.tables`` + ``FilteredListView`` + ``htmx/table.html``.

A small list of permission groups (declared here in a few lines, as any list page;
``django.contrib.auth`` keeps core's tests domain-free) exercises sorting (whitelisted
keys only), pagination, the HTMX partial, filters, the CSV export (formula cells
guarded) and the query budget.
"""

import csv
import io

import django_filters
import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from core.filters import BootstrapFilterSet
from core.tables import Column, Table, resolve
from core.views import FilteredListView


class GroupTable(Table):
    row_name = "group"
    html_id = "group-table"
    export_name = "groups"
    default_ordering = "name"
    empty_text = "No groups."  # a test table: not a translated text
    columns = [
        Column("name", "Name", order_by="name"),
        Column("code", "Code", accessor="pk", order_by=("pk",), export=False),
        Column(
            "size",
            "Size",
            export=lambda g: len(g.permissions.all()),
            template_code='<b class="size">{{ group.permissions.all|length }}</b>',
        ),
        Column(
            "permissions",
            "Permissions",
            export=lambda g: ", ".join(sorted(p.codename for p in g.permissions.all())),
            template_code="{% for p in group.permissions.all %}<i>{{ p.codename }}</i>{% endfor %}",
        ),
        Column("secret", "Hidden", accessor="pk", visible=lambda t: t.context.get("show")),
    ]


class GroupFilters(BootstrapFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(choices=[("t", "T"), ("x", "X")], method="filter_kind")

    class Meta:
        model = Group
        fields = ["q", "kind"]

    def filter_kind(self, queryset, name, value):
        return queryset.filter(name__startswith=value.upper())


class GroupList(FilteredListView):
    template_name = "htmx/table.html"
    queryset = Group.objects.filter(name__regex=r"^[TX=+@-]").prefetch_related("permissions")
    filterset_class = GroupFilters
    table_class = GroupTable
    paginate_by = 2
    show = False

    def get_table_context(self):
        return {"show": self.show}


def _request(params=None, *, htmx=False):
    request = RequestFactory().get("/groups/", params or {})
    request.htmx = htmx
    return request


def _get(params=None, *, htmx=False, **view_attrs):
    response = GroupList.as_view(**view_attrs)(_request(params, htmx=htmx))
    if hasattr(response, "render"):
        response.render()
    return response


def _names(response):
    return [g.name for g in response.context_data["table"].rows]


@pytest.fixture
def groups(db):
    made = [Group.objects.create(name=name) for name in ("T-Beta", "T-Alfa", "X-Gamma")]
    made[0].permissions.add(*Permission.objects.all()[:2])
    return made


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


def test_default_ordering_and_sorting_by_a_declared_column(groups):
    assert _names(_get()) == ["T-Alfa", "T-Beta"]
    assert _names(_get({"sort": "-name"})) == ["X-Gamma", "T-Beta"]
    assert _names(_get({"sort": "code"})) == ["T-Beta", "T-Alfa"]


@pytest.mark.parametrize(
    "sort", ["id", "-permissions", "size", "password", "name;drop", "--name", "secret"]
)
def test_sort_keys_outside_the_whitelist_fall_back_to_the_default(groups, sort):
    response = _get({"sort": sort})
    assert response.status_code == 200
    assert response.context_data["table"].sort == "name"
    assert _names(response) == ["T-Alfa", "T-Beta"]


def test_sort_links_toggle_and_keep_the_filters(groups):
    html = _get({"sort": "name", "kind": "t"}).content.decode()
    assert 'href="?sort=-name&amp;kind=t"' in html
    assert 'aria-sort="ascending"' in html
    assert 'href="?sort=code&amp;kind=t"' in html
    assert 'hx-get="?sort=code&amp;kind=t" hx-target="#group-table"' in html
    # Columns without order_by get no link.
    assert "sort=size" not in html and "sort=permissions" not in html


def test_pagination(groups):
    page2 = _get({"page": 2})
    assert _names(page2) == ["X-Gamma"]
    html = page2.content.decode()
    assert "2 / 2" in html and 'hx-target="#group-table"' in html
    for bad in (99, "x"):
        with pytest.raises(Http404):
            _get({"page": bad})


def test_htmx_requests_get_only_the_table_partial(client_for, manager):
    # Any list on the generic view, e.g. the audit page.
    client = client_for(manager)
    full = client.get(reverse("backoffice:audit_list"))
    partial = client.get(reverse("backoffice:audit_list"), HTTP_HX_REQUEST="true")
    assert "<html" in full.text and '<div id="audit-table">' in full.text
    assert "<html" not in partial.text and "<table" in partial.text
    assert partial.templates[0].name == "htmx/table.html"


def test_cells_templates_visibility_and_empty_text(groups):
    html = _get().content.decode()
    assert '<b class="size">0</b>' in html
    assert _get({"sort": "code"}).content.decode().count("<i>") == 2
    assert "Hidden" not in html
    assert "Hidden" in _get(show=True).content.decode()
    empty = _get({"q": "nobody"}).content.decode()
    assert "No groups." in empty and 'colspan="4"' in empty


def test_filters_apply_and_invalid_values_show_nothing(groups):
    assert _names(_get({"kind": "x"})) == ["X-Gamma"]
    assert _names(_get({"q": "alf"})) == ["T-Alfa"]
    invalid = _get({"kind": "nonsense"})
    assert invalid.status_code == 200 and _names(invalid) == []


def test_base_filterset_styles_the_form(db):
    form = GroupFilters({}, queryset=Group.objects.all()).form
    assert form.fields["kind"].widget.attrs["class"] == "form-select"
    assert form.fields["q"].widget.attrs["class"] == "form-control"


def _csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="groups-')
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_csv_export_has_every_filtered_row_in_the_sort_order(groups):
    rows = _csv_rows(_get({"export": "csv", "sort": "-name", "kind": "t"}))
    assert rows[0] == ["name", "size", "permissions", "secret"]
    # Not paginated (2 per page on screen), filtered (X-Gamma left out), sorted.
    assert [row[0] for row in rows[1:]] == ["T-Beta", "T-Alfa"]
    assert rows[1][1] == "2" and len(rows[1][2].split(", ")) == 2


def test_csv_export_guards_formula_cells(db):
    for name in ('=HYPERLINK("http://evil")', "@SUM(A1)", "+cmd", "-2"):
        Group.objects.create(name=name)
    rows = _csv_rows(_get({"export": "csv"}))
    names = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil")' in names and "'@SUM(A1)" in names
    assert "'+cmd" in names
    assert "-2" in names  # a plain number stays a number
    assert not any(name.startswith(("=", "+", "@")) for name in names)


def test_export_can_be_switched_off(groups):
    response = _get({"export": "csv"}, export_csv=False)
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("rows", [1, 12])
def test_query_count_is_the_same_for_one_row_and_many(
    db, rows, django_assert_num_queries, django_assert_max_num_queries
):
    permissions = list(Permission.objects.all()[:3])
    for index in range(rows):
        Group.objects.create(name=f"T-{index:02d}").permissions.add(*permissions)
    # count, page, permissions prefetch: the same whatever the number of rows.
    with django_assert_num_queries(3):
        response = GroupList.as_view(paginate_by=50)(_request())
        response.render()
    assert len(response.context_data["table"].rows) == rows
    # The CSV streams every row with the same queries (rows, permissions).
    with django_assert_max_num_queries(2):
        export = GroupList.as_view()(_request({"export": "csv"}))
        assert len(b"".join(export.streaming_content).splitlines()) == rows + 1


def test_translated_words_belong_in_template_files():
    # makemessages never sees a {% translate %} inside a Python string.
    with pytest.raises(ImproperlyConfigured):
        Column("state", "State", template_code='{% translate "Late" %}')
    assert Column("state", "State", template_name="htmx/table.html").compiled is not None


def test_cell_template_files_get_the_column():
    from django.template import Context, Template

    class Cells(Table):
        row_name = "group"
        columns = [Column("a", "A", template_name="cells.html")]

    template = Template("{% load tables %}{% render_cell table column row %}")
    column = Cells.columns[0]
    column.__dict__["compiled"] = Template("{{ column.name }}:{{ group.name }}:{{ row.name }}")
    html = template.render(Context({"table": Cells(), "column": column, "row": Group(name="G")}))
    assert html == "a:G:G"
