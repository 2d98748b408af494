"""``manage.py rotate_field_keys``: re-encrypt every encrypted field with the first key.

Key rotation (docs/security.md): put the new Fernet key first in ``HAOLINJU_FIELD_KEYS``, keep
the old ones after it, restart, run this command, then drop the old keys. Every model field
named ``*_enc`` is rotated (``MultiFernet.rotate``) in batches, each batch in its own
transaction, with a progress bar; running it again is harmless.
"""

from __future__ import annotations

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from tqdm import tqdm

from haolinju.core.crypto import field_cipher

BATCH = 1000


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    found = []
    for model in apps.get_models():
        names = [
            f.name
            for f in model._meta.concrete_fields
            if f.name.endswith("_enc") and isinstance(f, models.TextField | models.CharField)
        ]
        if names:
            found.append((model, names))
    return found


class Command(BaseCommand):
    help = "Re-encrypt every *_enc field with the first key of HAOLINJU_FIELD_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        cipher = field_cipher()
        total = 0
        for model, names in encrypted_fields():
            label = model._meta.label
            count = model.objects.count()
            bar = tqdm(
                total=count,
                desc=label,
                unit="row",
                disable=options["no_progress"],
                file=self.stderr,
            )
            last_pk = None
            while True:
                qs = model.objects.order_by("pk").only("pk", *names)
                if last_pk is not None:
                    qs = qs.filter(pk__gt=last_pk)
                rows = list(qs[:BATCH])
                if not rows:
                    break
                for row in rows:
                    for name in names:
                        value = getattr(row, name)
                        if value:
                            try:
                                setattr(row, name, cipher.rotate(value.encode()).decode())
                            except InvalidToken as exc:
                                raise CommandError(
                                    f"{label} #{row.pk} {name}: no configured key decrypts it"
                                ) from exc
                with transaction.atomic():
                    model.objects.bulk_update(rows, names)
                last_pk = rows[-1].pk
                bar.update(len(rows))
                total += len(rows)
            bar.close()
        self.stdout.write(self.style.SUCCESS(f"re-encrypted {total} rows with the first key"))
