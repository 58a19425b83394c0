"""Helpers of the browser tests (the fixtures are in ``tests/conftest.py``)."""

from customers.tests.factories import PASSWORD


def sign_in(page, url, email, password=PASSWORD):
    """Sign in through the real sign-in page of ``url``'s face."""
    page.goto(url)
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit].w-100")
