"""A deed sink for tests: keeps what it is given, idempotent on the deed's key."""

DEEDS: list = []


def collect(deed):
    if any(d.key == deed.key for d in DEEDS):
        return None
    DEEDS.append(deed)
    return deed
