"""Helpers of the browser tests (the fixtures are in ``tests/conftest.py``)."""

from customers.tests.factories import PASSWORD


def sign_in(page, url, email, password=PASSWORD):
    """Sign in through the real sign-in page of ``url``'s face."""
    page.goto(url)
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit].w-100")


def take_action(page, action: str, reached: str, *, fill=None):
    """On a detail page with collapsible action forms (returns, complaints): open the
    form of ``action``, let ``fill(page)`` fill it, submit it and wait until the page
    shows the state ``reached``. Each wait is for the thing itself: the page fully
    loaded (its deferred Bootstrap script runs the collapse), the form open, the page
    the submission navigates to, the new state; when the state does not come, the
    page's alerts and field errors say why."""
    import re

    from playwright.sync_api import expect

    page.wait_for_load_state("load")
    page.click(f'[data-bs-target="#form-{action}"]')
    # Shown and done opening: Bootstrap swaps "collapsing" (its height transition, the
    # form clipped) for "show" at the end; a click during the transition can be lost.
    expect(page.locator(f"#form-{action}")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    if fill is not None:
        fill(page)
    submit = page.locator(f"#form-{action} button[type=submit]")
    submit.scroll_into_view_if_needed()
    with page.expect_navigation(wait_until="load"):
        submit.click()
    try:
        # The action's side effects run in the request (Celery eager in tests): give a
        # loaded machine twice the usual wait.
        expect(page.locator("[data-status]").first).to_have_attribute(
            "data-status", reached, timeout=30_000
        )
    except AssertionError as error:
        said = page.locator(".alert, .invalid-feedback, .errorlist").all_inner_texts()
        raise AssertionError(f"{action} did not reach {reached}; the page says {said}") from error
    expect(page.locator(".alert-success")).to_be_visible()
