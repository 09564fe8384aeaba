"""/metrics: Prometheus' scrape, behind METRICS_TOKEN, with the request measurements and the portal's own state."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from core.heartbeat import beat_tick_record, worker_heartbeat_record
from core.notifications.models import Status
from core.observability.models import OperationKind, OperationRun
from tests.factories import OutboxMessageFactory, TripFactory, UserFactory, WorkerFactory
from transport.services import booking_create
from workers.models import ImportStatus, LedgerImport

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[2]

TOKEN = "metrics-token-for-the-tests-0123456789abcdef"


@pytest.fixture
def scrape(client, settings):
    settings.METRICS_TOKEN = TOKEN

    def scrape():
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200
        samples = {}
        for family in text_string_to_metric_families(response.content.decode()):
            for sample in family.samples:
                samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
        return samples

    return scrape


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))))


def test_metrics_do_not_exist_until_a_token_is_configured(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token-of-the-right-length-000000000", f"Basic {TOKEN}"])
def test_metrics_refuse_a_missing_or_wrong_token(client, settings, authorization):
    settings.METRICS_TOKEN = TOKEN
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = client.get("/metrics", **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert b"chunfeng_" not in response.content


def test_request_latency_and_queries_are_measured_by_view(client, scrape, regions):
    before = scrape()
    client.get("/api/v1/regions/?parent=43")
    client.get("/api/v1/regions/?parent=43")
    after = scrape()

    view = "api:region-list"
    count = "chunfeng_http_request_duration_seconds_count"
    assert value(after, count, view=view) - (value(before, count, view=view) or 0) == 2
    queries = value(after, "chunfeng_http_request_db_queries_sum", view=view) - (
        value(before, "chunfeng_http_request_db_queries_sum", view=view) or 0
    )
    assert queries >= 2
    assert value(after, "chunfeng_http_responses_total", view=view, status="200") >= 2


def test_the_outbox_backlog_counts_unsent_rows_and_ages_the_oldest_due_one(scrape):
    now = timezone.now()
    OutboxMessageFactory(send_after=now - timedelta(minutes=10))
    OutboxMessageFactory(send_after=now - timedelta(minutes=1))
    # Held for the end of the quiet hours: waiting, not late.
    OutboxMessageFactory(send_after=now + timedelta(hours=8))
    OutboxMessageFactory(status=Status.UNKNOWN, reconcile_after=now, send_after=now - timedelta(minutes=2))
    OutboxMessageFactory(status=Status.SENT, sent_at=now, send_after=now - timedelta(hours=5))

    samples = scrape()

    assert value(samples, "chunfeng_outbox_messages", status="queued") == 3
    assert value(samples, "chunfeng_outbox_messages", status="unknown") == 1
    assert value(samples, "chunfeng_outbox_messages", status="sending") == 0
    assert 600 <= value(samples, "chunfeng_outbox_oldest_unsent_age_seconds") < 660


def test_an_empty_outbox_is_zero_seconds_late(scrape):
    assert value(scrape(), "chunfeng_outbox_oldest_unsent_age_seconds") == 0


def test_bookings_of_the_last_minute_and_running_imports_are_counted(scrape, regions):
    trip = TripFactory()
    village = regions.get(code="430181102201")
    for _ in range(3):
        booking_create(trip_id=trip.pk, worker=WorkerFactory(home_region=village))
    staff = UserFactory(region=regions.get(code="430181"))
    LedgerImport.objects.create(uploaded_by=staff, file_name="a.xlsx", status=ImportStatus.RUNNING)
    LedgerImport.objects.create(uploaded_by=staff, file_name="b.xlsx", status=ImportStatus.SUCCEEDED)

    samples = scrape()

    assert value(samples, "chunfeng_bookings_last_minute") == 3
    assert value(samples, "chunfeng_imports", kind="ledger", status="running") == 1
    assert value(samples, "chunfeng_imports", kind="ledger", status="pending") == 0
    assert value(samples, "chunfeng_imports", kind="demand", status="running") == 0


def test_celery_queue_lengths_are_read_from_redis(scrape, settings):
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: the embedded mode has no queues")
    from portal.celery import app
    from portal.tasks import worker_heartbeat

    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge("imports")
        for _ in range(3):
            worker_heartbeat.apply_async(args=["imports"], queue="imports")
        samples = scrape()
        connection.default_channel.queue_purge("imports")

    assert value(samples, "chunfeng_celery_queue_length", queue="imports") == 3
    assert value(samples, "chunfeng_celery_queue_length", queue="default") == 0


def test_a_queue_no_worker_has_served_lately_is_reported_as_not_served(scrape, settings):
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: the embedded mode has no queues")
    from django.core.cache import cache

    for queue in settings.WORKER_HEARTBEAT_QUEUES:
        worker_heartbeat_record(queue=queue)
    cache.delete("worker-heartbeat:bulk")
    samples = scrape()
    assert value(samples, "chunfeng_celery_queue_served", queue="bulk") == 0
    assert value(samples, "chunfeng_celery_queue_served", queue="notifications") == 1


def test_beat_backups_and_the_last_restore_drill_are_reported(scrape):
    now = timezone.now()
    beat_tick_record()
    OperationRun.objects.create(
        kind=OperationKind.BACKUP, succeeded=True, started_at=now, finished_at=now - timedelta(hours=3)
    )
    OperationRun.objects.create(kind=OperationKind.RESTORE_DRILL, succeeded=True, started_at=now, finished_at=now)
    samples = scrape()
    assert abs(value(samples, "chunfeng_beat_last_tick_timestamp_seconds") - now.timestamp()) < 30
    assert value(samples, "chunfeng_backup_last_success_timestamp_seconds") == (now - timedelta(hours=3)).timestamp()
    assert value(samples, "chunfeng_restore_drill_last_success") == 1

    later = now + timedelta(minutes=1)
    OperationRun.objects.create(kind=OperationKind.RESTORE_DRILL, succeeded=False, started_at=later, finished_at=later)
    assert value(scrape(), "chunfeng_restore_drill_last_success") == 0


def test_a_reading_that_fails_is_left_out_and_the_others_still_arrive(scrape, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    samples = scrape()
    assert value(samples, "chunfeng_reading_up", reading="queues") == 0
    assert value(samples, "chunfeng_reading_up", reading="outbox") == 1
    assert value(samples, "chunfeng_outbox_oldest_unsent_age_seconds") == 0


def test_the_primary_reports_no_replica_when_none_is_connected(scrape):
    samples = scrape()
    assert value(samples, "chunfeng_replicas_connected") == 0


def test_every_metric_the_example_alert_rules_use_is_exposed(scrape, client):
    client.get("/healthz")
    now = timezone.now()
    beat_tick_record()
    OperationRun.objects.create(kind=OperationKind.BACKUP, succeeded=True, started_at=now, finished_at=now)
    OperationRun.objects.create(kind=OperationKind.RESTORE_DRILL, succeeded=True, started_at=now, finished_at=now)
    exposed = {name for name, _labels in scrape()}
    # Labelled families with nothing to report here (no replica, no Redis in the embedded mode) have no sample.
    exposed |= {"chunfeng_replica_lag_seconds", "chunfeng_celery_queue_length", "chunfeng_celery_queue_served"}
    rules = yaml.safe_load((PROJECT / "deploy" / "prometheus" / "chunfeng-alerts.yml").read_text())["groups"][0]
    used = {name for rule in rules["rules"] for name in re.findall(r"chunfeng_[a-z_]+", rule["expr"])}

    assert len(rules["rules"]) >= 4
    assert used - exposed == set()
    assert {"ChunfengOutboxRowLate", "ChunfengBeatSilent", "ChunfengSmsFailing", "ChunfengReplicaLagging"} <= {
        rule["alert"] for rule in rules["rules"]
    }


def test_under_several_gunicorn_workers_the_scrape_adds_up_every_workers_requests(tmp_path, settings):
    """PROMETHEUS_MULTIPROC_DIR: two worker processes answer a request each; a third, scraped, reports both."""
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "DEBUG": "true",
        "METRICS_TOKEN": TOKEN,
        # Quiet: the scrape is read from standard output (the readings of this empty database fail and say so).
        "LOG_LEVEL": "CRITICAL",
        "DATABASE_URL": "sqlite:///" + str(tmp_path / "empty.sqlite3"),
    }
    env.pop("REDIS_URL", None)
    request = (
        "import django; django.setup(); from django.test import Client;"
        "print(Client().get('/healthz', HTTP_HOST='localhost').status_code)"
    )
    scrape = (
        "import django; django.setup(); from django.test import Client;"
        f"response = Client().get('/metrics', HTTP_HOST='localhost', HTTP_AUTHORIZATION='Bearer {TOKEN}');"
        "print(response.content.decode())"
    )
    for code in (request, request):
        subprocess.run([sys.executable, "-c", code], cwd=PROJECT, env=env, check=True, capture_output=True, timeout=120)
    result = subprocess.run(
        [sys.executable, "-c", scrape], cwd=PROJECT, env=env, check=True, capture_output=True, text=True, timeout=120
    )

    counts = [
        sample.value
        for family in text_string_to_metric_families(result.stdout)
        for sample in family.samples
        if sample.name == "chunfeng_http_request_duration_seconds_count" and sample.labels == {"view": "healthz"}
    ]
    assert counts == [2.0]
