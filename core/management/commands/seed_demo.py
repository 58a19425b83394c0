from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand

from core.demo import demo_clock, quiet, workday

# Each domain contributes a ``demo.seed()``; order matters (orders need products...).
DEMO_MODULES = ["customers.demo", "inventory.demo", "orders.demo"]


class Command(BaseCommand):
    help = "Load realistic demo data (idempotent: running it again changes nothing)."

    def handle(self, *args, **options):
        logins = []
        modules = [import_module(name) for name in DEMO_MODULES]
        # The demo's history spans the last business days: customers, catalog and stock
        # exist (on the demo clock) a week before the oldest demo order.
        history = max(getattr(module, "history_days", lambda: 0)() for module in modules)
        opening = workday(history + 5, "08:00")
        # Seeding sends nothing: the emails the history causes are built and counted.
        with quiet() as emails, demo_clock(opening):
            for module in modules:
                logins += module.seed() or []
        from customers.demo import DEMO_PASSWORD

        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        if emails.count:
            self.stdout.write(f"{emails.count} demo emails recorded as sent; none was sent.")
        self.stdout.write(f"Every demo user's password: {DEMO_PASSWORD}")
        site = settings.SITE_URL.rstrip("/")
        self.stdout.write(f"  back-office: {site}/backoffice/")
        self.stdout.write(f"  portal:      {site}/portal/")
        width = max(len(who) for who, _ in logins)
        for who, email in logins:
            self.stdout.write(f"  {who.ljust(width)}  {email}")
