"""Exactly one Celery beat sends the schedule (portal/beat.py): a second one started by mistake sends nothing, and
takes over when the first stops."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from core.redis_client import redis_client
from portal.beat import BEAT_LOCK_KEY, TickRecordingScheduler
from portal.celery import app

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="the beat lock lives in Redis; REDIS_URL is not set")

BASE_DIR = Path(__file__).resolve().parents[2]
SENDING = "Sending due task"
STANDING_BY = "Another beat holds"


@pytest.fixture
def no_beat_lock():
    redis_client().delete(BEAT_LOCK_KEY)
    yield
    redis_client().delete(BEAT_LOCK_KEY)
    # What the beats sent waits for workers that never come in a test: it must not reach another test's worker.
    with app.connection_for_write() as connection:
        for queue in app.conf.task_queues:
            connection.default_channel.queue_purge(queue.name)


def _scheduler(tmp_path, name):
    scheduler = TickRecordingScheduler(app, schedule_filename=str(tmp_path / name), lazy=True)
    scheduler.setup_schedule()
    return scheduler


def test_a_second_scheduler_waits_while_the_first_holds_the_lock_and_takes_over_when_it_closes(
    tmp_path, settings, no_beat_lock
):
    first, second = _scheduler(tmp_path, "first"), _scheduler(tmp_path, "second")
    assert first.tick() <= settings.BEAT_LOCK_SECONDS / 3
    holder = redis_client().get(BEAT_LOCK_KEY)
    assert holder == f"{os.uname().nodename}:{os.getpid()}".encode()

    assert second.tick() == settings.BEAT_LOCK_RETRY_SECONDS
    assert first.tick() <= settings.BEAT_LOCK_SECONDS / 3  # renewed, still the first's
    assert redis_client().pttl(BEAT_LOCK_KEY) > (settings.BEAT_LOCK_SECONDS - 2) * 1000

    first.close()
    assert redis_client().get(BEAT_LOCK_KEY) is None
    assert second.tick() <= settings.BEAT_LOCK_SECONDS / 3
    assert first.tick() == settings.BEAT_LOCK_RETRY_SECONDS
    second.close()
    first.close()


def _beat(tmp_path, name):
    log = (tmp_path / f"{name}.log").open("w")
    environment = {**os.environ, "BEAT_LOCK_SECONDS": "6", "BEAT_LOCK_RETRY_SECONDS": "1", "LOG_FORMAT": "text"}
    schedule = str(tmp_path / f"{name}-schedule")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "beat", "--loglevel", "INFO", "--schedule", schedule],
        cwd=BASE_DIR,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return process, tmp_path / f"{name}.log"


def _wait_for(path, text, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in path.read_text():
            return
        time.sleep(0.2)
    pytest.fail(f"{path.name} never said {text!r}:\n{path.read_text()[-3000:]}")


def test_a_second_beat_process_sends_nothing_until_the_first_stops(tmp_path, no_beat_lock):
    first, first_log = _beat(tmp_path, "first")
    second = None
    try:
        _wait_for(first_log, SENDING)
        second, second_log = _beat(tmp_path, "second")
        _wait_for(second_log, STANDING_BY)
        sent_by_first = first_log.read_text().count(SENDING)
        time.sleep(4)  # two dispatch intervals
        assert SENDING not in second_log.read_text()
        assert first_log.read_text().count(SENDING) > sent_by_first

        first.terminate()
        first.wait(timeout=30)
        _wait_for(second_log, SENDING, timeout=30)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
