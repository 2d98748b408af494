"""Settings the HTTP benchmark serves with: the platform's own, plus the bench-only URLconf.

Everything else (middleware, database with persistent connections, templates) is exactly what
``haolinju serve`` runs with.
"""

from haolinju.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
