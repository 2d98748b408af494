"""Settings the HTTP benchmark serves with: the platform's own, plus the bench-only URLconf.

Everything else (middleware, database with persistent connections, templates) is exactly what
``haolinju serve`` runs with.
"""

from haolinju.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench_urls"

# The bench's sessions and tokens are issued by the script, with no second factor: like the
# demo, it runs password-only (`HAOLINJU_2FA_KINDS` empty). With 2FA on, a verified session adds
# django-otp's one device read per page to what is measured here.
HAOLINJU_2FA_KINDS = []
