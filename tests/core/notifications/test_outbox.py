import re
from datetime import datetime, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from core.errors import ApplicationError
from core.notifications import selectors, services
from core.notifications.catalog import SMS_VARIABLE_LIMIT, UNSUBSCRIBE, message_template, registered_templates
from core.notifications.models import Channel, OutboxMessage, Status
from core.notifications.rules import CHINA, marketing_send_after
from tests.factories import JobSeekerFactory

pytestmark = pytest.mark.django_db

TRIP = {"trip": "湘A12345", "departure": "2月10日8:00", "time": "2月10日7:30", "place": "洋溪镇政府"}
JOB = {"count": 1, "jobs": "比亚迪普工6000元"}


def test_notify_writes_one_row_per_recipient_and_channel_with_the_rendered_text():
    seekers = JobSeekerFactory.create_batch(2)
    rows = services.notify(recipients=seekers, template="trip_departure", context=TRIP, channels=["sms", "inbox"])
    assert len(rows) == 4
    assert OutboxMessage.objects.count() == 4
    sms = OutboxMessage.objects.filter(channel=Channel.SMS, recipient=seekers[0]).get()
    assert sms.text == "您预约的返岗专车湘A12345将于2月10日8:00发车，请于2月10日7:30到洋溪镇政府集合，携带身份证。"
    assert sms.params == TRIP
    assert sms.phone == seekers[0].phone
    assert sms.status == Status.QUEUED
    assert OutboxMessage.objects.get(channel=Channel.INBOX, recipient=seekers[0]).status == Status.SENT


def test_outbox_rows_roll_back_with_the_business_change():
    seeker = JobSeekerFactory()

    @transaction.atomic
    def rename_and_notify_then_fail():
        seeker.first_name = "改过的名字"
        seeker.save()
        services.notify(recipients=[seeker], template="trip_departure", context=TRIP, channels=["sms", "inbox"])
        raise RuntimeError("the business change fails")

    with pytest.raises(RuntimeError):
        rename_and_notify_then_fail()
    seeker.refresh_from_db()
    assert seeker.first_name != "改过的名字"
    assert not OutboxMessage.objects.exists()


def test_recipients_without_a_phone_get_only_the_inbox_message():
    seeker = JobSeekerFactory(phone=None)
    rows = services.notify(recipients=[seeker], template="trip_departure", context=TRIP, channels=["sms", "inbox"])
    assert [row.channel for row in rows] == [Channel.INBOX]


def test_notify_refuses_an_unknown_channel_and_writes_nothing():
    with pytest.raises(ApplicationError, match="请选择发送渠道"):
        services.notify(recipients=[JobSeekerFactory()], template="trip_departure", context=TRIP, channels=["fax"])
    assert not OutboxMessage.objects.exists()


def test_opted_out_users_get_no_sms_but_still_get_inbox_messages():
    seeker = JobSeekerFactory()
    services.notification_preference_set(user=seeker, sms_enabled=False)
    services.notify(recipients=[seeker], template="job_push", context=JOB, channels=["sms", "inbox"])
    sms = OutboxMessage.objects.get(channel=Channel.SMS)
    assert sms.status == Status.CANCELLED
    assert sms.last_error == services.OPTED_OUT_REASON
    assert selectors.inbox_unread_count(user=seeker) == 1


def test_opting_out_cancels_the_pushes_already_waiting_but_not_a_sign_in_code():
    seeker = JobSeekerFactory()
    services.notify(recipients=[seeker], template="job_push", context=JOB, channels=["sms"])
    services.notify(recipients=[seeker], template="sign_in_code", context={"code": "135790"}, channels=["sms"])
    services.notification_preference_set(user=seeker, sms_enabled=False)
    statuses = dict(OutboxMessage.objects.values_list("template", "status"))
    assert statuses == {"job_push": Status.CANCELLED, "sign_in_code": Status.QUEUED}


def test_sign_in_codes_still_reach_a_user_who_turned_sms_off():
    seeker = JobSeekerFactory()
    services.notification_preference_set(user=seeker, sms_enabled=False)
    [row] = services.notify(recipients=[seeker], template="sign_in_code", context={"code": "135790"}, channels=["sms"])
    assert row.status == Status.QUEUED


def test_marketing_sms_written_in_the_quiet_hours_wait_for_the_morning(quiet_hours, settings):
    seeker = JobSeekerFactory()
    [row] = services.notify(recipients=[seeker], template="job_push", context=JOB, channels=["sms"])
    end = settings.NOTIFICATIONS_QUIET_HOURS_END
    assert row.send_after > timezone.now()
    assert row.send_after.astimezone(CHINA).hour == end
    assert row.send_after.astimezone(CHINA).minute == 0
    assert row.enqueued_at is None


def test_sign_in_codes_and_trip_reminders_go_at_once_in_the_quiet_hours(quiet_hours):
    seeker = JobSeekerFactory()
    rows = [
        *services.notify(recipients=[seeker], template="sign_in_code", context={"code": "1"}, channels=["sms"]),
        *services.notify(recipients=[seeker], template="trip_departure", context=TRIP, channels=["sms"]),
    ]
    assert all(row.send_after <= timezone.now() and row.enqueued_at for row in rows)


@pytest.mark.parametrize(
    ("local_time", "expected"),
    [
        (datetime(2026, 2, 10, 21, 59, tzinfo=CHINA), datetime(2026, 2, 10, 21, 59, tzinfo=CHINA)),
        (datetime(2026, 2, 10, 22, 0, tzinfo=CHINA), datetime(2026, 2, 11, 8, 0, tzinfo=CHINA)),
        (datetime(2026, 2, 11, 3, 30, tzinfo=CHINA), datetime(2026, 2, 11, 8, 0, tzinfo=CHINA)),
        (datetime(2026, 2, 11, 8, 0, tzinfo=CHINA), datetime(2026, 2, 11, 8, 0, tzinfo=CHINA)),
    ],
)
def test_the_quiet_hours_run_from_ten_at_night_to_eight_in_the_morning_china_time(local_time, expected):
    assert marketing_send_after(local_time) == expected


def test_notify_each_writes_each_recipient_their_own_text_under_the_same_rules(settings):
    settings.NOTIFICATIONS_DAILY_CAP = 1
    capped, fresh = JobSeekerFactory.create_batch(2)
    services.notify(recipients=[capped], template="job_push", context=JOB, channels=["sms"])
    rows = services.notify_each(
        messages=[(capped, {**JOB, "jobs": "保洁3000元"}), (fresh, {**JOB, "jobs": "厨师5000元"})],
        template="job_push",
        channels=["sms", "inbox"],
    )
    by_recipient = {(row.recipient_id, row.channel): row for row in rows}
    assert "厨师5000元" in by_recipient[(fresh.pk, "sms")].text
    assert by_recipient[(fresh.pk, "sms")].params["jobs"] == "厨师5000元"
    assert "保洁3000元" in by_recipient[(capped.pk, "inbox")].text
    assert by_recipient[(capped.pk, "sms")].status == Status.CANCELLED
    assert by_recipient[(fresh.pk, "sms")].status != Status.CANCELLED


def test_marketing_sms_outside_the_quiet_hours_go_at_once(daytime):
    [row] = services.notify(recipients=[JobSeekerFactory()], template="job_push", context=JOB, channels=["sms"])
    assert row.send_after <= timezone.now()
    assert row.enqueued_at is not None


def test_job_pushes_beyond_the_daily_cap_are_not_sent(settings):
    settings.NOTIFICATIONS_DAILY_CAP = 2
    seeker, other = JobSeekerFactory.create_batch(2)
    services.notify(recipients=[seeker], template="job_push", context=JOB, channels=["sms"])
    services.notify(recipients=[seeker], template="job_push", context=JOB, channels=["sms"])
    [over] = services.notify(recipients=[seeker, other], template="job_push", context=JOB, channels=["sms"])[:1]
    assert over.status == Status.CANCELLED
    assert over.last_error == services.DAILY_CAP_REASON
    assert OutboxMessage.objects.get(recipient=other).status == Status.QUEUED
    # Critical messages are not pushes and never count.
    [code] = services.notify(recipients=[seeker], template="sign_in_code", context={"code": "1"}, channels=["sms"])
    assert code.status == Status.QUEUED


def test_marking_the_inbox_read_clears_the_unread_count_of_that_user_only():
    seeker, other = JobSeekerFactory.create_batch(2)
    services.notify(recipients=[seeker, other], template="trip_departure", context=TRIP, channels=["inbox"])
    assert services.inbox_mark_read(user=seeker) == 1
    assert selectors.inbox_unread_count(user=seeker) == 0
    assert selectors.inbox_unread_count(user=other) == 1


def test_the_database_refuses_an_sms_row_without_a_valid_phone():
    from django.db import IntegrityError

    seeker = JobSeekerFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.create(
            recipient=seeker,
            channel=Channel.SMS,
            phone="12345",
            template="sign_in_code",
            kind="critical",
            text="x",
            idempotency_key="k",
            send_after=timezone.now() - timedelta(seconds=1),
        )


def test_an_sms_variable_longer_than_the_provider_allows_is_refused_and_nothing_is_written():
    seeker = JobSeekerFactory()
    with pytest.raises(ApplicationError, match="变量过长（通知内容），每项最多 35 字"):
        services.notify(recipients=[seeker], template="announcement", context={"content": "长" * 36}, channels=["sms"])
    assert not OutboxMessage.objects.exists()
    # The inbox is ours: no provider reviews it, so an owner's long list of candidates still goes there.
    [row] = services.notify(
        recipients=[seeker], template="announcement", context={"content": "长" * 36}, channels=["inbox"]
    )
    assert row.text == f"春风就业服务通知：{'长' * 36}（咨询请联系当地人社部门）"


def test_every_apps_template_is_one_the_provider_would_approve():
    """Every registered template of every app that may go out as an SMS (core's, the ledger's, the trips', the nightly
    push's): fixed wording around bounded variables, no link in a variable, no variable name the provider forbids."""
    templates = {template.key: template for template in registered_templates() if not template.inbox_only}
    assert {"sign_in_code", "worker_registered_by_staff", "trip_departure", "trip_offer_signed", "job_push"} <= set(
        templates
    )
    for template in templates.values():
        fixed_text = re.sub(r"\$\{\w+\}", "", template.text)
        assert len(fixed_text) >= 10, template.key
        assert not {"link", "links", "url"} & set(template.variables), template.key
        assert not {"email", "mobile", "id", "nick", "site"} & set(template.variables), template.key
        assert set(template.variable_limits) == set(template.variables), template.key
        assert max(template.variable_limits.values()) <= SMS_VARIABLE_LIMIT, template.key
    # Promotional SMS say how to refuse more of them.
    assert templates["job_push"].text.endswith(UNSUBSCRIBE)
    assert templates["job_fair"].text.endswith(UNSUBSCRIBE)


def test_an_inbox_only_message_is_refused_as_an_sms_and_nothing_is_written():
    recipient = JobSeekerFactory()
    context = {"region": "长沙市", "week": "2026-02-02—02-08", "link": "https://example.org/console/stats/weekly/"}
    with pytest.raises(ApplicationError, match="只能作为站内信发送"):
        services.notify(recipients=[recipient], template="weekly_report", context=context, channels=["sms", "inbox"])
    assert not OutboxMessage.objects.exists()


def test_the_two_hour_reminder_says_the_departure_and_the_meeting_apart():
    text = message_template("trip_departure").render(
        {"trip": "湘A12345", "departure": "2月10日8:00", "time": "2月10日7:30", "place": "洋溪镇政府"}
    )
    assert text == "您预约的返岗专车湘A12345将于2月10日8:00发车，请于2月10日7:30到洋溪镇政府集合，携带身份证。"
