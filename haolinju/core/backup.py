"""Backup and restore of the database, never of the keys (docs/security.md).

- SQLite: the online backup API (``sqlite3.Connection.backup``) copies a consistent snapshot
  while the app keeps running (WAL readers and writers are not blocked).
- PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists``.

A backup holds only the database. ``secrets.json``, ``HAOLINJU_KEY_FILE`` and the environment's
keys are never copied into it: store keys and backups in different places, so a stolen backup
holds only ciphertext. Restoring needs the same field and HMAC keys configured where it runs.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    pass


def _pg_env_and_args() -> tuple[dict, list[str]]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return env, args


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (apt-get install postgresql-client)")
    return path


def backup(out: Path) -> Path:
    """Write a consistent copy of the database to ``out`` (must not exist)."""
    out = Path(out).resolve()
    if out.exists():
        raise BackupError(f"{out} exists already")
    out.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(out)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif connection.vendor == "postgresql":
        env, args = _pg_env_and_args()
        name = connection.settings_dict["NAME"]
        command = [_tool("pg_dump"), "--format=custom", "--no-owner", *args, "--file", str(out)]
        subprocess.run([*command, name], env=env, check=True)  # noqa: S603 - fixed tool and args
    else:
        raise BackupError(f"no backup for {connection.vendor}")
    os.chmod(out, 0o600)
    return out


def restore(source: Path, *, force: bool = False) -> None:
    """Replace the configured database with the backup ``source``."""
    source = Path(source).resolve()
    head = source.read_bytes()[:16] if source.exists() else b""
    if connection.vendor == "sqlite":
        if not head.startswith(SQLITE_MAGIC):
            raise BackupError(f"{source} is not a SQLite backup")
        target_path = Path(connection.settings_dict["NAME"])
        if target_path.exists() and target_path.stat().st_size and not force:
            raise BackupError(f"{target_path} holds a database already (use --force)")
        connection.close()
        target_path.parent.mkdir(parents=True, exist_ok=True)
        src, dst = sqlite3.connect(source), sqlite3.connect(target_path)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
    elif connection.vendor == "postgresql":
        if not head.startswith(PG_MAGIC):
            raise BackupError(f"{source} is not a pg_dump custom-format backup")
        env, args = _pg_env_and_args()
        name = connection.settings_dict["NAME"]
        connection.close()
        command = [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", *args]
        subprocess.run(  # noqa: S603 - fixed tool and args
            [*command, "--dbname", name, str(source)], env=env, check=True
        )
    else:
        raise BackupError(f"no restore for {connection.vendor}")
