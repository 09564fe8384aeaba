"""One booking followed by its request id: the API call, the outbox row it wrote, the Celery task that sent it and
the provider's answer all name the same request (docs/operations.md, "Tracing a booking")."""

import logging

import pytest
from celery import shared_task
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from core.notifications import services
from core.notifications.gateways import sms_gateway
from core.notifications.models import Channel, OutboxMessage, Status
from core.notifications.services import sending
from core.observability.log_context import RequestIdLogFilter
from core.observability.request_id import current_request_id, request_id_bound
from tests.core.notifications.test_sending import queued_rows
from tests.factories import TripFactory, WorkerFactory

REQUEST_ID = "booking-trace-0001"


@shared_task
def remember_request_id(key):
    cache.set(key, current_request_id(), timeout=60)


@pytest.fixture
def request_ids_in_caplog(caplog):
    """The log filter of settings.LOGGING on pytest's capture too, so records show the id they were written with."""
    caplog.handler.addFilter(RequestIdLogFilter())
    caplog.set_level(logging.INFO)
    return caplog


def test_a_task_published_while_serving_a_request_runs_with_that_requests_id(celery_worker, wait_until):
    cache.delete("traced-task")
    with request_id_bound(REQUEST_ID):
        remember_request_id.apply_async(args=["traced-task"], queue="notifications")

    wait_until(lambda: cache.get("traced-task") is not None, message="the task")
    assert cache.get("traced-task") == REQUEST_ID
    assert current_request_id() == ""


def test_one_booking_is_followed_from_the_api_call_to_the_providers_answer(
    celery_worker, provider, wait_until, regions, settings, request_ids_in_caplog
):
    settings.ALIYUN_SMS_TEMPLATE_CODES = {**settings.ALIYUN_SMS_TEMPLATE_CODES, "trip_booking_confirmed": "SMS_100006"}
    trip = TripFactory()
    worker = WorkerFactory(home_region=regions.get(code="430181102201"))
    api = APIClient()
    api.force_authenticate(worker.user)

    response = api.post(f"/api/v1/trips/{trip.pk}/bookings/", {}, format="json", HTTP_X_REQUEST_ID=REQUEST_ID)

    assert response.status_code == 201
    assert response["X-Request-ID"] == REQUEST_ID
    sms = OutboxMessage.objects.get(recipient=worker.user, channel=Channel.SMS)
    inbox = OutboxMessage.objects.get(recipient=worker.user, channel=Channel.INBOX)
    assert (sms.request_id, inbox.request_id) == (REQUEST_ID, REQUEST_ID)
    # The booking statement leaves its SMS to the dispatch (beat's, every two seconds), which hands it to a worker.
    services.outbox_dispatch()

    def answers():
        return [record for record in request_ids_in_caplog.records if "the provider took" in record.getMessage()]

    # The worker logs the provider's answer just after it commits the row as sent.
    wait_until(answers, message="the provider's answer in the worker's log")
    sms.refresh_from_db()
    assert sms.status == Status.SENT
    assert provider.phones() == [worker.user.phone]
    [answer] = answers()
    assert answer.request_id == REQUEST_ID
    assert sms.provider_out_id in answer.getMessage()
    assert sms.provider_message_id in answer.getMessage()
    requests = [record for record in request_ids_in_caplog.records if record.name == "chunfeng.requests"]
    assert [(record.request_id, record.status) for record in requests] == [(REQUEST_ID, 201)]


def test_a_call_that_lost_rows_to_the_dispatch_still_logs_as_the_request_that_wrote_them(
    transactional_db, provider, request_ids_in_caplog
):
    """Between the claim and the call the dispatch may take a row (marked `unknown`); the call goes on with the
    others, and still as part of the request that wrote them."""
    with request_id_bound("lost-row-trace-0001"):
        rows = queued_rows(2)
    [call] = sending._claim([row.pk for row in rows])
    OutboxMessage.objects.filter(pk=rows[0].pk).update(status=Status.UNKNOWN, reconcile_after=timezone.now())

    sending._send_call(sms_gateway(), call)

    answers = [record for record in request_ids_in_caplog.records if "the provider took" in record.getMessage()]
    assert [record.request_id for record in answers] == ["lost-row-trace-0001"]
    assert provider.phones() == [rows[1].phone]
