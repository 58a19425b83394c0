"""The return label PDF (Code 128 barcode of the RMA number, warehouse address, lines,
the company's language) and the chart geometry."""

import io
from decimal import Decimal

import pytest
from django.utils import translation
from pypdf import PdfReader

from customers.tests.factories import CompanyFactory
from returns import charts
from returns.label import label_context, render_label

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_label_has_the_barcode_address_and_lines(order, request_return, walk, warehouses):
    ret = walk(request_return(order), to="autorizada")
    context = label_context(ret)
    assert context["barcode"].startswith("data:image/svg+xml;base64,")
    import base64

    svg = base64.b64decode(context["barcode"].split(",", 1)[1])
    assert b"<svg" in svg and b"<rect" in svg
    pdf = render_label(ret)
    text = _text(pdf)
    assert ret.number in text
    assert "DRILL-18V" in text and "aladro 18 V 1" in text  # (PDF text splits "T aladro")
    assert "Pedido" in text  # the company's language (Spanish)
    assert order.number in text


def test_label_in_polish_with_the_warsaw_warehouse(
    delivered, request_return, walk, warehouses, manager
):
    company = CompanyFactory(country="PL", language="pl", currency="PLN")
    ret = request_return(delivered(company), actor=manager)
    ret.warehouse = warehouses[1]
    ret.save(update_fields=["warehouse"])
    ret = walk(ret, to="autorizada")
    text = _text(render_label(ret))
    assert "ul. Łódzka 5" in text


def test_pareto_geometry_with_known_numbers():
    chart = charts.pareto([("b", "B", 3), ("a", "A", 6), ("c", "C", 1), ("zero", "Zero", 0)])
    assert [bar.key for bar in chart.bars] == ["a", "b", "c"]
    assert [bar.share for bar in chart.bars] == [Decimal("60.0"), Decimal("30.0"), Decimal("10.0")]
    assert [bar.cumulative for bar in chart.bars] == [
        Decimal("60.0"),
        Decimal("90.0"),
        Decimal("100.0"),
    ]
    assert chart.total == 10
    tallest, *_rest = chart.bars
    assert tallest.height == charts.PLOT_HEIGHT
    assert chart.bars[1].height == charts.PLOT_HEIGHT / 2
    assert chart.bars[-1].line_y == charts.TOP  # 100 % at the top of the plot
    assert charts.pareto([]).empty


@pytest.mark.parametrize(
    "template", ["returns/includes/_chart.html", "complaints/includes/_chart.html"]
)
def test_chart_geometry_is_never_written_with_a_decimal_comma(template):
    """Spanish and Polish write 148,5: inside an SVG attribute that is not a number."""
    import re

    from django.template.loader import render_to_string

    bar = {
        "key": "damaged",
        "label": "Dañado",
        "value": 3,
        "share": "37.5",
        "cumulative": "37.5",
        "x": 40.25,
        "y": 148.5,
        "height": 31.5,
        "centre": 64.25,
        "line_y": 120.75,
        "width": 31.5,  # the complaints chart's bars are horizontal
        "text_y": 148.5,
        "value_x": 80.75,
    }
    chart = {
        "empty": False,
        "width": 400,
        "height": 180,
        "grid": [(148.5, "0"), (90.25, "5")],
        "bars": [bar],
        "line_points": "64.25,120.75",
        "total": 8,
        "label_width": 120,
    }
    for language in ("es", "pl"):
        with translation.override(language):
            html = render_to_string(template, {"chart": chart, "chart_id": "c", "cumulative": True})
        svg = html[html.index("<svg") : html.index("</svg>")]
        assert 'y="148.5"' in svg and '="31.5"' in svg
        assert not re.search(r'="-?\d+,\d+"', svg), svg
