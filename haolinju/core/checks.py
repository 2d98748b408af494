"""Deployment checks (``manage.py check --deploy``): the personal-data keys are present, valid
and not stored in the data directory."""

from __future__ import annotations

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

MIN_HMAC_KEY_CHARS = 32


@register(Tags.security, deploy=True)
def personal_data_keys(app_configs, **kwargs):
    errors = []
    keys = list(getattr(settings, "HAOLINJU_FIELD_KEYS", []) or [])
    if not keys:
        errors.append(Error("HAOLINJU_FIELD_KEYS is empty", id="haolinju.E001"))
    for index, key in enumerate(keys):
        try:
            Fernet(key.encode())
        except ValueError:
            errors.append(
                Error(
                    f"HAOLINJU_FIELD_KEYS key {index + 1} is not a Fernet key", id="haolinju.E002"
                )
            )
    if len(getattr(settings, "HAOLINJU_HMAC_KEY", "") or "") < MIN_HMAC_KEY_CHARS:
        errors.append(
            Error(
                f"HAOLINJU_HMAC_KEY is missing or shorter than {MIN_HMAC_KEY_CHARS} characters",
                id="haolinju.E003",
            )
        )
    if getattr(settings, "HAOLINJU_KEYS_SOURCE", "") == "data-dir":
        errors.append(
            Error(
                "keys come from secrets.json in the data directory (demo keys)",
                hint="Set the keys in the environment or HAOLINJU_KEY_FILE outside the data dir.",
                id="haolinju.E004",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def two_factor_required(app_configs, **kwargs):
    """Production should require a second factor for staff (issue 6 item 4)."""
    if getattr(settings, "HAOLINJU_2FA_KINDS", None):
        return []
    return [
        Warning(
            "two-factor sign-in is required of nobody (HAOLINJU_2FA_KINDS is empty)",
            hint="Leave HAOLINJU_2FA_KINDS at its default (community and above).",
            id="haolinju.W005",
        )
    ]
