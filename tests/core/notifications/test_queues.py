"""A broadcast's sends never stand between a person and the message they are waiting for (docs/notifications.md,
"Queues"): many-recipient sends go to the `bulk` queue, one-to-one messages (sign-in codes, a booking's
confirmation) to `notifications`. Read off the real Redis broker: what each queue holds after the publishing."""

import base64
import json
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections
from django.utils import timezone

from core.accounts.models import Role
from core.accounts.services import sign_in_code_send
from core.notifications import publishing, services, tasks
from core.notifications.catalog import MessageTemplate, registered_templates
from core.notifications.models import Broadcast, Kind, OutboxMessage, Status
from core.notifications.services.settling import rows_requeue
from core.redis_client import redis_client
from tests.factories import JobSeekerFactory, OutboxMessageFactory, UserFactory

BULK, NOTIFICATIONS = "bulk", "notifications"
PUSH = {"template": "job_push", "kind": Kind.MARKETING, "params": {"count": "1", "jobs": "保洁"}, "text": "保洁"}


@pytest.fixture
def empty_queues(settings):
    """The broker's `notifications` and `bulk` queues, emptied before and after the test (no worker consumes them
    here: what a test publishes stays there to be read)."""
    from portal.celery import app

    assert not app.conf.task_always_eager, "these tests need REDIS_URL: Celery must really queue"

    def purge():
        with app.connection_for_write() as connection:
            for queue in (NOTIFICATIONS, BULK):
                connection.default_channel.queue_purge(queue)

    purge()
    yield
    purge()


def queued(queue):
    """[(task name, args)] of the messages waiting in `queue`, oldest first (kombu pushes on the left)."""
    messages = [json.loads(raw) for raw in reversed(redis_client().lrange(queue, 0, -1))]
    return [(message["headers"]["task"], json.loads(base64.b64decode(message["body"]))[0]) for message in messages]


def sent_ids(queue):
    """The outbox ids of the `outbox_send*` tasks waiting in `queue`, in order."""
    return [row_id for name, (ids,) in queued(queue) if name.startswith(publishing.OUTBOX_SEND) for row_id in ids]


@pytest.mark.django_db
def test_a_sign_in_code_asked_for_during_a_broadcast_waits_behind_none_of_the_broadcasts_sends(
    empty_queues, regions, daytime, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_BATCH_SIZE = 2
    staff = UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    JobSeekerFactory.create_batch(5, region=regions.get(code="430181102201"), password=None)
    with django_capture_on_commit_callbacks(execute=True):
        broadcast, _created = services.broadcast_create(
            actor=staff,
            filters={"region": "430181102"},
            template="announcement",
            context={"content": "请返乡人员到村委会登记。"},
            channels=["sms"],
        )
    # The fan-out a worker of the bulk queue runs: the broadcast's rows, and their send tasks, chunk by chunk.
    with django_capture_on_commit_callbacks(execute=True):
        services.broadcast_fan_out(broadcast_id=broadcast.pk)
    with django_capture_on_commit_callbacks(execute=True):
        sign_in_code_send(phone="13812345678")

    code = OutboxMessage.objects.get(template="sign_in_code")
    broadcast_rows = set(OutboxMessage.objects.filter(broadcast=broadcast).values_list("id", flat=True))
    assert len(broadcast_rows) == 5
    assert queued(NOTIFICATIONS) == [(publishing.OUTBOX_SEND, [[code.pk]])]
    assert queued(BULK)[0] == (publishing.BROADCAST_FAN_OUT, [broadcast.pk])
    assert sorted(sent_ids(BULK)) == sorted(broadcast_rows)


@pytest.mark.django_db
def test_the_dispatch_puts_booking_messages_on_notifications_and_pushes_held_for_the_morning_on_bulk(
    empty_queues, settings, django_capture_on_commit_callbacks
):
    # Rows no task carries yet: pushes that waited out the quiet hours, and a booking's SMS written by its SQL.
    pushes = OutboxMessageFactory.create_batch(3, enqueued_at=None, **PUSH)
    booking = OutboxMessageFactory(template="trip_booking_confirmed", enqueued_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.outbox_dispatch()["enqueued"] == 4
    assert queued(NOTIFICATIONS) == [(publishing.OUTBOX_SEND, [[booking.pk]])]
    assert sent_ids(BULK) == [push.pk for push in pushes]


@pytest.mark.django_db
def test_when_the_dispatch_has_more_due_rows_than_it_takes_the_one_to_one_messages_go_first(
    empty_queues, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_DISPATCH_LIMIT = 2
    OutboxMessageFactory.create_batch(3, enqueued_at=None, **PUSH)
    booking = OutboxMessageFactory(template="trip_booking_confirmed", enqueued_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.outbox_dispatch()
    assert sent_ids(NOTIFICATIONS) == [booking.pk]
    assert len(sent_ids(BULK)) == 1


@pytest.mark.django_db
def test_a_retried_push_goes_back_to_bulk_and_a_retried_booking_message_to_notifications(
    empty_queues, django_capture_on_commit_callbacks
):
    push = OutboxMessageFactory(status=Status.SENDING, attempts=1, **PUSH)
    booking = OutboxMessageFactory(template="trip_booking_confirmed", status=Status.SENDING, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        rows_requeue(
            OutboxMessage.objects.filter(pk__in=[push.pk, booking.pk]),
            reason="限流",
            error_code="isv.BUSINESS_LIMIT_CONTROL",
            delay=30,
            now=timezone.now(),
        )
    assert sent_ids(NOTIFICATIONS) == [booking.pk]
    assert sent_ids(BULK) == [push.pk]


@pytest.mark.django_db
def test_a_stalled_broadcasts_fan_out_is_started_again_on_bulk(empty_queues, regions, settings):
    staff = UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    JobSeekerFactory(region=regions.get(code="430181102201"), password=None)
    broadcast, _created = services.broadcast_create(
        actor=staff,
        filters={"region": "430181102"},
        template="announcement",
        context={"content": "通知"},
        channels=["sms"],
    )
    stale = timezone.now() - timedelta(seconds=settings.NOTIFICATIONS_REQUEUE_AFTER_SECONDS + 1)
    type(broadcast).objects.filter(pk=broadcast.pk).update(updated_at=stale)
    assert services.outbox_dispatch()["fan_outs"] == 1
    assert queued(BULK) == [(publishing.BROADCAST_FAN_OUT, [broadcast.pk])]
    assert queued(NOTIFICATIONS) == []


def _close_this_threads_connections(**kwargs):
    connections.close_all()


def test_a_worker_on_the_notifications_queue_alone_delivers_a_code_while_a_broadcast_waits_on_bulk(
    transactional_db, empty_queues, provider, daytime, regions, wait_until
):
    from portal.celery import app

    staff = UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    JobSeekerFactory.create_batch(3, region=regions.get(code="430181102201"), password=None)
    broadcast, _created = services.broadcast_create(
        actor=staff,
        filters={"region": "430181102"},
        template="announcement",
        context={"content": "请返乡人员到村委会登记。"},
        channels=["sms"],
    )
    task_postrun.connect(_close_this_threads_connections)
    try:
        with start_worker(app, pool="solo", queues=[NOTIFICATIONS], perform_ping_check=False, loglevel="WARNING"):
            sign_in_code_send(phone="13812345678")
            wait_until(lambda: "13812345678" in provider.phones(), message="the sign-in code")
    finally:
        task_postrun.disconnect(_close_this_threads_connections)
    # The broadcast was started first; its fan-out still waits on `bulk`, untouched by this worker.
    broadcast = Broadcast.objects.get(pk=broadcast.pk)
    assert broadcast.prepared_count == 0
    assert provider.phones() == ["13812345678"]
    assert queued(BULK) == [(publishing.BROADCAST_FAN_OUT, [broadcast.pk])]


def test_the_send_task_of_each_kind_of_message_is_the_task_in_tasks_py_on_its_queue():
    assert publishing.task(publishing.send_task_name("sign_in_code")) is tasks.outbox_send._get_current_object()
    assert publishing.task(publishing.send_task_name("announcement")) is tasks.outbox_send_bulk._get_current_object()
    assert publishing.queue_of(publishing.send_task_name("sign_in_code")) == NOTIFICATIONS
    assert publishing.queue_of(publishing.send_task_name("announcement")) == BULK
    assert publishing.queue_of(publishing.BROADCAST_FAN_OUT) == BULK


def test_what_goes_to_many_at_once_is_sent_in_bulk_and_what_one_person_waits_for_is_not():
    in_bulk = {template.key for template in registered_templates() if template.in_bulk}
    assert in_bulk == {
        # pushes: the broadcast page's two templates, the nightly job push
        "announcement",
        "job_fair",
        "job_push",
        # a whole trip at once, and the reminders' sweep
        "trip_closed",
        "trip_waitlist_ended",
        "trip_cancelled",
        "trip_reminder_24h",
        "trip_departure",
    }
    waiting = {"sign_in_code", "staff_unlock_code", "trip_booking_confirmed", "trip_waitlisted", "trip_seat_offer"}
    assert {publishing.send_task_name(key) for key in in_bulk} == {publishing.OUTBOX_SEND_BULK}
    assert {publishing.send_task_name(key) for key in waiting} == {publishing.OUTBOX_SEND}


def test_a_critical_template_offered_for_broadcasts_is_still_sent_in_bulk():
    notice = MessageTemplate(
        key="urgent_notice", label="紧急通知", text="紧急通知：${content}", kind=Kind.CRITICAL, broadcastable=True
    )
    assert notice.in_bulk
