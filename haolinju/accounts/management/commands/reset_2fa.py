"""``manage.py reset_2fa USERNAME``: forget an account's second factor (a lost phone)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from haolinju.accounts import twofactor
from haolinju.accounts.models import User


class Command(BaseCommand):
    help = "Reset two-factor sign-in of an account: devices and recovery codes go, tokens revoked"

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no account named {username!r}")
        twofactor.reset(user=user, actor=None)
        self.stdout.write(f"two-factor sign-in of {username} reset; it enrols at the next sign-in")
