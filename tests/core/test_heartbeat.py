"""Worker and beat heartbeats: a worker busy with a long import is not taken for a missing one; beat's last tick."""

import time

import pytest
from celery.signals import task_postrun, task_prerun
from django.core.cache import cache

from core.heartbeat import beat_last_tick, queues_without_worker, worker_is_running
from portal.beat import TickRecordingScheduler
from portal.celery import app


@pytest.fixture
def short_heartbeats(settings):
    """Tasks wait for a worker (as with REDIS_URL), and a heartbeat lives 1 s, a task at most 2 s."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.WORKER_HEARTBEAT_TTL_SECONDS = 1
    settings.CELERY_TASK_TIME_LIMIT = 2
    cache.delete("worker-heartbeat:imports")
    yield
    cache.delete("worker-heartbeat:imports")


class _ImportTask:
    """What Celery hands the task signals for a task taken from the imports queue."""

    def __init__(self, queue="imports"):
        self.request = type("Request", (), {"delivery_info": {"routing_key": queue}})()


def test_a_worker_busy_with_a_task_longer_than_the_heartbeat_still_counts_as_serving_the_queue(short_heartbeats):
    task_prerun.send(sender=None, task_id="import-1", task=_ImportTask())
    time.sleep(1.5)  # past the heartbeat's life, within the task's
    assert worker_is_running(queue="imports")

    task_postrun.send(sender=None, task_id="import-1", task=_ImportTask())
    assert worker_is_running(queue="imports")
    time.sleep(1.5)  # a finished task leaves an ordinary heartbeat, which lapses when no worker takes the next
    assert not worker_is_running(queue="imports")


def test_a_task_from_another_queue_says_nothing_about_the_imports_queue(short_heartbeats):
    task_prerun.send(sender=None, task_id="sms-1", task=_ImportTask(queue="notifications"))
    assert not worker_is_running(queue="imports")
    task_postrun.send(sender=None, task_id="sms-1", task=_ImportTask(queue="notifications"))


def test_a_worker_busy_with_a_broadcasts_sends_counts_as_serving_the_bulk_queue(short_heartbeats):
    # Beat's heartbeat waits behind the broadcast's sends and expires untaken; each send the worker starts tells.
    cache.delete("worker-heartbeat:bulk")
    assert "bulk" in queues_without_worker()
    task_prerun.send(sender=None, task_id="bulk-1", task=_ImportTask(queue="bulk"))
    assert "bulk" not in queues_without_worker()
    task_postrun.send(sender=None, task_id="bulk-1", task=_ImportTask(queue="bulk"))
    cache.delete("worker-heartbeat:bulk")


def test_beat_records_each_tick_for_the_health_check(tmp_path):
    cache.delete("beat-tick")
    assert beat_last_tick() is None
    scheduler = TickRecordingScheduler(app, schedule_filename=str(tmp_path / "schedule"), lazy=True)
    scheduler.setup_schedule()
    scheduler.tick()
    assert beat_last_tick() is not None
    scheduler.close()
