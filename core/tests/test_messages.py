"""core.messages: keys and parameters stored, rendered in the active language with the
locale's numbers and dates, and old rendered texts recognised in any language."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core import messages as m
from core.templatetags.ui import amount, message, money


class Role(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    VIEWER = "viewer", _("Viewer")


# Templates whose msgids the catalogs already translate.
m.define("test.placed", _("Order %(number)s placed: %(total)s %(currency)s"), total=m.AMOUNT)
m.define("test.role", _("User %(email)s is now %(role)s"), role=m.choice(Role))
m.define("test.valid_from", _("The coupon %(code)s is valid from %(date)s."), date=m.DATE)
m.define("test.sent", _("Email sent: %(subject)s"), subject=m.MESSAGE)
m.define("test.rated", _("Order %(number)s rated %(score)s/5 by the customer"), score=m.NUMBER)
m.define("test.labels", _("Customer data changed: %(fields)s"), fields=m.labels(Role))


def test_a_message_stores_its_key_and_json_parameters():
    msg = m.Msg("test.placed", number="PED-1", total=Decimal("1234.5"), currency="EUR")
    assert msg.stored == {
        "key": "test.placed",
        "params": {"number": "PED-1", "total": "1234.5", "currency": "EUR"},
    }
    assert m.Msg("test.valid_from", code="X", date=dt.date(2026, 12, 2)).params["date"] == (
        "2026-12-02"
    )
    assert m.Msg("test.role", email="a@b", role=Role.BUYER).params["role"] == "buyer"


def test_undefined_keys_and_missing_parameters_are_refused():
    with pytest.raises(KeyError, match="Undefined"):
        m.Msg("test.nothing")
    with pytest.raises(KeyError, match="lacks parameters: currency, total"):
        m.Msg("test.placed", number="PED-1")


@pytest.mark.parametrize(
    ("language", "placed", "role", "date"),
    [
        ("es", "Pedido PED-1 realizado: 1.234,50 EUR", "Comprador", "02/12/2026"),
        ("en", "Order PED-1 placed: 1,234.50 EUR", "Buyer", "12/02/2026"),
        ("pl", "Złożono zamówienie PED-1: 1\xa0234,50 EUR", "Kupujący", "02.12.2026"),
    ],
)
def test_rendered_in_the_active_language_with_its_formats(language, placed, role, date):
    stored = m.Msg("test.placed", number="PED-1", total=Decimal("1234.5"), currency="EUR").stored
    with translation.override(language):
        assert m.render(stored) == placed
        assert message(stored) == placed  # the template filter
        assert role in m.render(m.Msg("test.role", email="a@b", role="buyer").stored)
        assert date in m.render(m.Msg("test.valid_from", code="X", date="2026-12-02").stored)
        assert amount(Decimal("1234.5")) == placed.split(": ")[1][:-4]
        assert money(Decimal("1234.5"), "EUR") == placed.split(": ")[1].replace(" EUR", "\xa0EUR")


def test_nested_messages_lists_and_fallbacks():
    subject = m.Msg("test.placed", number="PED-1", total="5", currency="PLN")
    lines = m.stored(
        [m.Msg("test.sent", subject=subject), m.Msg("test.rated", number="P", score=4)]
    )
    with translation.override("en"):
        assert m.render(lines) == (
            "Email sent: Order PED-1 placed: 5.00 PLN\nOrder P rated 4/5 by the customer"
        )
        assert m.render(m.Msg("test.sent", subject={"text": "As sent"}).stored) == (
            "Email sent: As sent"
        )
        assert m.render({}, "typed text") == "typed text"
        assert m.render([], "typed text") == "typed text"
        # A key no app defines any more: its stored text, else the key itself.
        assert m.render({"key": "gone.away", "params": {}}) == "gone.away"
        assert m.render(m.Msg("test.labels", fields=["viewer", "buyer"]).stored) == (
            "Customer data changed: Viewer, Buyer"
        )


@pytest.mark.parametrize("language", ["es", "en", "pl"])
def test_old_rendered_texts_are_recognised_in_each_language(language):
    with translation.override(language):
        old_placed = _("Order %(number)s placed: %(total)s %(currency)s") % {
            "number": "PED-9",
            "total": Decimal("1234.56"),  # the old writers used str(Decimal)
            "currency": "EUR",
        }
        old_role = _("User %(email)s is now %(role)s") % {"email": "a@b", "role": Role.VIEWER.label}
        localized = m.render(
            m.Msg("test.placed", number="PED-9", total=Decimal("1234.56"), currency="EUR").stored
        )
    expected = {
        "key": "test.placed",
        "params": {"number": "PED-9", "total": "1234.56", "currency": "EUR"},
    }
    assert m.recognise(old_placed, ["test.placed"]) == expected
    assert m.recognise(localized, ["test.placed"]) == expected  # grouped, any language
    assert m.recognise(old_role, ["test.role"]) == {
        "key": "test.role",
        "params": {"email": "a@b", "role": "viewer"},
    }
    assert m.recognise("Llamada de seguimiento", ["test.placed", "test.role"]) is None
    assert m.recognise_lines(f"{old_placed}\nsomething typed", ["test.placed"]) is None


def test_actor_labels_stored_as_text_are_shown_in_the_readers_language():
    with translation.override("es"):
        assert m.actor_text("System") == "Sistema"
        assert m.actor_text("Klient API ERP") == "Cliente de API ERP"
    with translation.override("pl"):
        assert m.actor_text("Cliente de API ERP") == "Klient API ERP"
    with translation.override("en"):
        assert m.actor_text("Sistema") == "System"
        assert m.actor_text("Ana García") == "Ana García"  # a person stays as named
        assert m.actor_text("") == ""
