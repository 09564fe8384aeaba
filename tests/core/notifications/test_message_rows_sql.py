"""`message_rows_sql`: the rows `notify` writes for one critical message, as SQL a caller runs in its own statement."""

from datetime import timedelta

import pytest
from django.db import connection

from core.errors import ApplicationError
from core.notifications.models import Channel, OutboxMessage, Status
from core.notifications.services import OPTED_OUT_REASON, message_rows_sql, notification_preference_set, notify
from tests.factories import JobSeekerFactory

pytestmark = pytest.mark.django_db

TRIP = {"trip": "湘A12345", "departure": "2月10日8:00", "time": "2月10日7:30", "place": "洋溪镇政府"}


def _write(**arguments):
    sql, params = message_rows_sql(**arguments)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _rows(user):
    return {row.channel: row for row in OutboxMessage.objects.filter(recipient=user)}


# The columns that differ between two writers by nature: the row, its person, the moment and the random key; and
# `enqueued_at`, since notify publishes its SMS itself while the SQL's are left to the dispatch. Every other column,
# a new one included, must come out the same from both writers.
_PER_ROW = {"id", "recipient", "phone", "idempotency_key", "created_at", "updated_at", "send_after", "sent_at"}
_COMPARED = [
    field.name
    for field in OutboxMessage._meta.concrete_fields
    if field.name not in _PER_ROW and field.name != "enqueued_at"
]


@pytest.mark.parametrize(
    ("template", "context", "sms_enabled"),
    [
        ("trip_departure", TRIP, True),
        ("trip_departure", TRIP, False),  # opted out: both cancel the SMS with the same reason
        ("worker_registered_by_staff", {"region": "大瑶镇", "staff": "李干事", "name": "王小明"}, False),
        ("sign_in_code", {"code": "123456"}, False),  # a life of its own, and it ignores the opt-out
    ],
)
def test_both_outbox_writers_produce_identical_rows(template, context, sms_enabled):
    by_sql, by_notify = JobSeekerFactory(), JobSeekerFactory()
    for user in (by_sql, by_notify):
        notification_preference_set(user=user, sms_enabled=sms_enabled)

    _write(user=by_sql, template=template, context=context)
    notify(recipients=[by_notify], template=template, context=context, channels=[Channel.SMS, Channel.INBOX])

    written, expected = _rows(by_sql), _rows(by_notify)
    assert written.keys() == expected.keys() == {Channel.SMS, Channel.INBOX}
    for channel in (Channel.SMS, Channel.INBOX):
        if written[channel].expires_at:  # a life measured from each writer's own moment
            assert abs(written[channel].expires_at - expected[channel].expires_at) < timedelta(seconds=5)
            written[channel].expires_at = expected[channel].expires_at
        assert {name: getattr(written[channel], name) for name in _COMPARED} == {
            name: getattr(expected[channel], name) for name in _COMPARED
        }, channel
        assert written[channel].phone == (by_sql.phone if channel == Channel.SMS else "")
    # Left for the outbox sweep rather than published by the caller.
    assert written[Channel.SMS].enqueued_at is None


def test_it_cancels_the_sms_of_a_user_who_turned_sms_off_and_makes_none_without_a_phone():
    opted_out, no_phone = JobSeekerFactory(), JobSeekerFactory(phone=None)
    notification_preference_set(user=opted_out, sms_enabled=False)

    _write(user=opted_out, template="trip_departure", context=TRIP)
    _write(user=no_phone, template="trip_departure", context=TRIP)

    sms = _rows(opted_out)[Channel.SMS]
    assert (sms.status, sms.last_error) == (Status.CANCELLED, OPTED_OUT_REASON)
    assert _rows(no_phone).keys() == {Channel.INBOX}


def test_a_message_that_ignores_the_opt_out_still_goes_to_a_user_who_turned_sms_off():
    user = JobSeekerFactory()
    notification_preference_set(user=user, sms_enabled=False)

    _write(user=user, template="sign_in_code", context={"code": "123456"})

    assert _rows(user)[Channel.SMS].status == Status.QUEUED


def test_variables_the_statement_knows_are_filled_in_by_the_statement_where_its_condition_holds():
    user = JobSeekerFactory()
    sql, params = message_rows_sql(
        user=user,
        template="trip_departure",
        context={"trip": "湘A12345", "departure": "2月10日8:00", "time": "2月10日7:30"},
        sql_context={"place": "source.place"},
        source="(VALUES ('洋溪镇政府', true), ('别处', false)) AS source (place, wanted)",
        condition="source.wanted",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)

    rows = _rows(user)
    assert len(rows) == 2
    for row in rows.values():
        assert "到洋溪镇政府集合" in row.text
        assert row.params == TRIP


def test_it_refuses_a_marketing_message_whose_rules_read_other_rows_first():
    with pytest.raises(ApplicationError):
        message_rows_sql(
            user=JobSeekerFactory(), template="job_fair", context={"date": "2月", "place": "县城", "detail": "。"}
        )
