"""Backup and restore drill (issue 6, item 8): a backup of the live database, restored into a
fresh data directory by ``haolinju restore``, passes ``haolinju audit verify``; the backup holds
no key and the fresh directory gets none."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from haolinju.core.models import AuditEvent, record_event

KEY_ENV = {
    "DJANGO_SECRET_KEY": settings.SECRET_KEY,
    "HAOLINJU_FIELD_KEYS": ",".join(settings.HAOLINJU_FIELD_KEYS),
    "HAOLINJU_HMAC_KEY": settings.HAOLINJU_HMAC_KEY,
}


def _cli(*args: str, data: Path, database_url: str | None = None):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "HAOLINJU_DATA_DIR"}}
    env.update(KEY_ENV, DJANGO_SETTINGS_MODULE="haolinju.settings.base")
    if database_url:
        env["DATABASE_URL"] = database_url
    return subprocess.run(  # noqa: S603 - our own interpreter and CLI
        [sys.executable, "-m", "haolinju.cli", *args, "--data", str(data)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _world():
    from haolinju.org.tests.factories import Tree
    from haolinju.people.tests.factories import resident

    tree = Tree()
    resident(tree.units[0], username="drill")
    for i in range(3):
        record_event(
            actor=None,
            action="drill.touch",
            target=tree.units[0],
            area_path=tree.units[0].path,
            n=i,
        )
    return AuditEvent.objects.count()


def _assert_no_keys_in(path: Path) -> None:
    content = path.read_bytes()
    for key in (*settings.HAOLINJU_FIELD_KEYS, settings.HAOLINJU_HMAC_KEY, settings.SECRET_KEY):
        assert key.encode() not in content


@pytest.mark.django_db(transaction=True)
def test_sqlite_restore_drill_into_a_fresh_data_directory(tmp_path):
    """SQLite: online backup of the live database, restore into an empty data directory, then
    the audit chains verify green there, and no secrets.json is written next to the copy."""
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite drill")
    events = _world()
    backup = tmp_path / "haolinju-backup.sqlite3"
    call_command("backup", str(backup))
    _assert_no_keys_in(backup)
    fresh = tmp_path / "fresh"
    restored = _cli("restore", str(backup), data=fresh)
    assert restored.returncode == 0, restored.stderr
    verified = _cli("audit", "verify", data=fresh)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "audit log intact" in verified.stdout
    assert not (fresh / "secrets.json").exists()
    import sqlite3

    with sqlite3.connect(fresh / "haolinju.sqlite3") as db:
        assert db.execute("select count(*) from core_auditevent").fetchone()[0] == events
    again = _cli("restore", str(backup), data=fresh)
    assert again.returncode == 1 and "--force" in again.stderr


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_postgresql_restore_drill_into_a_fresh_database(tmp_path):
    """PostgreSQL: pg_dump of the live database, pg_restore into a new empty database, and the
    audit chains verify green there."""
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL drill")
    import psycopg

    _world()
    backup = tmp_path / "haolinju.pgdump"
    call_command("backup", str(backup))
    _assert_no_keys_in(backup)
    db = connection.settings_dict
    drill = f"{db['NAME']}_drill"
    admin = psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{drill}"')
    admin.execute(f'CREATE DATABASE "{drill}"')
    try:
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{drill}"
        restored = _cli("restore", str(backup), data=tmp_path / "fresh", database_url=url)
        assert restored.returncode == 0, restored.stderr
        verified = _cli("audit", "verify", data=tmp_path / "fresh", database_url=url)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert "audit log intact" in verified.stdout
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{drill}" WITH (FORCE)')
        admin.close()
