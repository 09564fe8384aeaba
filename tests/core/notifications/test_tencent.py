"""Tencent Cloud SMS behind the same gateway interface: its TC3-HMAC-SHA256 signature checked against Tencent's own
worked example, and the whole sending path against the local provider speaking Tencent's protocol."""

import hashlib
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from core.notifications import services
from core.notifications.fake_provider import DROP_AFTER_READ, FakeSmsProvider
from core.notifications.gateways import tc3_canonical_request, tc3_signature
from core.notifications.models import Delivery, OutboxMessage, Status
from tests.core.notifications.test_sending import TRIP, queued_rows

TENCENT_SECRET_KEY = "tencent-test-secret-key"


def test_the_tc3_signature_matches_tencents_published_worked_example():
    # The worked example of Tencent Cloud's "签名方法 v3" document (cloud.tencent.com/document/api/382/52077): CVM's
    # DescribeInstances POSTed as JSON at 1551113065 (2019-02-25 UTC), SecretKey "Gu5t9xGARNpq86cd98joQYCN3*******".
    payload = json.dumps({"Limit": 1, "Filters": [{"Values": ["未命名"], "Name": "instance-name"}]})
    assert hashlib.sha256(payload.encode()).hexdigest() == (
        "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    )
    canonical_request = tc3_canonical_request(
        host="cvm.tencentcloudapi.com", content_type="application/json; charset=utf-8", payload=payload
    )
    assert hashlib.sha256(canonical_request.encode()).hexdigest() == (
        "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
    )
    scope, signature = tc3_signature(
        secret_key="Gu5t9xGARNpq86cd98joQYCN3*******",
        service="cvm",
        timestamp=1551113065,
        canonical_request=canonical_request,
    )
    assert scope == "2019-02-25/cvm/tc3_request"
    assert signature == "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c"


@pytest.fixture
def tencent(settings):
    """The local provider speaking Tencent Cloud SMS, with the tencent gateway pointed at it."""
    with FakeSmsProvider(access_key_secret="unused", tencent_secret_key=TENCENT_SECRET_KEY) as fake:
        settings.NOTIFICATIONS_SMS_GATEWAY = "tencent"
        settings.TENCENT_SMS_ENDPOINT = fake.url
        settings.TENCENT_SMS_SECRET_ID = "AKID-test"
        settings.TENCENT_SMS_SECRET_KEY = TENCENT_SECRET_KEY
        settings.TENCENT_SMS_SDK_APP_ID = "1400000001"
        settings.TENCENT_SMS_TEMPLATE_IDS = {"trip_departure": "2000002", "sign_in_code": "2000001"}
        yield fake


def test_the_tencent_gateway_sends_each_number_once_with_the_variables_in_the_templates_order(
    transactional_db, tencent
):
    rows = queued_rows(3)

    services.outbox_send(outbox_ids=[row.pk for row in rows])

    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}
    assert sorted(tencent.phones()) == sorted(row.phone for row in rows)
    _arrived, _phone, out_id, template_id, param = tencent.received[0]
    assert (template_id, json.loads(param)) == (
        "2000002",
        [TRIP["trip"], TRIP["departure"], TRIP["time"], TRIP["place"]],
    )
    assert out_id == OutboxMessage.objects.first().provider_out_id


def test_a_request_signed_with_the_wrong_tencent_key_is_refused_and_the_reason_kept(
    transactional_db, tencent, settings
):
    settings.TENCENT_SMS_SECRET_KEY = "not-the-key"
    [row] = queued_rows(1)
    services.outbox_send(outbox_ids=[row.pk])
    row.refresh_from_db()
    assert (row.status, row.error_code) == (Status.FAILED, "AuthFailure.SignatureFailure")
    assert tencent.phones() == []


def test_a_lost_tencent_answer_is_settled_through_its_status_pull_and_the_receipt_recorded(
    transactional_db, tencent, settings
):
    settings.TENCENT_SMS_TIMEOUT_SECONDS = 0.5
    rows = queued_rows(2)
    tencent.undelivered[rows[1].phone] = "空号"
    tencent.fail_next(DROP_AFTER_READ)
    services.outbox_send(outbox_ids=[row.pk for row in rows])
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.UNKNOWN}

    services.outbox_reconcile()

    delivered, refused = OutboxMessage.objects.order_by("id")
    assert (delivered.status, delivered.delivery) == (Status.SENT, Delivery.DELIVERED)
    assert (refused.status, refused.delivery, refused.delivery_error) == (Status.SENT, Delivery.UNDELIVERED, "空号")
    assert delivered.delivered_at is not None
    assert tencent.duplicates() == {}


def test_tencent_receipts_of_sent_sms_are_pulled_and_recorded_per_person_with_the_carriers_reason(
    transactional_db, tencent
):
    delivered, refused, waiting = queued_rows(3)
    tencent.undelivered[refused.phone] = "空号"
    tencent.awaiting_receipt.add(waiting.phone)
    services.outbox_send(outbox_ids=[delivered.pk, refused.pk, waiting.pk])
    OutboxMessage.objects.update(reconcile_after=timezone.now())

    outcome = services.outbox_reconcile()

    assert (outcome["delivered"], outcome["undelivered"], outcome["no-receipt"]) == (1, 1, 1)
    delivered, refused, waiting = OutboxMessage.objects.order_by("id")
    assert (delivered.delivery_explanation, delivered.reconcile_after) == ("已送达", None)
    assert (refused.delivery, refused.delivery_explanation) == (Delivery.UNDELIVERED, "运营商未送达（空号）")
    assert (waiting.status, waiting.delivery) == (Status.SENT, "")
    assert waiting.reconcile_after > timezone.now()
    assert tencent.duplicates() == {}


def test_tencents_status_callback_records_each_numbers_receipt_by_its_serial_number(
    transactional_db, tencent, client, settings
):
    settings.NOTIFICATIONS_SMS_RECEIPT_TOKEN = "receipt-secret-2"
    delivered, refused = queued_rows(2)
    services.outbox_send(outbox_ids=[delivered.pk, refused.pk])
    delivered.refresh_from_db()
    refused.refresh_from_db()
    # Each number's own SerialNo, which is what the callback names.
    assert delivered.provider_message_id != refused.provider_message_id

    def callback(row, status, errmsg):
        return {
            "user_receive_time": "2026-02-10 07:30:05",
            "nationcode": "86",
            "mobile": row.phone,
            "report_status": status,
            "errmsg": errmsg,
            "description": "",
            "sid": row.provider_message_id,
        }

    response = client.post(
        reverse("sms_provider:receipts", args=["receipt-secret-2"]),
        json.dumps([callback(delivered, "SUCCESS", "DELIVRD"), callback(refused, "FAIL", "MK:0001")]),
        content_type="application/json",
    )

    assert (response.json()["result"], response.json()["recorded"]) == (0, 2)
    delivered.refresh_from_db()
    refused.refresh_from_db()
    assert (delivered.delivery, delivered.delivered_at.isoformat()) == (Delivery.DELIVERED, "2026-02-09T23:30:05+00:00")
    assert (refused.delivery_explanation, refused.reconcile_after) == ("运营商未送达（MK:0001）", None)
