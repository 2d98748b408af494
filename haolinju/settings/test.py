"""Test settings: fast hashing, in-memory tasks, both databases via DATABASE_URL."""

import os
import tempfile

os.environ.setdefault("HAOLINJU_DATA_DIR", tempfile.mkdtemp(prefix="haolinju-test-"))
os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("HAOLINJU_FIELD_KEYS", "AR_ndstyPj2SxTo4MTcI4HB2BInBI020x3ePiYMasFM=")
os.environ.setdefault("HAOLINJU_HMAC_KEY", "test-hmac-key")
# Playwright's sync API runs an event loop in the test thread; the ORM calls it guards are
# made from the same synchronous test, so the guard is a false alarm here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from .base import *  # noqa: F403
from .base import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only, tests only
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
HAOLINJU_2FA_KINDS = []  # off, except in the two-factor tests (override_settings)
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["CONN_HEALTH_CHECKS"] = False

from .base import STATIC_ROOT  # noqa: E402

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing static root
