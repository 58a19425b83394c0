"""Every HTML document the product writes outside a request (emails, PDFs) carries the
language it is written in: screen readers and hyphenation depend on it."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation


@pytest.mark.parametrize("language", ["es", "en", "pl"])
@pytest.mark.parametrize(
    "template",
    ["notifications/email/low_stock.html", "documents/pdf/base.html"],
)
def test_html_outside_a_request_carries_its_language(template, language):
    with translation.override(language):
        html = render_to_string(template, {"seller": {}, "product": {}, "warehouse": {}})
    assert f'<html lang="{language}">' in html
