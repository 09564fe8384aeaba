import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections
from django.utils import timezone

from core.notifications.fake_provider import FakeSmsProvider
from core.notifications.rules import CHINA

ACCESS_KEY_SECRET = "test-secret-for-the-local-provider"


@pytest.fixture
def provider(settings):
    """The local Alibaba Cloud SMS stand-in, with the aliyun gateway pointed at it."""
    with FakeSmsProvider(access_key_secret=ACCESS_KEY_SECRET) as fake:
        settings.NOTIFICATIONS_SMS_GATEWAY = "aliyun"
        settings.ALIYUN_SMS_ENDPOINT = fake.url
        settings.ALIYUN_SMS_ACCESS_KEY_ID = "test-key-id"
        settings.ALIYUN_SMS_ACCESS_KEY_SECRET = ACCESS_KEY_SECRET
        settings.ALIYUN_SMS_TEMPLATE_CODES = {
            "sign_in_code": "SMS_100001",
            "trip_departure": "SMS_100002",
            "job_push": "SMS_100003",
            "job_fair": "SMS_100004",
            "announcement": "SMS_100005",
        }
        yield fake


def _close_this_threads_connections(**kwargs):
    connections.close_all()


@pytest.fixture
def celery_worker(transactional_db, settings):
    """A real Celery worker (in a thread of this process) consuming the `notifications` and `bulk` queues from Redis.

    It needs committed data, hence the transactional database; it closes its own database connections after each
    task so that none outlives the test.
    """
    from portal.celery import app

    assert not app.conf.task_always_eager, "the integration tests need REDIS_URL: Celery must really queue"
    queues = ["notifications", "bulk"]
    with app.connection_for_write() as connection:
        for queue in queues:
            connection.default_channel.queue_purge(queue)
    task_postrun.connect(_close_this_threads_connections)
    with start_worker(app, pool="solo", queues=queues, perform_ping_check=False, loglevel="WARNING"):
        yield app
    task_postrun.disconnect(_close_this_threads_connections)


@pytest.fixture
def daytime(settings):
    """Quiet hours that do not contain the present hour, so that marketing SMS go at once whenever tests run."""
    hour = timezone.now().astimezone(CHINA).hour
    settings.NOTIFICATIONS_QUIET_HOURS_START = (hour + 2) % 24
    settings.NOTIFICATIONS_QUIET_HOURS_END = (hour + 3) % 24


@pytest.fixture
def quiet_hours(settings):
    """Quiet hours that start at the present hour and end an hour later."""
    hour = timezone.now().astimezone(CHINA).hour
    settings.NOTIFICATIONS_QUIET_HOURS_START = hour
    settings.NOTIFICATIONS_QUIET_HOURS_END = (hour + 1) % 24


@pytest.fixture
def wait_until():
    """Poll `condition` until it holds (a real worker is asynchronous), failing after `timeout` seconds."""
    import time

    def wait(condition, *, timeout=20, message="condition"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.05)
        pytest.fail(f"timed out waiting for {message}")

    return wait
