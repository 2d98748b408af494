"""``haolinju points verify --compound ID --year Y``: recompute a published notice's digest."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from haolinju.points.services.notice import notice_verify


class Command(BaseCommand):
    help = "Recompute a compound's annual notice digest from the ledger; name the first mismatch."

    def add_arguments(self, parser):
        parser.add_argument("--compound", type=int, required=True, help="compound area id")
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, compound: int, year: int, **options):
        from haolinju.core.errors import NotFound

        try:
            result = notice_verify(compound_id=compound, year=year)
        except NotFound:
            raise CommandError(f"no notice for compound {compound}, year {year}") from None
        if result.ok:
            self.stdout.write(f"OK {result.entries} entries, digest {result.digest}")
            return
        raise CommandError(
            f"MISMATCH: entry {result.first_mismatch} ({result.reason}); "
            f"printed digest {result.digest}"
        )
