"""A sign-in code's text stays in the outbox only until it is sent (issue 13 point 10)."""

import pytest

from core.accounts.services import sign_in_code_send
from core.notifications import services
from core.notifications.gateways import sms_gateway
from core.notifications.models import OutboxMessage, Status
from tests.factories import JobSeekerFactory

pytestmark = pytest.mark.django_db


def test_a_sign_in_codes_text_is_blanked_once_the_provider_took_it(provider):
    sign_in_code_send(phone="13900003001")
    row = OutboxMessage.objects.get(template="sign_in_code", phone="13900003001")
    code = row.params["code"]

    services.outbox_send(outbox_ids=[row.pk])

    row.refresh_from_db()
    assert row.status == Status.SENT
    assert row.params == {}
    assert code not in row.text
    assert provider.received  # the provider did get the code


def test_a_code_that_could_not_be_sent_yet_keeps_its_text_for_the_retry(provider):
    provider.answer_next(code="isp.SYSTEM_ERROR")
    sign_in_code_send(phone="13900003002")
    row = OutboxMessage.objects.get(template="sign_in_code", phone="13900003002")

    services.outbox_send(outbox_ids=[row.pk])

    row.refresh_from_db()
    assert row.status == Status.QUEUED
    assert row.params["code"] in row.text


def test_other_messages_keep_their_text_after_sending(provider):
    seeker = JobSeekerFactory()
    context = {"trip": "湘A12345", "departure": "2月10日8:00", "time": "2月10日7:30", "place": "洋溪镇政府"}
    [row] = services.notify(recipients=[seeker], template="trip_departure", context=context, channels=["sms"])

    services.outbox_send(outbox_ids=[row.pk])

    row.refresh_from_db()
    assert row.status == Status.SENT
    assert "洋溪镇政府" in row.text


def test_the_console_gateway_keeps_what_it_sent_for_development_and_the_browser_tests(settings):
    settings.NOTIFICATIONS_SMS_GATEWAY = "console"
    sign_in_code_send(phone="13900003003")
    row = OutboxMessage.objects.get(template="sign_in_code", phone="13900003003")
    code = row.params["code"]

    services.outbox_send(outbox_ids=[row.pk])

    assert sms_gateway().last_params(phone="13900003003", template="sign_in_code") == {"code": code}
    row.refresh_from_db()
    assert row.params == {}
