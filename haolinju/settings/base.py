"""Base settings: everything lives here and is toggled by environment variables.

`DATABASE_URL` picks the database (default: SQLite in WAL mode under `HAOLINJU_DATA_DIR`).
Personal-data keys come from `HAOLINJU_FIELD_KEYS` / `HAOLINJU_HMAC_KEY`, or from
`<data dir>/secrets.json`, which the demo command creates on first run.
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("HAOLINJU_DATA_DIR", Path.cwd() / "data")).resolve()


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


# Set by settings/production.py before it imports this module: keys are never generated then.
HAOLINJU_PRODUCTION = env_bool("HAOLINJU_PRODUCTION", False)
HAOLINJU_KEYS_SOURCE = "environment"  # or "key-file", or "data-dir" (demo only)


def _key_file(env: dict[str, str]) -> dict[str, str] | None:
    """Keys from ``HAOLINJU_KEY_FILE`` (JSON), which must lie outside the data directory: a
    copy of the data folder must never carry the keys that decrypt it."""
    raw = os.environ.get("HAOLINJU_KEY_FILE", "")
    if not raw:
        return None
    from django.core.exceptions import ImproperlyConfigured

    path = Path(raw).resolve()
    if path.is_relative_to(DATA_DIR):
        raise ImproperlyConfigured(f"HAOLINJU_KEY_FILE {path} lies inside the data directory")
    stored = json.loads(path.read_text())
    return {k: env[k] or stored.get(k, "") for k in env}


def _load_or_create_secrets() -> dict[str, str]:
    """Keys from the environment, else from ``HAOLINJU_KEY_FILE``; in production nothing else.
    The demo falls back to DATA_DIR/secrets.json (made once, mode 0600)."""
    global HAOLINJU_KEYS_SOURCE
    env = {
        "SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", ""),
        "FIELD_KEYS": os.environ.get("HAOLINJU_FIELD_KEYS", ""),
        "HMAC_KEY": os.environ.get("HAOLINJU_HMAC_KEY", ""),
    }
    if all(env.values()):
        return env
    from_file = _key_file(env)
    if from_file is not None and (all(from_file.values()) or HAOLINJU_PRODUCTION):
        HAOLINJU_KEYS_SOURCE = "key-file"
        env = from_file
    if HAOLINJU_PRODUCTION:
        if all(env.values()):
            return env
        from django.core.exceptions import ImproperlyConfigured

        missing = ", ".join(k for k, v in env.items() if not v)
        raise ImproperlyConfigured(
            f"production refuses to start without keys ({missing}): set DJANGO_SECRET_KEY, "
            "HAOLINJU_FIELD_KEYS and HAOLINJU_HMAC_KEY, or HAOLINJU_KEY_FILE outside the data "
            "directory (docs/security.md)"
        )
    if HAOLINJU_KEYS_SOURCE == "key-file":
        return env
    HAOLINJU_KEYS_SOURCE = "data-dir"
    path = DATA_DIR / "secrets.json"
    stored: dict[str, str] = {}
    if path.exists():
        stored = json.loads(path.read_text())
    else:
        from cryptography.fernet import Fernet

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        stored = {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "FIELD_KEYS": Fernet.generate_key().decode(),
            "HMAC_KEY": secrets.token_urlsafe(32),
        }
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(stored, fh)
    return {k: env[k] or stored[k] for k in env}


_SECRETS = _load_or_create_secrets()
SECRET_KEY = _SECRETS["SECRET_KEY"]
# Comma-separated Fernet keys: the first encrypts, all decrypt (rotation).
HAOLINJU_FIELD_KEYS = [k.strip() for k in _SECRETS["FIELD_KEYS"].split(",") if k.strip()]
HAOLINJU_HMAC_KEY = _SECRETS["HMAC_KEY"]
HAOLINJU_JURISDICTION_RESOLVER = "haolinju.people.selectors.jurisdiction_of"
HAOLINJU_BEARER_USER = "haolinju.accounts.services.token_user"  # core.idempotency's caller
# Periodic jobs queued by `manage.py periodic` (core.periodic): name -> (task, seconds).
HAOLINJU_PERIODIC = {
    "core.retry_webhooks": ("haolinju.core.tasks.retry_webhooks", 60),
    "core.purge_idempotency": ("haolinju.core.tasks.purge_idempotency_records", 3600),
    "points.expire_redemptions": ("haolinju.points.tasks.expire_redemptions", 600),
    "cases.supervise": ("haolinju.cases.services.supervision.supervise", 60),
    "deliberation.remind_overdue": ("haolinju.deliberation.tasks.remind_overdue_tasks", 3600),
    "deliberation.close_due_votes": ("haolinju.deliberation.tasks.close_due_votes", 60),
}
# Imports: a unit's exclusive area above this (m²) is an error; owner-column words for unsold
# units; this many ID numbers registered outside the importer's jurisdiction in one preview
# flag the preview to the level above.
HAOLINJU_IMPORT_MAX_UNIT_AREA = int(os.environ.get("HAOLINJU_IMPORT_MAX_UNIT_AREA", "1000"))
HAOLINJU_DEVELOPER_WORDS = ["开发商", "开发公司", "房地产开发公司", "未售", "未出售", "待售"]
HAOLINJU_FOREIGN_ID_FLAG_THRESHOLD = 5
# Moving an area rewrites every model's area_path except insert-only history.
HAOLINJU_AREA_PATH_HISTORY_MODELS = ["core.AuditEvent", "points.Transfer"]
# Where published deeds go (core.deeds): the points ledger turns each into a pending entry.
HAOLINJU_DEED_SINKS = ["haolinju.points.services.deeds.receive_deed"]

DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "haolinju.core",
    "haolinju.accounts",
    "haolinju.org",
    "haolinju.people",
    "haolinju.points",
    "haolinju.cases",
    "haolinju.activities",
    "haolinju.deliberation",
    "haolinju.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "haolinju.core.security_headers.SecurityHeadersMiddleware",  # CSP, no-store when signed in
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified()
    "haolinju.core.input_guard.InputGuardMiddleware",  # NUL bytes, broken multipart: 400/422
    "haolinju.accounts.sessions.StaffSessionTimeoutMiddleware",  # idle + absolute limits
    "haolinju.accounts.twofactor.TwoFactorMiddleware",  # TOTP before anything else (staff)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "haolinju.core.idempotency.IdempotencyMiddleware",
]

# Content-Security-Policy of every page: nothing inline, nothing from elsewhere (issue 6).
HAOLINJU_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HAOLINJU_CSP_EXEMPT = ["/api/v1/docs"]  # ninja's Swagger page (inline script, CDN assets)

ROOT_URLCONF = "haolinju.urls"
WSGI_APPLICATION = "haolinju.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "haolinju.accounts.context_processors.display_mode",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
SQLITE_PATH = DATA_DIR / "haolinju.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"),
        conn_max_age=int(os.environ.get("HAOLINJU_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL journal, a busy timeout and IMMEDIATE write transactions: readers never block the
    # writer and two writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA cache_size=-64000; PRAGMA mmap_size=268435456; PRAGMA temp_store=MEMORY;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("HAOLINJU_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
if os.environ.get("HAOLINJU_TASKS_BACKEND", "").startswith("django_tasks_rq"):
    TASKS["default"]["QUEUES"] = ["default"]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out identifiers first
    "haolinju.accounts.backends.UsernameOrPhoneBackend",
]
# Lockout after repeated failed logins (web and API), per identifier and client address.
AXES_FAILURE_LIMIT = int(os.environ.get("HAOLINJU_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("HAOLINJU_LOGIN_COOLOFF_MINUTES", "15")))

# People counts of a building, entrance or unit smaller than this are shown only to staff who
# read those people (a "1 party member · 1 retired" on a neighbour's unit names a household).
HAOLINJU_SMALL_COUNT_K = int(os.environ.get("HAOLINJU_SMALL_COUNT_K", "5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "haolinju.accounts.lockout.login_identifier"
AXES_LOCKOUT_CALLABLE = "haolinju.accounts.lockout.lockout_response"
AXES_VERBOSE = False
# Issue 6: a second lockout within a day holds for the longer cool-off (or until an
# administrator resets it); locked attempts do not extend the lock; the address is the real one.
HAOLINJU_LOGIN_COOLOFF = AXES_COOLOFF_TIME
HAOLINJU_LOGIN_REPEAT_COOLOFF = timedelta(
    hours=int(os.environ.get("HAOLINJU_LOGIN_REPEAT_COOLOFF_HOURS", "24"))
)
AXES_COOLOFF_TIME = "haolinju.accounts.lockout.cool_off"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "haolinju.core.clientip.client_address"
# Reverse proxies of ours in front of the app (X-Forwarded-For is ignored when 0).
HAOLINJU_TRUSTED_PROXIES = int(os.environ.get("HAOLINJU_TRUSTED_PROXIES", "0"))
NINJA_NUM_PROXIES = HAOLINJU_TRUSTED_PROXIES
# API tokens: absolute lifetime and idle expiry; staff web sessions: idle and absolute limits.
HAOLINJU_TOKEN_DAYS = int(os.environ.get("HAOLINJU_TOKEN_DAYS", "30"))
HAOLINJU_TOKEN_IDLE_DAYS = int(os.environ.get("HAOLINJU_TOKEN_IDLE_DAYS", "7"))
HAOLINJU_STAFF_SESSION_IDLE_MINUTES = int(
    os.environ.get("HAOLINJU_STAFF_SESSION_IDLE_MINUTES", "30")
)
HAOLINJU_STAFF_SESSION_MAX_HOURS = int(os.environ.get("HAOLINJU_STAFF_SESSION_MAX_HOURS", "12"))
# Django's database sessions; the per-page read is a prepared statement (core.prepared).
SESSION_ENGINE = "haolinju.accounts.session_store"
# Unmasked reads of ID numbers and phones per staff account per day (PIPL minimum necessary).
HAOLINJU_REVEALS_PER_DAY = int(os.environ.get("HAOLINJU_REVEALS_PER_DAY", "30"))
# Registrations of an ID number held outside one's scope, per account per hour (an oracle).
HAOLINJU_DUPLICATE_PROBES_PER_HOUR = int(os.environ.get("HAOLINJU_DUPLICATE_PROBES_PER_HOUR", "5"))
# Two-factor sign-in (TOTP, django-otp): required for superusers and for positions with people
# scope on these area kinds (comma-separated; empty = off). `haolinju demo` sets HAOLINJU_DEMO,
# which keeps the demo accounts password-only unless HAOLINJU_DEMO_2FA is on.
HAOLINJU_2FA_KINDS = [
    k.strip()
    for k in os.environ.get("HAOLINJU_2FA_KINDS", "community,street,district,city,province").split(
        ","
    )
    if k.strip()
]
HAOLINJU_DEMO = env_bool("HAOLINJU_DEMO", False) and not HAOLINJU_PRODUCTION
if HAOLINJU_DEMO and not env_bool("HAOLINJU_DEMO_2FA", False):
    HAOLINJU_2FA_KINDS = []
HAOLINJU_2FA_POSITIONS = "haolinju.people.selectors.holds_people_position_on"
HAOLINJU_2FA_RECOVERY_CODES = 10
OTP_TOTP_ISSUER = "好邻居 Haolinju"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# --- i18n: Simplified Chinese first, English available --------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HAOLINJU_LOG_LEVEL", "WARNING")},
}

# --- Activities and volunteer service (RULES.md §3) -------------------------------------------
HAOLINJU_SERVICE_DAILY_CAP_MINUTES = int(os.environ.get("HAOLINJU_SERVICE_DAILY_CAP_MINUTES", 480))
HAOLINJU_SERVICE_MIN_SHARE_PERCENT = int(os.environ.get("HAOLINJU_SERVICE_MIN_SHARE_PERCENT", 60))
HAOLINJU_ACTIVITY_REMINDER_MINUTES = int(os.environ.get("HAOLINJU_ACTIVITY_REMINDER_MINUTES", 120))
