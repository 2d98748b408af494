"""``manage.py backup FILE``: a consistent copy of the database (no keys in it)."""

from django.core.management.base import BaseCommand, CommandError

from haolinju.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database to FILE (SQLite online backup API or pg_dump); keys stay out."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        try:
            out = backup(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"backup written to {out} (keys are not in it)"))
