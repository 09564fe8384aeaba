"""Delivery receipts: the carrier's final word on each SMS, asked for through QuerySendDetails or pushed by the
provider, so staff see 已送达 / 未送达 with the reason per person."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.notifications import services
from core.notifications.fake_provider import DROP_AFTER_READ
from core.notifications.models import Delivery, OutboxMessage, Status
from tests.core.notifications.test_sending import queued_rows


def test_the_reconciliation_fetches_each_sent_sms_receipt_delivered_or_not_with_the_carriers_code(
    transactional_db, provider, settings
):
    rows = queued_rows(3)
    provider.undelivered[rows[2].phone] = "MK:0001"
    services.outbox_send(outbox_ids=[row.pk for row in rows])
    sent = OutboxMessage.objects.get(pk=rows[0].pk)
    assert sent.reconcile_after == sent.sent_at + timedelta(seconds=settings.NOTIFICATIONS_RECEIPT_DELAY_SECONDS)
    assert services.outbox_reconcile()["asked"] == 0  # too early for a receipt

    OutboxMessage.objects.update(reconcile_after=timezone.now())
    outcome = services.outbox_reconcile()

    assert (outcome["delivered"], outcome["undelivered"]) == (2, 1)
    delivered, _, refused = OutboxMessage.objects.order_by("id")
    assert (delivered.delivery, delivered.delivery_explanation, delivered.reconcile_after) == (
        Delivery.DELIVERED,
        "已送达",
        None,
    )
    assert delivered.delivered_at is not None
    assert (refused.delivery, refused.delivery_explanation) == (Delivery.UNDELIVERED, "运营商未送达（MK:0001）")
    assert services.outbox_reconcile()["asked"] == 0  # nobody is asked about twice
    assert len(provider.phones()) == 3


def test_a_receipt_the_carrier_has_not_given_yet_is_asked_for_again_later_then_recorded(
    transactional_db, provider, settings
):
    [row] = queued_rows(1)
    provider.awaiting_receipt.add(row.phone)
    services.outbox_send(outbox_ids=[row.pk])
    OutboxMessage.objects.update(reconcile_after=timezone.now())

    assert services.outbox_reconcile()["no-receipt"] == 1  # listed, SendStatus 1: waiting for the carrier
    row.refresh_from_db()
    assert (row.status, row.delivery, row.delivered_at) == (Status.SENT, "", None)
    assert row.reconcile_after > timezone.now() + timedelta(seconds=settings.NOTIFICATIONS_RECEIPT_DELAY_SECONDS - 5)
    assert services.outbox_reconcile()["asked"] == 0  # not before then

    provider.awaiting_receipt.clear()
    OutboxMessage.objects.update(reconcile_after=timezone.now())
    assert services.outbox_reconcile()["delivered"] == 1
    row.refresh_from_db()
    assert (row.delivery, row.delivery_explanation) == (Delivery.DELIVERED, "已送达")
    assert len(provider.phones()) == 1


def test_a_row_settled_by_the_reconciliation_gets_its_receipt_at_the_same_time(transactional_db, provider, settings):
    settings.ALIYUN_SMS_TIMEOUT_SECONDS = 0.5
    [row] = queued_rows(1)
    provider.fail_next(DROP_AFTER_READ)
    services.outbox_send(outbox_ids=[row.pk])
    services.outbox_reconcile()
    row.refresh_from_db()
    assert (row.status, row.delivery) == (Status.SENT, Delivery.DELIVERED)


@pytest.fixture
def receipt_url(settings):
    settings.NOTIFICATIONS_SMS_RECEIPT_TOKEN = "receipt-secret-1"
    return reverse("sms_provider:receipts", args=["receipt-secret-1"])


def report(row, *, success, code="DELIVERED"):
    return {
        "phone_number": row.phone,
        "send_time": "2026-02-10 07:30:00",
        "report_time": "2026-02-10 07:30:05",
        "success": success,
        "err_code": code,
        "err_msg": "",
        "sms_size": "1",
        "biz_id": "1^2",
        "out_id": row.provider_out_id,
    }


def test_pushed_receipts_are_recorded_per_person_and_settle_a_row_of_unknown_fate(
    transactional_db, provider, receipt_url, client, settings
):
    settings.ALIYUN_SMS_TIMEOUT_SECONDS = 0.5
    first, second = queued_rows(2)
    services.outbox_send(outbox_ids=[first.pk])
    provider.fail_next(DROP_AFTER_READ)
    services.outbox_send(outbox_ids=[second.pk])
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.status == Status.UNKNOWN

    response = client.post(
        receipt_url,
        json.dumps([report(first, success=True), report(second, success=False, code="MK:0001")]),
        content_type="application/json",
    )

    assert response.json() == {"code": 0, "msg": "成功", "result": 0, "errmsg": "OK", "recorded": 2}
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.delivery, first.delivered_at.isoformat()) == (Delivery.DELIVERED, "2026-02-09T23:30:05+00:00")
    assert (second.status, second.delivery, second.delivery_error) == (Status.SENT, Delivery.UNDELIVERED, "MK:0001")
    assert len(provider.phones()) == 2


@pytest.mark.django_db
def test_the_receipt_address_refuses_a_wrong_token_and_answers_a_bad_body_without_a_500(receipt_url, client):
    wrong = reverse("sms_provider:receipts", args=["guess"])
    assert client.post(wrong, "[]", content_type="application/json").status_code == 404
    response = client.post(receipt_url, "not json", content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, 1)
    assert client.post(receipt_url, json.dumps([{"success": True}]), content_type="application/json").status_code == 400
