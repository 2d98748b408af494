"""``manage.py restore FILE``: replace the database with a backup, then migrate."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from haolinju.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore the database from a backup made by `backup`; the keys must be configured."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--force", action="store_true", help="replace a non-empty database")

    def handle(self, *args, **options):
        try:
            restore(options["file"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(self.style.SUCCESS("restored; run `haolinju audit verify` next"))
