"""The request id: taken from X-Request-ID when well-formed, made otherwise, answered back, and on every log line."""

import io
import json
import logging
import re

import pytest
from django.conf import settings as django_settings
from django.db import connection
from pythonjsonlogger.json import JsonFormatter

from core.notifications.models import Channel, OutboxMessage
from core.notifications.services import message_rows_sql, notify
from core.observability.log_context import RequestIdLogFilter
from core.observability.request_id import current_request_id, request_id_bound
from core.observability.task_context import request_id_publish, request_id_release, request_id_resume
from tests.core.notifications.test_sending import TRIP
from tests.factories import JobSeekerFactory

pytestmark = pytest.mark.django_db


def test_an_answer_carries_back_the_request_id_the_caller_sent(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a9c1e-0042")
    assert response["X-Request-ID"] == "lb-7f3a9c1e-0042"


@pytest.mark.parametrize(
    "sent",
    [
        "",
        "short",
        "has spaces in it",
        "x" * 65,
        "bad\nline-injection",
        "<script>1</script>",
        # A colon splits a log line's key from its value, and a header's name from its value.
        "trace:0001:forged",
        "trace-０００１-full-width",
        "trace-一二三四-cjk",
        "trace/../0001",
    ],
)
def test_a_missing_or_malformed_request_id_is_replaced_by_a_new_one(client, sent):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=sent)
    made = response["X-Request-ID"]
    assert made != sent
    assert re.fullmatch(r"[0-9a-f]{32}", made)


def test_two_requests_without_an_id_get_different_ones(client):
    assert client.get("/healthz")["X-Request-ID"] != client.get("/healthz")["X-Request-ID"]


def test_the_json_log_line_of_a_request_names_its_id_view_status_and_queries_but_not_its_path(client, regions):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    json_format = django_settings.LOGGING["formatters"]["json"]
    handler.setFormatter(JsonFormatter(json_format["fmt"], rename_fields=json_format["rename_fields"]))
    handler.addFilter(RequestIdLogFilter())
    requests_logger = logging.getLogger("chunfeng.requests")
    requests_logger.addHandler(handler)
    try:
        client.get("/api/v1/regions/?parent=43", HTTP_X_REQUEST_ID="trace-regions-0001")
    finally:
        requests_logger.removeHandler(handler)

    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["request_id"] == "trace-regions-0001"
    assert line["logger"] == "chunfeng.requests"
    assert line["status"] == 200
    assert line["db_queries"] >= 1
    assert line["view"].startswith("api:")
    assert "parent=43" not in line["message"]


def test_outbox_rows_written_by_notify_or_by_sql_carry_the_request_id_they_were_written_under():
    by_notify, by_sql = JobSeekerFactory(), JobSeekerFactory()
    with request_id_bound("trace-outbox-0001"):
        notify(recipients=[by_notify], template="trip_departure", context=TRIP, channels=[Channel.SMS, Channel.INBOX])
        statement, params = message_rows_sql(user=by_sql, template="trip_departure", context=TRIP)
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
    notify(recipients=[by_notify], template="trip_departure", context=TRIP, channels=[Channel.INBOX])

    traced = OutboxMessage.objects.filter(request_id="trace-outbox-0001")
    assert sorted(traced.values_list("recipient_id", "channel")) == sorted(
        [(by_notify.pk, "inbox"), (by_notify.pk, "sms"), (by_sql.pk, "inbox"), (by_sql.pk, "sms")]
    )
    assert OutboxMessage.objects.filter(request_id="").count() == 1


class _Task:
    def __init__(self, **request):
        self.request = type("Request", (), request)()


def test_an_eager_task_keeps_the_callers_request_id_and_leaves_it_in_place():
    with request_id_bound("trace-eager-0001") as outer:
        request_id_resume(task_id="t1", task=_Task())
        assert current_request_id() == outer
        request_id_release(task_id="t1")
        assert current_request_id() == outer


def test_a_published_task_carries_the_id_in_its_headers_only_inside_a_request():
    headers = {}
    request_id_publish(headers=headers)
    assert headers == {}
    with request_id_bound("trace-publish-0001"):
        request_id_publish(headers=headers)
    assert headers == {"request_id": "trace-publish-0001"}
