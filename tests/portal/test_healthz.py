import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from core.heartbeat import beat_tick_record, worker_heartbeat_record
from core.observability.models import OperationKind, OperationRun
from tests.factories import OutboxMessageFactory

PROJECT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_reports_the_database_and_redis_up(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "up"
    assert body["redis"] == ("up" if settings.REDIS_URL else "not configured")
    assert body["status"] == "ok"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_configured_redis_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "database": "up", "redis": "down"}


@pytest.mark.django_db
def test_healthz_shows_redis_as_not_configured_in_the_embedded_mode(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["redis"] == "not configured"


def test_healthz_answers_503_when_the_database_is_down():
    # A fresh interpreter whose DATABASE_URL points at a port where no PostgreSQL listens.
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere"}
    env.pop("REDIS_URL", None)
    code = (
        "import django, json; django.setup();"
        "from django.test import Client; response = Client().get('/healthz', HTTP_HOST='localhost');"
        "print(response.status_code); print(response.content.decode())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    status_line, body = result.stdout.strip().splitlines()[-2:]
    assert status_line == "503"
    assert json.loads(body)["database"] == "down"


TOKEN = "metrics-token-for-the-tests-0123456789abcdef"


@pytest.fixture
def operator(settings):
    settings.METRICS_TOKEN = TOKEN
    return {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


@pytest.fixture
def all_well(db, settings):
    """Beat ticking, a worker on every queue, last night's backup made and its drill passed, nothing late."""
    now = timezone.now()
    beat_tick_record()
    for queue in settings.WORKER_HEARTBEAT_QUEUES:
        worker_heartbeat_record(queue=queue)
    OperationRun.objects.create(kind=OperationKind.BACKUP, succeeded=True, started_at=now, finished_at=now)
    OperationRun.objects.create(
        kind=OperationKind.RESTORE_DRILL, succeeded=True, started_at=now, finished_at=now, summary="60 tables identical"
    )


@pytest.mark.django_db
def test_the_full_health_check_needs_the_operators_token(client, operator):
    assert client.get("/healthz?full=1").status_code == 401
    assert client.get("/healthz?full=1", HTTP_AUTHORIZATION="Bearer guess").status_code == 401
    # The cheap check stays open for the load balancer.
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_the_full_health_check_reports_backlog_beat_and_backups_when_all_is_well(client, operator, all_well, settings):
    OutboxMessageFactory(send_after=timezone.now() - timedelta(seconds=20))

    response = client.get("/healthz?full=1", **operator)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["problems"] == []
    assert body["outbox"]["queued"] == 1
    assert 20 <= body["outbox"]["oldest_unsent_seconds"] < 80
    assert body["last_backup"] is not None
    assert body["last_restore_drill"]["succeeded"] is True
    assert body["last_restore_drill"]["summary"] == "60 tables identical"
    if settings.REDIS_URL:
        assert set(body["queues"]) == {"default", "notifications", "bulk", "imports"}
        assert body["beat_last_tick"] is not None


@pytest.mark.django_db
def test_the_full_health_check_turns_503_and_says_why_when_outbox_rows_are_late(client, operator, all_well):
    OutboxMessageFactory(send_after=timezone.now() - timedelta(minutes=6))
    response = client.get("/healthz?full=1", **operator)
    assert response.status_code == 503
    assert response.json()["problems"] == ["outbox rows late"]


@pytest.mark.django_db
def test_the_full_health_check_names_a_queue_that_no_worker_serves(client, operator, all_well, settings):
    if not settings.REDIS_URL:
        pytest.skip("tasks wait for a worker only with REDIS_URL")
    from django.core.cache import cache

    # A worker started without the bulk queue: beat's heartbeats to it are never taken.
    cache.delete("worker-heartbeat:bulk")
    response = client.get("/healthz?full=1", **operator)
    body = response.json()
    assert response.status_code == 503
    assert body["queues_without_worker"] == ["bulk"]
    assert body["problems"] == ["no worker on queue bulk"]


@pytest.mark.django_db
def test_the_full_health_check_says_when_beat_is_silent_and_no_backup_was_made(client, operator, settings):
    if not settings.REDIS_URL:
        pytest.skip("beat runs only with REDIS_URL")
    from django.core.cache import cache

    cache.delete("beat-tick")
    body = client.get("/healthz?full=1", **operator).json()
    assert body["status"] == "degraded"
    assert body["problems"] == ["beat never ticked", "no backup recorded"]


@pytest.mark.django_db
def test_the_full_health_check_says_when_the_last_restore_drill_failed(client, operator, all_well):
    later = timezone.now() + timedelta(minutes=1)
    OperationRun.objects.create(kind=OperationKind.RESTORE_DRILL, succeeded=False, started_at=later, finished_at=later)
    assert client.get("/healthz?full=1", **operator).json()["problems"] == ["last restore drill failed"]
