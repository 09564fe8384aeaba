"""The nightly dump and bin/restore-drill: a restored copy proven identical, and any tampering caught."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from core.observability.backups import backup_create, latest_dump, manifest_path, restore_drill_run
from core.observability.models import OperationKind, OperationRun
from tests.factories import JobSeekerFactory, OutboxMessageFactory

PROJECT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not shutil.which("pg_dump") or not shutil.which("pg_restore"), reason="needs PostgreSQL's pg_dump and pg_restore"
)


@pytest.fixture
def backups(transactional_db, tmp_path, settings):
    """Some committed data (pg_dump reads it from another connection) and an empty backup directory."""
    settings.BACKUP_DIR = tmp_path
    OutboxMessageFactory.create_batch(3)
    JobSeekerFactory(first_name="王小明")
    return tmp_path


def last_run(kind):
    return OperationRun.objects.filter(kind=kind).latest("finished_at")


def test_a_backup_writes_a_dump_and_its_manifest_and_is_recorded(backups):
    dump = backup_create(directory=backups, keep_days=14)

    assert latest_dump(backups) == dump
    manifest = json.loads(manifest_path(dump).read_text())
    assert manifest["tables"]["notifications_outboxmessage"]["rows"] == 3
    assert manifest["tables"]["django_migrations"]["rows"] > 0
    assert last_run(OperationKind.BACKUP).succeeded
    assert not list(backups.glob("*.partial"))


def test_the_restore_drill_passes_on_an_untouched_backup_and_records_it(backups):
    backup_create(directory=backups, keep_days=14)

    result = restore_drill_run()

    assert result.problems == []
    assert result.tables > 40
    run = last_run(OperationKind.RESTORE_DRILL)
    assert run.succeeded
    assert "identical" in run.summary


def test_the_restore_drill_fails_when_a_restored_table_differs_from_the_backups_manifest(backups):
    first = backup_create(directory=backups, keep_days=14)
    # Someone's name changes, and a later dump is paired with the earlier manifest: what was restored is not what
    # the backup said it held.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_user SET first_name = '李四' WHERE first_name = '王小明'")
    second = backup_create(directory=backups, keep_days=14)
    manifest_path(second).write_text(manifest_path(first).read_text())

    with pytest.raises(CommandError) as failure:
        call_command("restore_drill")

    assert failure.value.returncode == 1
    run = last_run(OperationKind.RESTORE_DRILL)
    assert not run.succeeded
    assert "accounts_user: same 4 rows but their contents differ (checksum)" in run.details["problems"]


def test_the_restore_drill_fails_when_rows_are_missing_or_migrations_unapplied(backups):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'observability'")
    dump = backup_create(directory=backups, keep_days=14)
    manifest = json.loads(manifest_path(dump).read_text())
    manifest["tables"]["notifications_outboxmessage"]["rows"] = 4
    manifest_path(dump).write_text(json.dumps(manifest))

    result = restore_drill_run()

    assert not result.succeeded
    assert result.problems[0].startswith("migrations not applied in the restored copy")
    assert "observability.0001_initial" in result.problems[0]
    assert result.problems[1:] == ["notifications_outboxmessage: 4 rows at backup, 3 restored"]


def test_the_restore_drill_fails_without_a_backup_to_restore(backups):
    result = restore_drill_run()
    assert not result.succeeded
    assert "No dump with its manifest" in result.problems[0]
    assert not last_run(OperationKind.RESTORE_DRILL).succeeded


def test_bin_restore_drill_exits_non_zero_on_a_difference(backups, settings):
    dump = backup_create(directory=backups, keep_days=14)
    manifest = json.loads(manifest_path(dump).read_text())
    manifest["tables"]["accounts_user"]["checksum"] = "0"
    manifest_path(dump).write_text(json.dumps(manifest))
    database = settings.DATABASES["default"]
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "true",
        "PYTHON": sys.executable,
        "BACKUP_DIR": str(backups),
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
    }

    result = subprocess.run(
        [str(PROJECT / "bin" / "restore-drill")], env=env, capture_output=True, text=True, timeout=300
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "accounts_user: same 4 rows but their contents differ (checksum)" in result.stderr
    assert "Restore drill FAILED" in result.stderr
