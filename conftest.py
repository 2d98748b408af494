"""Suite-wide fixtures."""

import pytest


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters live in the cache, calendar rows in a per-process cache: each test
    starts with neither."""
    from django.core.cache import cache

    from haolinju.core import calendar

    cache.clear()
    calendar.clear_cache()
    yield
    cache.clear()
    calendar.clear_cache()
