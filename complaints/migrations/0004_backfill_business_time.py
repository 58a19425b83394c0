"""Backfill the business time of the complaints answered or resolved before the
columns existed, from their clock marks, by the arithmetic the services use."""

from django.db import migrations
from django.utils import timezone


def backfill(apps, schema_editor):
    from complaints import clocks

    Complaint = apps.get_model("complaints", "Complaint")
    ClockMark = apps.get_model("complaints", "ClockMark")
    now = timezone.now()
    stopped = Complaint.objects.filter(clock_marks__kind="stop").distinct()
    for complaint in stopped.iterator():
        rows = list(ClockMark.objects.filter(complaint=complaint).order_by("at", "id"))
        seconds = {}
        for clock, field in (
            ("first_response", "first_response_business_seconds"),
            ("resolution", "resolution_business_seconds"),
        ):
            marks = [clocks.Mark(kind=row.kind, at=row.at) for row in rows if row.clock == clock]
            seconds[field] = clocks.business_seconds(marks, now=now)
        Complaint.objects.filter(pk=complaint.pk).update(**seconds)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0003_complaint_business_time"),
        ("core", "0007_closure_day_country_choices"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
