"""An order line snapshots the product name in the company's language at placement
(the language of its invoice, packing list and emails); the documents print it."""

import io

import pytest
from django.core import mail
from django.utils import translation
from pypdf import PdfReader

from documents import pdf
from documents.models import DocumentFile, DocumentKind
from inventory.models import Product

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    """The text without spaces (the extraction splits kerned pairs: "T aladro")."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return "".join(text.split())


def squeezed(name: str) -> str:
    return "".join(name.split())


@pytest.fixture
def translated_drill(products):
    drill = Product.objects.get(sku="DRILL-18V")
    drill.name_en, drill.name_pl = "Drill 18 V", "Wiertarka 18 V"
    drill.save()
    return drill


def _documents(order):
    return {
        kind: pdf_text(pdf.render_document(DocumentFile.objects.get(order=order, kind=kind)))
        for kind in (DocumentKind.INVOICE, DocumentKind.PACKING_LIST)
    }


def test_a_polish_company_gets_polish_names_on_its_invoice_and_packing_list(
    translated_drill, other_company, place, prepare
):
    # Placed by Spanish-speaking staff: the line is still in the company's language.
    with translation.override("es"):
        order = prepare(place(other_company))
    line = order.lines.get(sku="DRILL-18V")
    assert line.name == "Wiertarka 18 V"
    for kind, text in _documents(order).items():
        assert squeezed("Wiertarka 18 V") in text, kind
        assert squeezed("Taladro 18 V") not in text, kind
    received = [m for m in mail.outbox if order.number in m.subject]
    assert received and "Wiertarka 18 V" in received[0].body


def test_a_spanish_company_gets_spanish_names(translated_drill, company, place, prepare):
    with translation.override("pl"):
        order = prepare(place(company))
    assert order.lines.get(sku="DRILL-18V").name == "Taladro 18 V"
    assert squeezed("Taladro 18 V") in _documents(order)[DocumentKind.INVOICE]


def test_a_name_missing_in_the_company_language_falls_back_to_spanish(
    products, other_company, place
):
    order = place(other_company)
    # GLOVES-L has only its Spanish name.
    assert order.lines.get(sku="GLOVES-L").name == Product.objects.get(sku="GLOVES-L").name_es
