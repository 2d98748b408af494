"""Two confirmations of the same batch at once: exactly one writes (PostgreSQL row lock)."""

import threading

import pytest
from django.db import connection

from haolinju.core.errors import ApplicationError
from haolinju.org.models import Area
from haolinju.org.tests.factories import Tree
from haolinju.people.imports import services
from haolinju.people.models import ImportStatus, Title
from haolinju.people.tests.factories import staff

from .sheets import UNIT_HEADERS, xlsx

ROWS = [
    ["街道0", "社区00", "并发小区", "", f"{b}栋", "1单元", f"{u}01", 80, u]
    for b in range(1, 4)
    for u in range(1, 30)
]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_commits_write_once():
    """Two simultaneous commits of one previewed batch: one succeeds, the other is told the
    batch is already imported, and every area exists once."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are meaningful on PostgreSQL only")
    tree = Tree()
    user = staff(Title.STREET_STAFF, tree.streets[0])
    batch = services.import_upload(
        actor=user, kind="unit_register", content=xlsx(UNIT_HEADERS, ROWS)
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def commit():
        try:
            barrier.wait()
            services.import_commit(actor=user, batch_id=batch.pk)
            outcomes.append("ok")
        except ApplicationError:
            outcomes.append("refused")
        except Exception as exc:  # an IntegrityError here means the lock is missing
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=commit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert Area.objects.filter(name="并发小区").count() == 1
    assert Area.objects.filter(parent__parent__parent__name="并发小区").count() == len(ROWS)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED
