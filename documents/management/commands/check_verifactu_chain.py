from django.core.management.base import BaseCommand, CommandError

from documents.verifactu.chain import chain_breaks
from documents.verifactu.models import VerifactuRecord


class Command(BaseCommand):
    help = (
        "Recompute the hash of every VeriFactu record and check each issuer's chain; "
        "exit 1 at the first break."
    )

    def handle(self, *args, **options):
        for problem in chain_breaks():
            raise CommandError(f"VeriFactu chain broken at {problem}", returncode=1)
        count = VerifactuRecord.objects.count()
        self.stdout.write(self.style.SUCCESS(f"VeriFactu chain OK ({count} records)."))
