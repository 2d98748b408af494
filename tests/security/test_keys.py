"""Keys (issue 6, item 6): production takes keys only from the environment or a key file
outside the data directory, ``check --deploy`` fails without them, the demo still generates
its own, and rotating the field keys re-encrypts every encrypted column."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from haolinju.core import checks, crypto

ROOT = Path(__file__).resolve().parents[2]
KEY_VARS = ("DJANGO_SECRET_KEY", "HAOLINJU_FIELD_KEYS", "HAOLINJU_HMAC_KEY", "HAOLINJU_KEY_FILE")


def _keys() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_KEYS": Fernet.generate_key().decode(),
        "HMAC_KEY": secrets.token_urlsafe(32),
    }


def _manage(settings_module: str, data_dir: Path, *args: str, **extra: str):
    dropped = {*KEY_VARS, "HAOLINJU_PRODUCTION", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(DJANGO_SETTINGS_MODULE=settings_module, HAOLINJU_DATA_DIR=str(data_dir), **extra)
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_without_keys_refuses_to_start_and_writes_none(tmp_path):
    """``check --deploy`` on production settings with no keys fails with the reason, and no
    secrets.json appears in the data directory."""
    result = _manage("haolinju.settings.production", tmp_path, "check", "--deploy")
    assert result.returncode != 0
    assert "production refuses to start without keys" in result.stderr
    assert not (tmp_path / "secrets.json").exists()


def test_production_refuses_a_key_file_inside_the_data_directory(tmp_path):
    """A key file in the data directory is refused; the same file elsewhere is accepted and
    the deployment checks pass."""
    data, elsewhere = tmp_path / "data", tmp_path / "keys"
    data.mkdir()
    elsewhere.mkdir()
    keys = json.dumps(_keys())
    (data / "keys.json").write_text(keys)
    (elsewhere / "keys.json").write_text(keys)
    inside = _manage(
        "haolinju.settings.production",
        data,
        "check",
        "--deploy",
        HAOLINJU_KEY_FILE=str(data / "keys.json"),
    )
    assert inside.returncode != 0 and "inside the data directory" in inside.stderr
    outside = _manage(
        "haolinju.settings.production",
        data,
        "check",
        "--deploy",
        "--fail-level",
        "ERROR",
        HAOLINJU_KEY_FILE=str(elsewhere / "keys.json"),
    )
    assert outside.returncode == 0, outside.stderr


def test_the_demo_still_generates_its_keys(tmp_path):
    """Base (demo) settings with no keys create secrets.json once, readable by the owner only."""
    result = _manage("haolinju.settings.base", tmp_path, "check")
    assert result.returncode == 0, result.stderr
    path = tmp_path / "secrets.json"
    assert path.exists() and (path.stat().st_mode & 0o777) == 0o600


def test_deploy_checks_name_every_key_problem(settings):
    """Invalid or missing field keys, a short HMAC key and demo keys are each a deploy error."""
    settings.HAOLINJU_FIELD_KEYS = ["not-a-fernet-key"]
    settings.HAOLINJU_HMAC_KEY = "short"
    settings.HAOLINJU_KEYS_SOURCE = "data-dir"
    ids = {e.id for e in checks.personal_data_keys(None)}
    assert ids == {"haolinju.E002", "haolinju.E003", "haolinju.E004"}
    settings.HAOLINJU_FIELD_KEYS = []
    assert "haolinju.E001" in {e.id for e in checks.personal_data_keys(None)}
    settings.HAOLINJU_FIELD_KEYS = [Fernet.generate_key().decode()]
    settings.HAOLINJU_HMAC_KEY = secrets.token_urlsafe(32)
    settings.HAOLINJU_KEYS_SOURCE = "environment"
    assert checks.personal_data_keys(None) == []


@pytest.mark.django_db
def test_rotation_re_encrypts_every_field_so_the_old_key_can_go(tree, settings):
    """People encrypted under the old key: with the new key first, the command rewrites every
    ``*_enc`` value, after which the new key alone decrypts them all."""
    from haolinju.people.models import Person
    from haolinju.people.tests.factories import resident

    old, new = settings.HAOLINJU_FIELD_KEYS[0], Fernet.generate_key().decode()
    for i in range(3):
        resident(tree.units[i], username=f"r{i}")
    before = {p.pk: (p.phone_enc, crypto.decrypt(p.phone_enc)) for p in Person.objects.all()}
    assert any(token for token, _ in before.values())
    settings.HAOLINJU_FIELD_KEYS = [new, old]
    call_command("rotate_field_keys", "--no-progress")
    settings.HAOLINJU_FIELD_KEYS = [new]
    for person in Person.objects.all():
        token, plain = before[person.pk]
        if token:
            assert person.phone_enc != token
            assert crypto.decrypt(person.phone_enc) == plain
