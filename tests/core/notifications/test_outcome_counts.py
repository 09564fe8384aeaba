"""SMS sent, failed, delivered and undelivered, counted as the sender records them (chunfeng_sms_total)."""

import pytest
from django.db import transaction
from django.utils import timezone

from core.notifications import services
from core.notifications.models import OutboxMessage
from core.notifications.outcome_counts import sms_outcome_totals
from tests.core.notifications.test_sending import queued_rows


def _added_since(before):
    now = sms_outcome_totals()
    return {outcome: now[outcome] - before[outcome] for outcome in now}


def test_sent_delivered_and_undelivered_sms_are_counted_once_each(transactional_db, provider):
    before = sms_outcome_totals()
    rows = queued_rows(3)
    provider.undelivered[rows[2].phone] = "MK:0001"
    services.outbox_send(outbox_ids=[row.pk for row in rows])
    services.outbox_send(outbox_ids=[row.pk for row in rows])  # a redelivered task sends, and counts, nothing

    OutboxMessage.objects.update(reconcile_after=timezone.now())
    services.outbox_reconcile()
    services.outbox_reconcile()

    assert _added_since(before) == {"sent": 3, "failed": 0, "delivered": 2, "undelivered": 1}


def test_sms_the_provider_refuses_for_good_are_counted_as_failed(transactional_db, provider):
    before = sms_outcome_totals()
    rows = queued_rows(2)
    provider.answer_next(code="isv.SMS_TEMPLATE_ILLEGAL")
    services.outbox_send(outbox_ids=[row.pk for row in rows])

    assert _added_since(before) == {"sent": 0, "failed": 2, "delivered": 0, "undelivered": 0}


def test_a_send_whose_transaction_rolls_back_counts_nothing(transactional_db, provider):
    before = sms_outcome_totals()
    rows = queued_rows(1)

    @transaction.atomic
    def send_then_die():
        services.outbox_send(outbox_ids=[row.pk for row in rows])
        raise RuntimeError("the worker dies before its transaction commits")

    with pytest.raises(RuntimeError):
        send_then_die()
    assert _added_since(before)["sent"] == 0
