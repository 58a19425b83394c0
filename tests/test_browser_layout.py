"""Layout checks in a real browser: long user-provided text never makes a page scroll
sideways, and the back-office filter controls are wide enough for their own text in
every language."""

import re

import pytest
from playwright.sync_api import expect

from customers.models import CustomerRole, TimelineKind, Visibility
from customers.services import append_timeline
from customers.tests.factories import (
    CompanyFactory,
    CustomerUserFactory,
    StaffUserFactory,
)
from tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# 200 characters, no spaces: the worst case for line breaking.
LONG_EMAIL = "comprador.departamento.de.compras." * 5 + "x" * 16 + "@gomez.example"
assert len(LONG_EMAIL) == 200


def horizontal_overflow(page) -> dict:
    return page.evaluate(
        """() => ({
            scrollWidth: document.documentElement.scrollWidth,
            clientWidth: document.documentElement.clientWidth,
        })"""
    )


@pytest.mark.parametrize("width", [375, 1280])
def test_portal_home_does_not_overflow_with_a_200_character_email(live_server, page, width):
    company = CompanyFactory(legal_name="Ferretería Gómez S.L.")
    user = CustomerUserFactory(company=company, email=LONG_EMAIL, role=CustomerRole.ADMIN)
    # The timeline shows emails too (the recipients of an email sent).
    append_timeline(
        company=company,
        kind=TimelineKind.EMAIL,
        summary=f"Email sent: welcome {LONG_EMAIL}",
        body=LONG_EMAIL,
        subject=user,
        visibility=Visibility.CUSTOMER,
    )

    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, f"{live_server.url}/portal/login/", LONG_EMAIL)
    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.locator("main")).to_contain_text("Ferretería Gómez S.L.")

    sizes = horizontal_overflow(page)
    assert sizes["scrollWidth"] <= sizes["clientWidth"], sizes

    # The user menu, opened, stays on screen as well.
    if width < 992:
        page.locator(".navbar-toggler").click()
    page.locator(".user-menu .dropdown-toggle").click()
    expect(page.locator(".user-menu .dropdown-menu")).to_be_visible()
    sizes = horizontal_overflow(page)
    assert sizes["scrollWidth"] <= sizes["clientWidth"], sizes
    box = page.locator(".user-menu .dropdown-menu").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box


# Every control of the filter form: its own text must fit inside it. Selects cannot
# be measured with scrollWidth (their text is drawn, not laid out), so the text of
# each option is measured with the control's font.
CLIPPED_CONTROLS = """(form) => {
    const canvas = document.createElement("canvas").getContext("2d");
    const clipped = [];
    for (const el of form.querySelectorAll("label, button, .input-group-text, select, input")) {
        if (el.type === "hidden" || el.matches(".visually-hidden")) continue;
        if (el.tagName === "SELECT") {
            const style = getComputedStyle(el);
            canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
            const room = el.clientWidth - parseFloat(style.paddingLeft)
                - parseFloat(style.paddingRight);
            for (const option of el.options) {
                const needed = canvas.measureText(option.text).width;
                if (needed > room + 0.5) {
                    clipped.push(`${el.name}: "${option.text}" needs ${needed}px, has ${room}px`);
                }
            }
        } else if (el.scrollWidth > el.clientWidth + 0.5) {
            clipped.push(`${el.tagName} "${el.textContent.trim() || el.name}": ` +
                         `${el.scrollWidth} > ${el.clientWidth}`);
        }
    }
    return clipped;
}"""


@pytest.mark.parametrize("language", ["es", "pl", "en"])
@pytest.mark.parametrize("width", [800, 1280])
def test_order_queue_filters_are_not_clipped(live_server, page, language, width):
    StaffUserFactory(email="boss@example.com", is_superuser=True)
    CompanyFactory(legal_name="Ferretería Industrial Gómez S.L.")
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, f"{live_server.url}/backoffice/login/", "boss@example.com")
    expect(page).to_have_url(re.compile(r"/backoffice/$"))

    page.goto(f"{live_server.url}/backoffice/orders/")
    assert page.locator("html").get_attribute("lang") == language
    form = page.locator("form.filter-bar")
    expect(form).to_be_visible()
    assert form.evaluate(CLIPPED_CONTROLS) == []
    sizes = horizontal_overflow(page)
    assert sizes["scrollWidth"] <= sizes["clientWidth"], sizes

    page.goto(f"{live_server.url}/backoffice/inventory/movements/")
    form = page.locator("form.filter-bar")
    expect(form).to_be_visible()
    assert form.evaluate(CLIPPED_CONTROLS) == []
