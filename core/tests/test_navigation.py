"""The navigation registry itself (core only; the real menus: tests/test_navigation.py)."""

import pytest

from core import navigation


@pytest.fixture
def registry(db, monkeypatch):
    navigation._discover()  # the apps' entries, once
    monkeypatch.setattr(navigation, "_backoffice", dict(navigation._backoffice))
    monkeypatch.setattr(navigation, "_figures", dict(navigation._figures))
    return navigation


class Staff:
    is_authenticated = is_active = is_staff = is_superuser = True


def test_a_planned_entry_is_disabled_until_its_app_registers_it(registry):
    registry._backoffice["kpis"] = registry.MenuEntry("kpis", "KPIs", None, 70)
    entry = next(e for e in registry.backoffice_menu(Staff()) if e["key"] == "kpis")
    assert entry["url"] is None and entry["badge"] is None
    registry.register_backoffice("kpis", "KPIs", "backoffice:home", order=70, badge=lambda: 3)
    entry = next(e for e in registry.backoffice_menu(Staff()) if e["key"] == "kpis")
    assert entry["url"] == "/backoffice/" and entry["badge"]["count"] == 3


def test_entries_are_ordered_and_unknown_urls_are_disabled_without_a_badge(registry):
    calls = []
    registry.register_backoffice(
        "first", "First", "backoffice:nope", order=1, badge=lambda: calls.append(1) or 1
    )
    menu = registry.backoffice_menu(Staff())
    assert menu[0]["key"] == "first" and menu[0]["url"] is None and menu[0]["badge"] is None
    assert calls == []  # a disabled entry does not compute its badge
    orders = [registry._backoffice[e["key"]].order for e in menu]
    assert orders == sorted(orders)


def test_a_zero_badge_is_not_shown(registry):
    registry.register_backoffice("quiet", "Quiet", "backoffice:home", order=99, badge=lambda: 0)
    entry = next(e for e in registry.backoffice_menu(Staff()) if e["key"] == "quiet")
    assert entry["badge"] is None


def test_home_figures_link_with_their_query(registry):
    registry.register_home_figure(
        "zz", "Figure", lambda: 7, url_name="backoffice:home", query="?x=1", order=999
    )
    figure = registry.home_figures()[-1]
    assert figure == {"key": "zz", "label": "Figure", "count": 7, "url": "/backoffice/?x=1"}


def test_a_backoffice_badge_is_counted_once_a_minute(registry, django_assert_num_queries):
    """Badges count over whole tables on every back-office page: the count is reused
    for ``BADGE_SECONDS``; once the cache entry goes, it is counted again."""
    from django.core.cache import cache

    counts = iter([4, 9])
    registry.register_backoffice(
        "counted", "Counted", "backoffice:home", order=98, badge=lambda: next(counts)
    )

    def badge():
        return next(e for e in registry.backoffice_menu(Staff()) if e["key"] == "counted")["badge"]

    assert badge()["count"] == 4
    assert badge()["count"] == 4  # the cached count, not the badge function again
    cache.delete(registry.badge_cache_key("counted"))  # the minute is over
    assert badge()["count"] == 9


def test_a_badge_is_counted_on_each_page_when_the_cache_is_down(registry, monkeypatch):
    """The cache is a helper: when it answers nothing, the badge is counted anyway."""
    from django.core.cache import cache

    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    calls = []
    registry.register_backoffice(
        "live", "Live", "backoffice:home", order=97, badge=lambda: calls.append(1) or 2
    )
    for _ in range(2):
        entry = next(e for e in registry.backoffice_menu(Staff()) if e["key"] == "live")
        assert entry["badge"]["count"] == 2
    assert len(calls) == 2
