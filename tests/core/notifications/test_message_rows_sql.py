"""`message_rows_sql`: the rows `notify` writes for one critical message, as SQL a caller runs in its own statement."""

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
    return {
        row.channel: row
        for row in OutboxMessage.objects.filter(recipient=user).only("channel", "status", "text", "params", "phone")
    }


def _fields(row):
    return (row.status, row.phone, row.text, row.params, row.last_error)


def test_it_writes_the_same_rows_as_notify_for_one_critical_message():
    by_sql, by_notify = JobSeekerFactory(), JobSeekerFactory()

    _write(user=by_sql, template="trip_departure", context=TRIP)
    notify(recipients=[by_notify], template="trip_departure", context=TRIP, channels=[Channel.SMS, Channel.INBOX])

    written, expected = _rows(by_sql), _rows(by_notify)
    assert written.keys() == expected.keys() == {Channel.SMS, Channel.INBOX}
    assert _fields(written[Channel.INBOX])[0::2] == _fields(expected[Channel.INBOX])[0::2]
    assert _fields(written[Channel.SMS])[2:] == _fields(expected[Channel.SMS])[2:]
    assert written[Channel.SMS].phone == by_sql.phone
    # Left for the outbox sweep rather than published by the caller.
    assert (written[Channel.SMS].status, written[Channel.SMS].enqueued_at) == (Status.QUEUED, None)


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
