"""Sending against the local provider: real PostgreSQL, real Redis, real Celery worker and real threads."""

import threading
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connections, transaction
from django.utils import timezone

from core.notifications import services
from core.notifications.gateways import sms_gateway
from core.notifications.models import OutboxMessage, Status
from core.notifications.rules import CHINA
from core.notifications.services import sending
from tests.factories import JobSeekerFactory, OutboxMessageFactory

TRIP = {"trip": "湘A12345", "departure": "2月10日8:00", "time": "2月10日7:30", "place": "洋溪镇政府"}


def queued_rows(count):
    """`count` SMS rows, committed, with their tasks enqueued (no worker in these tests unless asked)."""
    seekers = JobSeekerFactory.create_batch(count)
    return services.notify(recipients=seekers, template="trip_departure", context=TRIP, channels=["sms"])


def in_threads(count, target):
    barrier = threading.Barrier(count)
    errors = []

    def run():
        try:
            barrier.wait()
            target()
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_a_committed_message_is_sent_by_the_worker_exactly_once(celery_worker, provider, wait_until):
    seeker = JobSeekerFactory()
    with transaction.atomic():
        seeker.first_name = "王小明"
        seeker.save()
        services.notify(recipients=[seeker], template="trip_departure", context=TRIP, channels=["sms", "inbox"])
    wait_until(lambda: OutboxMessage.objects.filter(channel="sms", status=Status.SENT).exists(), message="the SMS")
    row = OutboxMessage.objects.get(channel="sms")
    assert provider.phones() == [seeker.phone]
    assert row.provider_message_id
    assert row.attempts == 1
    assert [entry[2] for entry in provider.received] == [row.provider_out_id]


def test_a_rolled_back_transaction_sends_nothing(celery_worker, provider, wait_until):
    doomed, witness = JobSeekerFactory.create_batch(2)

    @transaction.atomic
    def notify_then_fail():
        services.notify(recipients=[doomed], template="trip_departure", context=TRIP, channels=["sms"])
        raise RuntimeError("the business change fails")

    with pytest.raises(RuntimeError):
        notify_then_fail()
    # A later message that does go out shows the worker was running all along.
    services.notify(recipients=[witness], template="trip_departure", context=TRIP, channels=["sms"])
    wait_until(lambda: provider.phones() == [witness.phone], message="the witness message")
    assert not OutboxMessage.objects.filter(recipient=doomed).exists()


def test_concurrent_claimers_never_send_a_row_twice(transactional_db, provider):
    rows = queued_rows(300)
    ids = [row.pk for row in rows]
    in_threads(4, lambda: services.outbox_send(outbox_ids=ids))
    assert sorted(provider.phones()) == sorted(row.phone for row in rows)
    assert provider.duplicates() == {}
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


def test_sending_the_same_rows_again_sends_nothing_more(transactional_db, provider):
    rows = queued_rows(3)
    services.outbox_send(outbox_ids=[row.pk for row in rows])
    services.outbox_send(outbox_ids=[row.pk for row in rows])
    assert len(provider.phones()) == 3


def test_same_text_rows_go_out_in_one_provider_call(transactional_db, provider):
    rows = queued_rows(5)
    services.outbox_send(outbox_ids=[row.pk for row in rows])
    assert [numbers for _time, numbers in provider.calls] == [5]


def test_a_transient_error_is_retried_with_backoff_then_the_row_is_sent(transactional_db, provider, settings):
    [row] = queued_rows(1)
    provider.answer_next(status=500, code="isp.SYSTEM_ERROR")
    services.outbox_send(outbox_ids=[row.pk])
    row.refresh_from_db()
    assert row.status == Status.QUEUED
    assert row.attempts == 1
    assert "HTTP 500" in row.last_error
    assert row.send_after >= timezone.now() + timedelta(seconds=settings.NOTIFICATIONS_RETRY_BASE_SECONDS - 5)
    services.outbox_send(outbox_ids=[row.pk])  # too early: the backoff holds it
    assert provider.phones() == []
    OutboxMessage.objects.filter(pk=row.pk).update(send_after=timezone.now())
    services.outbox_send(outbox_ids=[row.pk])
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (Status.SENT, 2, "")
    assert provider.phones() == [row.phone]


def test_a_permanent_error_fails_the_row_at_once_with_the_reason(transactional_db, provider):
    [row] = queued_rows(1)
    provider.answer_next(code="isv.SMS_TEMPLATE_ILLEGAL")
    services.outbox_send(outbox_ids=[row.pk])
    row.refresh_from_db()
    assert row.status == Status.FAILED
    assert row.attempts == 1
    assert "isv.SMS_TEMPLATE_ILLEGAL" in row.last_error


def test_transient_errors_fail_the_row_after_the_last_attempt(transactional_db, provider, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    [row] = queued_rows(1)
    provider.answer_next(count=2, code="Throttling.User")
    services.outbox_send(outbox_ids=[row.pk])
    OutboxMessage.objects.filter(pk=row.pk).update(send_after=timezone.now())
    services.outbox_send(outbox_ids=[row.pk])
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.FAILED, 2)
    assert "Throttling.User" in row.last_error


def test_one_bad_number_in_a_batch_does_not_stop_the_others(transactional_db, provider):
    rows = queued_rows(3)
    provider.answer_next(code="isv.MOBILE_NUMBER_ILLEGAL")
    services.outbox_send(outbox_ids=[row.pk for row in rows])
    assert sorted(provider.phones()) == sorted(row.phone for row in rows)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


def claim_and_abandon(rows, *, reach_provider):
    """What a worker killed mid-send leaves behind: rows in `sending`, sent or not, long ago."""
    [call] = sending._claim([row.pk for row in rows])
    if reach_provider:
        sms_gateway().send(
            phones=[phone for _id, phone in call.rows],
            template=call.template,
            params=call.params,
            text=call.text,
            out_id=call.out_id,
        )
    OutboxMessage.objects.update(claimed_at=timezone.now() - timedelta(hours=1))


def test_a_stuck_row_the_provider_received_is_marked_sent_without_sending_it_again(transactional_db, provider):
    rows = queued_rows(2)
    claim_and_abandon(rows, reach_provider=True)
    assert services.outbox_dispatch()["unknown"] == 2
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.UNKNOWN}
    assert services.outbox_reconcile()["sent"] == 2
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}
    assert len(provider.phones()) == 2


def test_a_stuck_row_the_provider_never_received_is_sent_again(celery_worker, provider, wait_until):
    rows = queued_rows(2)
    claim_and_abandon(rows, reach_provider=False)
    services.outbox_dispatch()
    # Claimed an hour ago: long past the provider's reporting delay, so "not found" means never received.
    assert services.outbox_reconcile()["sent-again"] == 2
    wait_until(lambda: OutboxMessage.objects.filter(status=Status.SENT).count() == 2, message="the re-sent rows")
    assert sorted(provider.phones()) == sorted(row.phone for row in rows)


def test_a_row_still_being_sent_is_left_alone_by_the_dispatch(transactional_db, provider):
    rows = queued_rows(1)
    sending._claim([rows[0].pk])
    assert services.outbox_dispatch() == {"unknown": 0, "enqueued": 0, "fan_outs": 0}
    assert OutboxMessage.objects.get().status == Status.SENDING


def test_queued_rows_whose_task_was_lost_are_enqueued_again(celery_worker, provider, wait_until):
    # Rows written without a task, as after a broker that lost its queue: only the dispatch can find them.
    rows = OutboxMessageFactory.create_batch(3, enqueued_at=timezone.now() - timedelta(hours=1))
    assert services.outbox_dispatch()["enqueued"] == 3
    wait_until(lambda: OutboxMessage.objects.filter(status=Status.SENT).count() == 3, message="the lost rows")
    assert sorted(provider.phones()) == sorted(row.phone for row in rows)


def test_the_rate_limit_holds_across_two_workers(transactional_db, provider, settings):
    settings.NOTIFICATIONS_SMS_RATE_LIMIT = 40
    rows = queued_rows(160)
    halves = [[row.pk for row in rows[:80]], [row.pk for row in rows[80:]]]
    in_threads(2, lambda: services.outbox_send(outbox_ids=halves.pop()))
    assert len(provider.phones()) == 160
    assert provider.most_in_any_second() <= 40
    assert max(numbers for _time, numbers in provider.calls) <= 40


def test_a_push_due_just_before_the_quiet_hours_is_held_when_its_task_runs_inside_them(
    transactional_db, provider, quiet_hours, settings
):
    row = OutboxMessageFactory(template="job_push", kind="marketing", params={"count": "1", "jobs": "b"})
    services.outbox_send(outbox_ids=[row.pk])
    row.refresh_from_db()
    assert provider.phones() == []
    assert row.status == Status.QUEUED
    assert row.send_after > timezone.now()
    assert row.send_after.astimezone(CHINA).hour == settings.NOTIFICATIONS_QUIET_HOURS_END


def test_only_one_reconciliation_runs_at_a_time(transactional_db, provider):
    rows = queued_rows(1)
    claim_and_abandon(rows, reach_provider=True)
    services.outbox_dispatch()
    cache.add(services.RECONCILE_LOCK, "running")  # another worker's reconciliation is under way
    try:
        assert services.outbox_reconcile()["skipped"] is True
        assert OutboxMessage.objects.get().status == Status.UNKNOWN
    finally:
        cache.delete(services.RECONCILE_LOCK)
    assert services.outbox_reconcile()["sent"] == 1


def test_the_daily_cap_holds_when_two_pushes_to_the_same_person_are_written_at_the_same_moment(
    transactional_db, settings
):
    settings.NOTIFICATIONS_DAILY_CAP = 1
    seeker = JobSeekerFactory()
    job = {"count": "1", "jobs": "电子厂普工 4500元"}

    def push_and_hold_the_transaction_open():
        with transaction.atomic():
            services.notify(recipients=[seeker], template="job_push", context=job, channels=["sms"])
            time.sleep(0.5)  # both writers are inside their transaction together: the race, if there is one

    in_threads(2, push_and_hold_the_transaction_open)

    statuses = sorted(OutboxMessage.objects.filter(recipient=seeker).values_list("status", flat=True))
    assert statuses == [Status.CANCELLED, Status.QUEUED]
    assert OutboxMessage.objects.get(status=Status.CANCELLED).last_error == services.DAILY_CAP_REASON
