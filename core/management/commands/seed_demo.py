from importlib import import_module

from django.core.management.base import BaseCommand

# Each domain contributes a ``demo.seed()``; order matters (orders need products...).
DEMO_MODULES = ["customers.demo", "inventory.demo", "orders.demo"]


class Command(BaseCommand):
    help = "Load realistic demo data (idempotent: running it again changes nothing)."

    def handle(self, *args, **options):
        logins = []
        for module in DEMO_MODULES:
            logins += import_module(module).seed() or []
        from customers.demo import DEMO_PASSWORD

        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"Every demo user's password: {DEMO_PASSWORD}")
        self.stdout.write("  back-office: http://localhost:8000/backoffice/")
        self.stdout.write("  portal:      http://localhost:8000/portal/")
        width = max(len(who) for who, _ in logins)
        for who, email in logins:
            self.stdout.write(f"  {who.ljust(width)}  {email}")
