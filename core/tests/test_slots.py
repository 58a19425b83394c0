"""Slots (core.slots): a higher app shows its include on a lower app's page."""

from django.template import Context, Template

from core import slots


def test_registered_includes_render_in_order_and_may_skip(tmp_path, settings):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "DIRS": [tmp_path, *settings.TEMPLATES[0].get("DIRS", [])],
        }
    ]
    (tmp_path / "a.html").write_text("[A {{ thing }} {{ extra }}]")
    (tmp_path / "b.html").write_text("[B {{ thing }}]")
    (tmp_path / "c.html").write_text("[C]")
    slots.register_slot("test.page", "b.html", order=20)
    slots.register_slot("test.page", "a.html", order=10, context=lambda r, thing: {"extra": 1})
    slots.register_slot("test.page", "c.html", context=lambda r, thing: None)
    html = Template('{% load slots %}{% slot "test.page" thing="x" %}').render(Context({}))
    assert html == "[A x 1][B x]"
    assert Template('{% load slots %}{% slot "test.empty" %}').render(Context({})) == ""
    slots._slots.pop("test.page")
