"""The back-office email template pages."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_plain_text_preview_keeps_its_line_breaks(client_for, manager):
    url = reverse("backoffice:email_template_detail", args=["order_received"])
    content = client_for(manager).get(url + "?lang=es").content.decode()
    pane = re.search(r'<pre class="([^"]*)" id="email-text">(.*?)</pre>', content, re.S)
    assert pane is not None
    classes, text = pane.group(1).split(), pane.group(2)
    assert text.count("\n") > 10  # one line per order line, total, address...
    # Bootstrap's text-wrap is white-space: normal, which joins the lines; our class
    # keeps them and wraps long ones (CSP: no inline style).
    assert "text-wrap" not in classes and "email-plain-text" in classes
    css = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()
    rule = re.search(r"\.email-plain-text\s*\{([^}]*)\}", css)
    assert rule is not None and "white-space: pre-wrap" in rule.group(1)


@pytest.mark.parametrize("language", ["es", "en", "pl"])
def test_the_html_preview_carries_its_language(client_for, manager, language):
    url = reverse("backoffice:email_template_preview", args=["order_shipped"])
    content = client_for(manager).get(f"{url}?lang={language}").content.decode()
    assert f'<html lang="{language}">' in content
