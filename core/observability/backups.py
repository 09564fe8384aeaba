"""The nightly dump and the restore drill (docs/operations.md, "Backup and restore").

`backup_create` dumps the database with pg_dump (custom format) inside an exported snapshot and, in that same
snapshot, writes a manifest of every table's row count and checksum beside the dump. `restore_drill_run` restores
the newest dump into a scratch database, checks that the code's migrations are all applied there
(`manage.py migrate --check`), compares the restored tables with the manifest, and records the outcome, which the
metrics and /healthz?full=1 report. Both are PostgreSQL only: the embedded SQLite file is copied, not dumped.
"""

import json
import os
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import psycopg2
from django.conf import settings
from django.utils import timezone
from psycopg2 import sql

from core.observability.fingerprints import fingerprint_differences, table_fingerprints
from core.observability.models import OperationKind, OperationRun

DUMP_SUFFIX = ".dump"
MANIFEST_SUFFIX = ".manifest.json"


class OperationError(Exception):
    """A backup or a drill that cannot go on; said to the operator who runs the command (in English, like the
    other commands' output)."""


def _connection_settings(alias="default"):
    database = settings.DATABASES[alias]
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise OperationError("Backups and the restore drill need PostgreSQL (DATABASE_URL=postgres://…).")
    return {
        "dbname": database["NAME"],
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
    }


def _libpq_environment(connection_settings, dbname=None):
    """The pg_dump / pg_restore environment: passwords in PGPASSWORD, never on a command line others can read."""
    names = {"dbname": "PGDATABASE", "user": "PGUSER", "password": "PGPASSWORD", "host": "PGHOST", "port": "PGPORT"}
    values = {**connection_settings, **({"dbname": dbname} if dbname else {})}
    return {**os.environ, **{names[key]: str(value) for key, value in values.items() if value}}


def _run_tool(arguments, environment, *, timeout):
    result = subprocess.run(arguments, env=environment, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise OperationError(f"{arguments[0]} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
    return result


def _record(kind, *, succeeded, started_at, summary, details):
    return OperationRun.objects.create(
        kind=kind,
        succeeded=succeeded,
        started_at=started_at,
        finished_at=timezone.now(),
        summary=summary,
        details=details,
    )


def manifest_path(dump):
    return dump.with_name(dump.name.removesuffix(DUMP_SUFFIX) + MANIFEST_SUFFIX)


def backup_create(*, directory, keep_days, timeout=3600):
    """Dump the database into `directory` with its manifest; remove dumps older than `keep_days`. Returns the
    dump's path. A dump is written under a temporary name and renamed once whole, so a dump cut short (a full disk,
    a killed job) is never taken for the latest."""
    started_at = timezone.now()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    connection_settings = _connection_settings()
    dump = directory / f"chunfeng-{started_at:%Y%m%dT%H%M%S%fZ}{DUMP_SUFFIX}"
    partial = dump.with_name(dump.name + ".partial")
    try:
        # The snapshot is held open by this transaction while pg_dump reads through it: the manifest and the dump
        # describe the same moment, however busy the portal is.
        with psycopg2.connect(**connection_settings) as connection, connection.cursor() as cursor:
            connection.set_session(isolation_level="REPEATABLE READ", readonly=True)
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
            fingerprints = table_fingerprints(cursor)
            _run_tool(
                ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={partial}"],
                _libpq_environment(connection_settings),
                timeout=timeout,
            )
        manifest = {
            "database": connection_settings["dbname"],
            "taken_at": started_at.isoformat(),
            "tables": fingerprints,
        }
        manifest_path(dump).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
        partial.rename(dump)
    except Exception as error:
        partial.unlink(missing_ok=True)
        _record(OperationKind.BACKUP, succeeded=False, started_at=started_at, summary=str(error), details={"file": ""})
        raise
    removed = _remove_old_dumps(directory, keep=dump, older_than=started_at - timedelta(days=keep_days))
    _record(
        OperationKind.BACKUP,
        succeeded=True,
        started_at=started_at,
        summary=f"{dump.name}: {dump.stat().st_size} bytes, {len(fingerprints)} tables",
        details={"file": str(dump), "bytes": dump.stat().st_size, "removed": removed},
    )
    return dump


def _remove_old_dumps(directory, *, keep, older_than):
    removed = []
    for old in directory.glob(f"*{DUMP_SUFFIX}"):
        if old != keep and old.stat().st_mtime < older_than.timestamp():
            manifest_path(old).unlink(missing_ok=True)
            old.unlink()
            removed.append(old.name)
    return removed


def latest_dump(directory):
    """The newest whole dump in `directory` that has its manifest, or None."""
    dumps = [dump for dump in Path(directory).glob(f"*{DUMP_SUFFIX}") if manifest_path(dump).exists()]
    return max(dumps, key=lambda dump: dump.name, default=None)


@dataclass
class DrillResult:
    dump: str
    problems: list = field(default_factory=list)
    tables: int = 0
    seconds: float = 0.0

    @property
    def succeeded(self):
        return not self.problems


def _scratch_database(connection_settings, name, *, create):
    """Drop the scratch database `name` (FORCE: a drill killed halfway may have left a session in it), and make it
    anew when `create`. Through the server's maintenance database, outside any transaction, as PostgreSQL needs."""
    connection = psycopg2.connect(**{**connection_settings, "dbname": "postgres"})
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            if create:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()


def _unapplied_migrations(connection_settings, name, *, timeout):
    """`manage.py migrate --check` against the restored copy: "" when every migration of this code is applied."""
    quote = urllib.parse.quote
    password = connection_settings["password"]
    database_url = "postgres://{user}{password}@{host}:{port}/{name}".format(
        user=quote(connection_settings["user"] or "", safe=""),
        password=f":{quote(password, safe='')}" if password else "",
        host=connection_settings["host"] or "",
        port=connection_settings["port"] or 5432,
        name=quote(name, safe=""),
    )
    result = subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "migrate", "--check", "--plan"],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode == 0:
        return ""
    return (result.stdout + result.stderr).strip()[-2000:] or f"migrate --check exited {result.returncode}"


def restore_drill_run(*, dump=None, scratch_database=None, keep=False, timeout=3600):
    """Restore `dump` (default: the newest in BACKUP_DIR) into a scratch database and check it; the result is
    recorded and returned. A problem at any step is a failed drill, never an exception left unrecorded."""
    started_at = timezone.now()
    clock = time.monotonic()
    connection_settings = _connection_settings()
    dump = Path(dump) if dump else latest_dump(settings.BACKUP_DIR)
    result = DrillResult(dump=str(dump or ""))
    scratch = scratch_database or f"{connection_settings['dbname']}_restore_drill"
    try:
        if dump is None or not manifest_path(dump).exists():
            raise OperationError(f"No dump with its manifest in {settings.BACKUP_DIR}: run manage.py backup_database")
        expected = json.loads(manifest_path(dump).read_text(encoding="utf-8"))["tables"]
        _scratch_database(connection_settings, scratch, create=True)
        _run_tool(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={scratch}", str(dump)],
            _libpq_environment(connection_settings, scratch),
            timeout=timeout,
        )
        unapplied = _unapplied_migrations(connection_settings, scratch, timeout=timeout)
        if unapplied:
            result.problems.append(f"migrations not applied in the restored copy: {unapplied}")
        restored = psycopg2.connect(**{**connection_settings, "dbname": scratch})
        try:
            with restored.cursor() as cursor:
                found = table_fingerprints(cursor)
        finally:
            restored.close()
        result.tables = len(found)
        result.problems.extend(fingerprint_differences(expected, found))
    except (OperationError, OSError, ValueError, KeyError, psycopg2.Error, subprocess.SubprocessError) as error:
        result.problems.append(str(error))
    finally:
        if not keep:
            try:
                _scratch_database(connection_settings, scratch, create=False)
            except psycopg2.Error as error:
                result.problems.append(f"cannot drop the scratch database {scratch}: {error}")
    result.seconds = round(time.monotonic() - clock, 1)
    summary = (
        f"{Path(result.dump).name}: {result.tables} tables restored and identical in {result.seconds} s"
        if result.succeeded
        else f"{Path(result.dump).name or 'no dump'}: " + "; ".join(result.problems)[:1000]
    )
    _record(
        OperationKind.RESTORE_DRILL,
        succeeded=result.succeeded,
        started_at=started_at,
        summary=summary,
        details={"dump": result.dump, "problems": result.problems, "tables": result.tables, "seconds": result.seconds},
    )
    return result
