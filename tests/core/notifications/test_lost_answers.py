"""Calls whose answer is lost, against the local provider misbehaving like a real network: each SMS exactly once.

The provider has no idempotency of its own, so a call that may have gone out is settled by asking it
(QuerySendDetails by phone, day and our OutId), never by sending again blind.
"""

import socket
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from urllib3.connection import HTTPConnection
from urllib3.exceptions import ConnectTimeoutError

from core.notifications import services
from core.notifications.fake_provider import ACCEPT_THEN_STALL, DROP_AFTER_READ, DROP_BEFORE_ACCEPTING
from core.notifications.models import OutboxMessage, Status
from tests.core.notifications.test_sending import TRIP, queued_rows
from tests.factories import JobSeekerFactory


@pytest.fixture
def impatient(settings):
    """A gateway that gives up on an answer after half a second."""
    settings.ALIYUN_SMS_TIMEOUT_SECONDS = 0.5


def statuses():
    return set(OutboxMessage.objects.values_list("status", flat=True))


@pytest.mark.parametrize("fault", [ACCEPT_THEN_STALL, DROP_AFTER_READ])
def test_a_call_the_provider_took_but_whose_answer_was_lost_is_settled_as_sent_and_never_sent_twice(
    transactional_db, provider, impatient, fault
):
    provider.stall_seconds = 2
    rows = queued_rows(12)
    provider.fail_next(fault)

    services.outbox_send(outbox_ids=[row.pk for row in rows])

    assert statuses() == {Status.UNKNOWN}
    assert "服务商未应答" in OutboxMessage.objects.first().last_error
    # What sent the SMS twice before: the sweep and another send find nothing to send again.
    services.outbox_dispatch()
    services.outbox_send(outbox_ids=[row.pk for row in rows])
    assert services.outbox_reconcile()["sent"] == 12
    assert statuses() == {Status.SENT}
    assert sorted(provider.phones()) == sorted(row.phone for row in rows)
    assert provider.duplicates() == {}


def test_a_call_the_provider_never_took_is_sent_again_once_only_after_the_reporting_delay(
    transactional_db, provider, impatient, settings
):
    settings.NOTIFICATIONS_PROVIDER_REPORT_DELAY_SECONDS = 60
    rows = queued_rows(3)
    provider.fail_next(DROP_BEFORE_ACCEPTING)
    services.outbox_send(outbox_ids=[row.pk for row in rows])
    assert statuses() == {Status.UNKNOWN}

    # Not listed yet, but it might be soon: asked again when the provider would certainly list it.
    assert services.outbox_reconcile()["waiting"] == 3
    row = OutboxMessage.objects.first()
    assert row.status == Status.UNKNOWN
    assert row.reconcile_after >= row.claimed_at + timedelta(seconds=59)
    assert services.outbox_reconcile()["asked"] == 0

    OutboxMessage.objects.update(claimed_at=timezone.now() - timedelta(minutes=2), reconcile_after=timezone.now())
    assert services.outbox_reconcile()["sent-again"] == 3
    assert statuses() == {Status.QUEUED}
    services.outbox_send(outbox_ids=[row.pk for row in rows])
    assert statuses() == {Status.SENT}
    assert sorted(provider.phones()) == sorted(row.phone for row in rows)
    assert OutboxMessage.objects.first().attempts == 2


@pytest.fixture
def black_hole():
    """An address whose connections are never accepted: a listener whose one-place queue is already full, so the
    kernel drops the next handshake and the client's connect times out (nothing is ever written)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(listener.getsockname())
        fillers.append(filler)
    time.sleep(0.1)
    host, port = listener.getsockname()
    yield f"http://{host}:{port}/"
    for sock in [*fillers, listener]:
        sock.close()


def test_a_connect_timeout_sends_nothing_so_it_is_tried_again_at_once_and_then_queued(
    transactional_db, provider, black_hole, settings
):
    settings.ALIYUN_SMS_ENDPOINT = black_hole
    settings.NOTIFICATIONS_SMS_CONNECT_TIMEOUT_SECONDS = 0.3
    [row] = queued_rows(1)

    started = time.monotonic()
    services.outbox_send(outbox_ids=[row.pk])

    # Two connects (the first, and the one tried again at once), neither of which wrote a byte.
    assert time.monotonic() - started >= 0.6
    row.refresh_from_db()
    assert (row.status, row.error_code, row.attempts) == (Status.QUEUED, "connect", 1)
    settings.ALIYUN_SMS_ENDPOINT = provider.url
    OutboxMessage.objects.filter(pk=row.pk).update(send_after=timezone.now())
    services.outbox_send(outbox_ids=[row.pk])
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert provider.phones() == [row.phone]


class Connects(list):
    """Every connection the gateway opens, by port; the first `refused` of them fail to open (the network's fault:
    nothing was written), as a connect timeout does."""

    refused = 0


@pytest.fixture
def connects(monkeypatch):
    opened = Connects()
    open_connection = HTTPConnection._new_conn

    def counted(connection):
        opened.append(connection.port)
        if len(opened) <= opened.refused:
            raise ConnectTimeoutError(connection, "connect timed out (the network's fault, in this test)")
        return open_connection(connection)

    monkeypatch.setattr(HTTPConnection, "_new_conn", counted)
    return opened


def test_a_connection_that_never_opened_is_tried_again_at_once_and_the_sms_goes_once_in_the_same_run(
    transactional_db, provider, connects
):
    connects.refused = 1
    [row] = queued_rows(1)

    services.outbox_send(outbox_ids=[row.pk])

    # Counted, not timed: a second connection at once, and the provider got the number once, on the first attempt.
    assert connects == [provider.server.server_address[1]] * 2
    row.refresh_from_db()
    assert (row.status, row.attempts, row.error_code) == (Status.SENT, 1, "")
    assert provider.phones() == [row.phone]
    assert len(provider.calls) == 1


def test_an_answer_lost_after_the_request_was_written_is_not_tried_again_at_once(
    transactional_db, provider, connects, impatient
):
    [row] = queued_rows(1)
    provider.fail_next(DROP_AFTER_READ)

    services.outbox_send(outbox_ids=[row.pk])

    assert len(connects) == 1
    row.refresh_from_db()
    assert (row.status, row.error_code) == (Status.UNKNOWN, "no-answer")
    assert provider.phones() == [row.phone]


def test_reconciliation_commits_batch_by_batch_stops_at_its_budget_and_resumes_where_it_stopped(
    transactional_db, provider, impatient, settings
):
    settings.NOTIFICATIONS_RECONCILE_BATCH_SIZE = 4
    settings.NOTIFICATIONS_RECONCILE_CONCURRENCY = 2
    settings.NOTIFICATIONS_RECONCILE_SECONDS = 1
    provider.stall_seconds = 1
    rows = queued_rows(40)
    provider.fail_next(DROP_AFTER_READ)
    services.outbox_send(outbox_ids=[row.pk for row in rows])
    provider.query_delay_seconds = 0.2  # a slow QuerySendDetails: 0.4 s a batch of four, two at a time

    started = time.monotonic()
    first = services.outbox_reconcile()
    assert time.monotonic() - started < 2
    assert 4 <= first["sent"] < 40
    assert OutboxMessage.objects.filter(status=Status.SENT).count() == first["sent"]

    second = services.outbox_reconcile()
    assert second["sent"] >= 4
    # Resumed, not started over: every question asked once, each settled row asked about once.
    assert provider.queries == first["asked"] + second["asked"]
    assert OutboxMessage.objects.filter(status=Status.SENT).count() == first["sent"] + second["sent"]
    assert provider.duplicates() == {}


def test_a_booking_sms_leaves_while_a_slow_reconciliation_works_through_its_backlog(
    celery_worker, provider, impatient, settings, wait_until
):
    settings.NOTIFICATIONS_RECONCILE_BATCH_SIZE = 5
    settings.NOTIFICATIONS_RECONCILE_CONCURRENCY = 1
    settings.NOTIFICATIONS_RECONCILE_SECONDS = 30
    backlog = queued_rows(60)
    provider.fail_next(DROP_AFTER_READ)
    services.outbox_send(outbox_ids=[row.pk for row in backlog])
    provider.query_delay_seconds = 0.2
    reconciling = threading.Thread(target=services.outbox_reconcile)
    reconciling.start()
    try:
        seeker = JobSeekerFactory()
        with transaction.atomic():
            # Written by SQL, as the seat booking writes its messages, with no task of its own.
            sql, params = services.message_rows_sql(user=seeker, template="trip_departure", context=TRIP)
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
        written = time.monotonic()
        assert services.outbox_dispatch()["enqueued"] == 1
        wait_until(lambda: seeker.phone in provider.phones(), timeout=5, message="the booking SMS")
        assert time.monotonic() - written < 5
        assert reconciling.is_alive(), "the reconciliation was still asking about its backlog"
    finally:
        reconciling.join()
    assert provider.duplicates() == {}


def test_a_sign_in_code_is_never_sent_after_its_life(transactional_db, provider):
    seeker = JobSeekerFactory()
    [row] = services.notify(recipients=[seeker], template="sign_in_code", context={"code": "135790"}, channels=["sms"])
    assert row.expires_at == row.send_after + timedelta(seconds=300)
    OutboxMessage.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    services.outbox_send(outbox_ids=[row.pk])

    row.refresh_from_db()
    assert (row.status, row.last_error) == (Status.CANCELLED, services.EXPIRED_REASON)
    assert provider.phones() == []


def test_a_sign_in_code_whose_retry_would_come_after_its_life_is_not_retried(transactional_db, provider, settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 400  # the code lives 300 s
    seeker = JobSeekerFactory()
    [row] = services.notify(recipients=[seeker], template="sign_in_code", context={"code": "135790"}, channels=["sms"])
    provider.answer_next(status=500, code="isp.SYSTEM_ERROR")

    services.outbox_send(outbox_ids=[row.pk])

    row.refresh_from_db()
    assert (row.status, row.last_error) == (Status.CANCELLED, services.EXPIRED_REASON)
    assert provider.phones() == []


def test_a_sign_in_code_the_provider_never_took_is_not_sent_again_once_expired(transactional_db, provider, impatient):
    seeker = JobSeekerFactory()
    [row] = services.notify(recipients=[seeker], template="sign_in_code", context={"code": "135790"}, channels=["sms"])
    provider.fail_next(DROP_BEFORE_ACCEPTING)
    services.outbox_send(outbox_ids=[row.pk])
    OutboxMessage.objects.filter(pk=row.pk).update(
        claimed_at=timezone.now() - timedelta(minutes=10), expires_at=timezone.now() - timedelta(minutes=5)
    )

    services.outbox_reconcile()

    row.refresh_from_db()
    assert (row.status, row.last_error) == (Status.CANCELLED, services.EXPIRED_REASON)
    assert provider.phones() == []
