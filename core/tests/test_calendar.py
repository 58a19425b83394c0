"""The business calendar (core.calendar): known answers from the 2026 calendars of
Spain (and Madrid) and Poland, closure days, working hours."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from core import calendar
from core.closures import delete_closure_day, save_closure_day
from core.errors import NotAllowed
from core.models import AuditEntry, ClosureDay

MADRID = ZoneInfo("Europe/Madrid")
WARSAW = ZoneInfo("Europe/Warsaw")

pytestmark = pytest.mark.django_db


def at(day: str, time: str, zone=MADRID) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time.fromisoformat(time), zone)


# --- days -------------------------------------------------------------------------------


def test_weekends_are_not_working_days():
    assert calendar.is_working_day(dt.date(2026, 11, 27))  # a Friday
    assert not calendar.is_working_day(dt.date(2026, 11, 28))
    assert not calendar.is_working_day(dt.date(2026, 11, 29))


def test_spanish_national_holidays():
    for day in ("2026-01-01", "2026-01-06", "2026-04-03", "2026-10-12", "2026-12-08"):
        assert not calendar.is_working_day(dt.date.fromisoformat(day), country="ES"), day


def test_easter_monday_is_a_holiday_in_poland_not_in_spain():
    easter_monday = dt.date(2026, 4, 6)
    assert calendar.is_working_day(easter_monday, country="ES")
    assert not calendar.is_working_day(easter_monday, country="PL")
    # Polish days off that are working days in Spain.
    assert not calendar.is_working_day(dt.date(2026, 11, 11), country="PL")
    assert calendar.is_working_day(dt.date(2026, 11, 11), country="ES")


def test_default_country_is_the_sellers(settings):
    settings.SELLER_COUNTRY = "PL"
    assert not calendar.is_working_day(dt.date(2026, 4, 6))
    settings.SELLER_COUNTRY = "ES"
    assert calendar.is_working_day(dt.date(2026, 4, 6))


def test_madrid_region_adds_its_days(settings):
    monday_after_madrid_day = dt.date(2026, 5, 4)  # 2 May 2026 is a Saturday: not moved
    settings.BUSINESS_CALENDAR_REGION = ""
    maundy_thursday = dt.date(2026, 4, 2)
    all_saints_moved = dt.date(2026, 11, 2)  # Madrid moves 1 Nov (a Sunday) to Monday
    assert calendar.is_working_day(maundy_thursday, country="ES")
    assert calendar.is_working_day(all_saints_moved, country="ES")
    settings.BUSINESS_CALENDAR_REGION = "MD"
    assert not calendar.is_working_day(maundy_thursday, country="ES")
    assert not calendar.is_working_day(all_saints_moved, country="ES")
    assert calendar.is_working_day(monday_after_madrid_day, country="ES")
    # The region is Spain's only: Poland's calendar does not change.
    assert calendar.is_working_day(maundy_thursday, country="PL")


def test_friday_plus_three_business_days_is_wednesday():
    friday = dt.date(2026, 11, 20)
    assert calendar.add_business_days(friday, 3) == dt.date(2026, 11, 25)
    assert calendar.business_days_between(friday, dt.date(2026, 11, 25)) == 3


def test_add_business_days_skips_holidays_per_country():
    # Thursday 31 Dec 2026 + 2: Friday 1 Jan is a holiday, so Monday 4 and Tuesday 5.
    assert calendar.add_business_days(dt.date(2026, 12, 31), 2) == dt.date(2027, 1, 5)
    # Friday 3 Apr 2026 (Good Friday) + 1: Monday 6 in Spain, Tuesday 7 in Poland.
    assert calendar.add_business_days(dt.date(2026, 4, 3), 1, country="ES") == dt.date(2026, 4, 6)
    assert calendar.add_business_days(dt.date(2026, 4, 3), 1, country="PL") == dt.date(2026, 4, 7)


def test_zero_and_negative_days():
    saturday = dt.date(2026, 11, 28)
    assert calendar.add_business_days(saturday, 0) == saturday
    assert calendar.add_business_days(dt.date(2026, 11, 25), -3) == dt.date(2026, 11, 20)
    assert calendar.business_days_between(dt.date(2026, 11, 25), dt.date(2026, 11, 20)) == -3
    assert calendar.business_days_between(saturday, saturday) == 0


def test_closure_days_apply_to_their_country_or_to_all():
    ClosureDay.objects.create(date=dt.date(2026, 11, 23), country="", note="Inventory")
    ClosureDay.objects.create(date=dt.date(2026, 11, 24), country="PL", note="Warsaw move")
    assert not calendar.is_working_day(dt.date(2026, 11, 23), country="ES")
    assert not calendar.is_working_day(dt.date(2026, 11, 23), country="PL")
    assert calendar.is_working_day(dt.date(2026, 11, 24), country="ES")
    assert not calendar.is_working_day(dt.date(2026, 11, 24), country="PL")
    # Friday 20 + 3 in Spain: skips Monday 23 -> Thursday 26.
    assert calendar.add_business_days(dt.date(2026, 11, 20), 3) == dt.date(2026, 11, 26)


def test_closure_day_added_later_is_seen_at_once():
    day = dt.date(2026, 11, 25)
    assert calendar.is_working_day(day)
    ClosureDay.objects.create(date=day)
    assert not calendar.is_working_day(day)


def test_working_days_from_settings(settings):
    settings.BUSINESS_WORKING_DAYS = [0, 1, 2, 3, 4, 5]  # Saturdays too
    assert calendar.is_working_day(dt.date(2026, 11, 28))
    assert calendar.add_business_days(dt.date(2026, 11, 27), 1) == dt.date(2026, 11, 28)


def test_closure_days_are_cached_and_forgotten_when_one_changes(django_assert_num_queries):
    monday = dt.date(2026, 11, 30)
    assert calendar.is_working_day(monday)
    # Read once, then from the shared cache: placing an order asks on every placement.
    with django_assert_num_queries(0):
        assert calendar.is_working_day(monday)
    closure = ClosureDay.objects.create(date=monday, note="Stock-taking")
    assert not calendar.is_working_day(monday)
    # Moved to another year: both years are read again.
    assert calendar.is_working_day(dt.date(2027, 11, 29))
    closure.date = dt.date(2027, 11, 29)
    closure.save()
    assert calendar.is_working_day(monday)
    assert not calendar.is_working_day(dt.date(2027, 11, 29))
    closure.delete()
    assert calendar.is_working_day(dt.date(2027, 11, 29))


# --- hours ------------------------------------------------------------------------------


def test_business_time_within_one_day():
    start = at("2026-11-24", "10:00")
    assert calendar.add_business_time(start, dt.timedelta(hours=3)) == at("2026-11-24", "13:00")
    assert calendar.business_time_between(start, at("2026-11-24", "13:00")) == dt.timedelta(hours=3)


def test_business_time_overflows_to_the_next_opening():
    # Tuesday 16:00 + 4 h (default 09:00-17:00): 1 h today, 3 h on Wednesday -> 12:00.
    start = at("2026-11-24", "16:00")
    end = calendar.add_business_time(start, dt.timedelta(hours=4))
    assert end == at("2026-11-25", "12:00")
    assert calendar.business_time_between(start, end) == dt.timedelta(hours=4)


def test_business_time_started_on_a_weekend_or_outside_hours():
    saturday = at("2026-11-28", "12:00")
    assert calendar.add_business_time(saturday, dt.timedelta(hours=1)) == at("2026-11-30", "10:00")
    evening = at("2026-11-24", "20:30")
    assert calendar.add_business_time(evening, dt.timedelta(hours=1)) == at("2026-11-25", "10:00")
    early = at("2026-11-24", "06:00")
    assert calendar.add_business_time(early, dt.timedelta(0)) == at("2026-11-24", "09:00")
    assert calendar.business_time_between(saturday, at("2026-11-30", "09:30")) == dt.timedelta(
        minutes=30
    )


def test_two_business_days_after_filing():
    # Filed Tuesday 10:00; two working days (2 x 8 h) later: Thursday 10:00.
    start = at("2026-11-24", "10:00")
    end = calendar.add_business_time(start, dt.timedelta(hours=16))
    assert end == at("2026-11-26", "10:00")


def test_business_time_skips_holidays_and_uses_the_countrys_zone():
    # Warsaw: Wednesday 11 Nov 2026 is Independence Day.
    start = at("2026-11-10", "16:00", WARSAW)
    end = calendar.add_business_time(start, dt.timedelta(hours=2), country="PL")
    assert end == at("2026-11-12", "10:00", WARSAW)
    assert end.utcoffset() == dt.timedelta(hours=1)
    # The same instant given in UTC is read in Warsaw's time.
    utc = start.astimezone(dt.UTC)
    assert calendar.add_business_time(utc, dt.timedelta(hours=2), country="PL") == end


def test_business_time_between_reversed_is_negative():
    a, b = at("2026-11-24", "10:00"), at("2026-11-24", "12:00")
    assert calendar.business_time_between(b, a) == -dt.timedelta(hours=2)


def test_business_hours_from_settings(settings):
    settings.BUSINESS_HOURS_START = "08:00"
    settings.BUSINESS_HOURS_END = "15:00"
    start = at("2026-11-24", "14:00")
    assert calendar.add_business_time(start, dt.timedelta(hours=2)) == at("2026-11-25", "09:00")


# --- closure days: service and pages ---------------------------------------------------


def test_only_managers_edit_closure_days(manager, service_agent):
    with pytest.raises(NotAllowed):
        save_closure_day(actor=service_agent, date=dt.date(2026, 12, 31))
    closure = save_closure_day(actor=manager, date=dt.date(2026, 12, 31), note="Year end")
    assert AuditEntry.objects.filter(object_id=str(closure.pk), action="created").exists()
    pk = closure.pk
    delete_closure_day(actor=manager, closure=closure)
    assert not ClosureDay.objects.exists()
    assert AuditEntry.objects.filter(object_id=str(pk), action="deleted").exists()


@pytest.mark.parametrize("language", ["es", "en", "pl"])
def test_closure_pages(client_for, manager, language):
    client = client_for(manager)
    client.cookies["django_language"] = language
    response = client.post(
        reverse("backoffice:closure_create"),
        {"date": "2026-12-24", "country": "PL", "note": "Wigilia"},
    )
    assert response.status_code == 302
    closure = ClosureDay.objects.get()
    assert (closure.date, closure.country, closure.note) == (dt.date(2026, 12, 24), "PL", "Wigilia")
    listing = client.get(reverse("backoffice:closure_list"))
    assert listing.status_code == 200
    assert "Wigilia" in listing.text
    edit = client.get(reverse("backoffice:closure_edit", args=[closure.pk]))
    assert edit.status_code == 200
    csv = client.get(reverse("backoffice:closure_list"), {"export": "csv"})
    assert b"2026-12-24" in b"".join(csv.streaming_content)
    # The same date and country twice: a form error, nothing written.
    duplicate = {"date": "2026-12-24", "country": "PL"}
    again = client.post(reverse("backoffice:closure_create"), duplicate)
    assert again.status_code == 400
    assert ClosureDay.objects.count() == 1
    bad = client.post(reverse("backoffice:closure_create"), {"date": "31/31/2026"})
    assert bad.status_code == 400
    client.post(reverse("backoffice:closure_delete", args=[closure.pk]))
    assert not ClosureDay.objects.exists()


def test_closure_pages_are_for_managers(client_for, service_agent):
    response = client_for(service_agent).get(reverse("backoffice:closure_list"))
    assert response.status_code == 403
