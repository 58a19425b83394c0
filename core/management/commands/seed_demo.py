from django.conf import settings
from django.core.management.base import BaseCommand

from core.demo import demo_clock, demo_modules, quiet, workday


class Command(BaseCommand):
    help = "Load realistic demo data (idempotent: running it again changes nothing)."

    def handle(self, *args, **options):
        logins = []
        # Every installed app's ``demo.seed()``, in INSTALLED_APPS order (the order of
        # the app layers: customers before inventory before orders...).
        modules = demo_modules()
        # The demo's history spans the last business days: customers, catalog and stock
        # exist (on the demo clock) a week before the oldest demo order.
        history = max((getattr(m, "history_days", lambda: 0)() for m in modules), default=0)
        opening = workday(history + 5, "08:00")
        # Seeding sends nothing: the emails the history causes are built and counted.
        with quiet() as emails, demo_clock(opening):
            for module in modules:
                logins += module.seed() or []
        password = next((m.DEMO_PASSWORD for m in modules if hasattr(m, "DEMO_PASSWORD")), None)

        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        if emails.count:
            self.stdout.write(f"{emails.count} demo emails recorded as sent; none was sent.")
        if password:
            self.stdout.write(f"Every demo user's password: {password}")
        site = settings.SITE_URL.rstrip("/")
        self.stdout.write(f"  back-office: {site}/backoffice/")
        self.stdout.write(f"  portal:      {site}/portal/")
        width = max((len(who) for who, _ in logins), default=0)
        for who, email in logins:
            self.stdout.write(f"  {who.ljust(width)}  {email}")
