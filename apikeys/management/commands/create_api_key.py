from django.core.management.base import BaseCommand, CommandError

from apikeys.services import create_api_key
from customers.models import Company


class Command(BaseCommand):
    help = (
        "Create an API key: a seller key, or with --company a key that only sees that "
        "company. The key is printed alone on the last line (it is stored hashed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="Who uses the key, e.g. 'ERP production'.")
        parser.add_argument("--company", type=int, help="Id of the customer company.")

    def handle(self, *args, name, company=None, **options):
        target = None
        if company is not None:
            target = Company.objects.filter(pk=company).first()
            if target is None:
                raise CommandError(f"No company with id {company}.")
        api_key, raw_key = create_api_key(name=name, company=target)
        scope = f"company {target.pk} ({target})" if target else "seller"
        self.stdout.write(f"Created API key {api_key.name!r}, scope: {scope}.")
        self.stdout.write(
            "Store it now; it cannot be shown again. Header: Authorization: Api-Key <key>"
        )
        self.stdout.write(raw_key)
