"""Backfill ``Order.transit_business_days`` of the orders already delivered.

One pass over the seller's calendar between the first shipment and the last delivery
(``orders.transit.TransitCounter``), sent to the database as a table of days with the
working days counted through each, then one set-based ``UPDATE``: no query per order.
"""

from django.db import migrations
from django.db.models import Max, Min

BACKFILL = """
    WITH days(day, through) AS (SELECT * FROM unnest(%s::date[], %s::int[]))
    UPDATE {table} AS o
    SET transit_business_days = GREATEST(delivered.through - shipped.through, 0)
    FROM days AS shipped, days AS delivered
    WHERE o.shipped_at IS NOT NULL
      AND o.delivered_at IS NOT NULL
      AND o.transit_business_days IS NULL
      AND shipped.day = (o.shipped_at AT TIME ZONE %s)::date
      AND delivered.day = (o.delivered_at AT TIME ZONE %s)::date
"""


def backfill(apps, schema_editor):
    import datetime as dt

    from core import calendar
    from orders.transit import TransitCounter

    Order = apps.get_model("orders", "Order")
    measured = Order.objects.filter(shipped_at__isnull=False, delivered_at__isnull=False)
    span = measured.aggregate(first=Min("shipped_at"), last=Max("delivered_at"))
    if span["first"] is None:
        return
    zone = calendar.time_zone()
    first = span["first"].astimezone(zone).date()
    last = max(span["last"].astimezone(zone).date(), first)
    counter = TransitCounter(first, last)
    days = [first + dt.timedelta(days=i) for i in range(len(counter.working_days_through))]
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            BACKFILL.format(table=schema_editor.quote_name(Order._meta.db_table)),
            [days, counter.working_days_through, str(zone), str(zone)],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_outbox_processed_at"),
        ("orders", "0015_order_transit_business_days"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
