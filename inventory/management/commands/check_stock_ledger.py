from django.core.management.base import BaseCommand, CommandError

from inventory.selectors import ledger_mismatches


class Command(BaseCommand):
    help = "Verify that every stock item equals the sum of its movements; exit 1 when not."

    def handle(self, *args, **options):
        mismatches = list(ledger_mismatches())
        for item in mismatches:
            self.stderr.write(
                f"{item.product.sku} @ {item.warehouse.code}: "
                f"on_hand {item.on_hand} vs ledger {item.ledger_on_hand}, "
                f"reserved {item.reserved} vs ledger {item.ledger_reserved}"
            )
        if mismatches:
            raise CommandError(
                f"{len(mismatches)} stock item(s) do not match the ledger.", returncode=1
            )
        self.stdout.write(self.style.SUCCESS("Stock ledger OK."))
