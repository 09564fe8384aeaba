"""The reconciliation: asking the provider about calls whose outcome is unknown (`outbox_reconcile`), a bounded
slice per run committed batch by batch, so a slow provider delays only itself; with the time left, fetching the
carrier's receipts of sent rows."""

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.notifications.gateways import Delivery as ProviderDelivery
from core.notifications.gateways import PermanentError, SmsGateway, TransientError, sms_gateway
from core.notifications.models import Delivery, OutboxMessage, Status
from core.notifications.outcome_counts import sms_outcome_count, sms_settled_count
from core.notifications.services.settling import rows_requeue, secrets_forget

logger = logging.getLogger(__name__)

RECONCILE_LOCK = "notifications:reconcile"
# A row the provider could not be asked about (an error, a timeout) is asked again after this.
_ASK_AGAIN_SECONDS = 30

# What the provider said about one row's call: its Delivery, None if it has no such call, or the error.
ProviderAnswer = ProviderDelivery | TransientError | PermanentError | None


def _ask_provider(gateway: SmsGateway, row: OutboxMessage, now: datetime) -> ProviderAnswer:
    """What the provider knows about `row`'s call: its Delivery, None if it has no such call, or the error."""
    days = sorted({timezone.localdate(row.claimed_at), timezone.localdate(now)})
    try:
        for day in days:
            for delivery in gateway.deliveries(phone=row.phone, sent_on=day):
                if delivery.out_id == row.provider_out_id:
                    return delivery
    except (TransientError, PermanentError) as error:
        return error
    return None


def _settle(row: OutboxMessage, answer: ProviderAnswer, now: datetime) -> str:
    """Write what the provider said about one `unknown` row, only if nobody settled it meanwhile."""
    same_call = OutboxMessage.objects.filter(pk=row.pk, status=Status.UNKNOWN, provider_out_id=row.provider_out_id)
    if isinstance(answer, Exception):
        logger.warning("Cannot ask the provider about outbox row %s yet: %s", row.pk, answer.reason)
        same_call.update(reconcile_after=now + timedelta(seconds=_ASK_AGAIN_SECONDS))
        return "asked-again"
    if answer is not None:
        outcome = _delivery_fields(answer)
        if not outcome:
            # Sent, the carrier's receipt still to come: asked for later.
            outcome = {"reconcile_after": now + timedelta(seconds=settings.NOTIFICATIONS_RECEIPT_DELAY_SECONDS)}
        if answer.failed:
            settled = same_call.update(
                status=Status.FAILED,
                last_error=f"QuerySendDetails: {answer.error_code}",
                error_code=answer.error_code,
                **outcome,
            )
            secrets_forget([row.pk])
            sms_settled_count("failed", outcome, settled)
            return "failed"
        settled = same_call.update(status=Status.SENT, sent_at=row.claimed_at, last_error="", error_code="", **outcome)
        secrets_forget([row.pk])
        sms_settled_count("sent", outcome, settled)
        return "sent"
    # Only a claimed row can lose its answer or its worker, the two ways into `unknown`.
    assert row.claimed_at is not None
    reported_by = row.claimed_at + timedelta(seconds=settings.NOTIFICATIONS_PROVIDER_REPORT_DELAY_SECONDS)
    if now < reported_by:
        # The provider may not list it yet: asked again once it certainly would.
        same_call.update(reconcile_after=reported_by)
        return "waiting"
    # Never taken by the provider: it may go again, once, under the same rule (its answer lost again → asked again).
    rows_requeue(same_call, reason="服务商未收到，重新发送", error_code="not-received", delay=0, now=now)
    return "sent-again"


def _delivery_fields(delivery: ProviderDelivery) -> dict:
    if delivery.delivered is None:
        return {}
    return {
        "delivery": Delivery.DELIVERED if delivery.delivered else Delivery.UNDELIVERED,
        "delivery_error": "" if delivery.delivered else delivery.error_code,
        "delivered_at": delivery.reported_at,
        "reconcile_after": None,
    }


# A receipt the carrier has not given within this long never comes: the row stops being asked about.
_RECEIPT_GIVE_UP_AFTER = timedelta(days=3)


def _record_receipt(row: OutboxMessage, answer: ProviderAnswer, now: datetime) -> str:
    """Write the carrier's receipt for one sent row (QuerySendDetails), or when to ask again."""
    same_row = OutboxMessage.objects.filter(pk=row.pk, status=Status.SENT, delivery="")
    if isinstance(answer, Exception):
        same_row.update(reconcile_after=now + timedelta(seconds=_ASK_AGAIN_SECONDS))
        return "receipt-asked-again"
    outcome = _delivery_fields(answer) if answer is not None else {}
    if outcome:
        sms_outcome_count(outcome["delivery"], same_row.update(**outcome))
        return "delivered" if answer.delivered else "undelivered"
    assert row.sent_at is not None  # outbox_sent_rows_have_a_time
    gave_up = row.sent_at < now - _RECEIPT_GIVE_UP_AFTER
    same_row.update(
        reconcile_after=None if gave_up else now + timedelta(seconds=settings.NOTIFICATIONS_RECEIPT_DELAY_SECONDS)
    )
    return "no-receipt"


def _reconcile_batch(
    gateway: SmsGateway,
    pool: ThreadPoolExecutor,
    now: datetime,
    *,
    status: str,
    record: Callable[[OutboxMessage, ProviderAnswer, datetime], str],
) -> tuple[int, dict[str, int]]:
    awaiting = Q(status=status, reconcile_after__lte=now)
    if status == Status.SENT:
        awaiting &= Q(delivery="")
    rows = list(
        OutboxMessage.objects.filter(awaiting)
        .only("id", "phone", "provider_out_id", "claimed_at", "sent_at", "attempts", "expires_at")
        .order_by("reconcile_after", "id")[: settings.NOTIFICATIONS_RECONCILE_BATCH_SIZE]
    )
    answers = list(pool.map(lambda row: _ask_provider(gateway, row, now), rows))
    outcomes: dict[str, int] = {}
    # Each batch commits on its own: a run stopped anywhere keeps what it learnt, and the next starts after it.
    with transaction.atomic():
        for row, answer in zip(rows, answers, strict=True):
            outcome = record(row, answer, timezone.now())
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return len(rows), outcomes


def outbox_reconcile() -> dict[str, int | bool]:
    """Settle `unknown` rows by asking the provider (QuerySendDetails by phone, day and our OutId): found → sent
    (or failed with the carrier's code), not found once the provider would list it → queued to go again. Then,
    with the time left, fetch the carrier's receipts of sent rows (delivered or not, and why).

    Bounded: at most NOTIFICATIONS_RECONCILE_SECONDS a run, in committed batches, oldest question first; a slow
    provider only makes the backlog shrink slower. One run at a time across all workers.
    """
    budget = settings.NOTIFICATIONS_RECONCILE_SECONDS
    if not cache.add(RECONCILE_LOCK, "running", timeout=int(budget) + 60):
        return {"asked": 0, "skipped": True}
    deadline = time.monotonic() + budget
    asked = 0
    outcomes: dict[str, int] = {}
    try:
        gateway = sms_gateway()
        with ThreadPoolExecutor(max_workers=settings.NOTIFICATIONS_RECONCILE_CONCURRENCY) as pool:
            # Rows of unknown fate first (a message may still have to go), then the receipts of sent ones.
            for status, record in ((Status.UNKNOWN, _settle), (Status.SENT, _record_receipt)):
                while time.monotonic() < deadline:
                    count, batch = _reconcile_batch(gateway, pool, timezone.now(), status=status, record=record)
                    asked += count
                    for outcome, number in batch.items():
                        outcomes[outcome] = outcomes.get(outcome, 0) + number
                    if count < settings.NOTIFICATIONS_RECONCILE_BATCH_SIZE:
                        break
    finally:
        cache.delete(RECONCILE_LOCK)
    if asked:
        logger.warning("Reconciled %d SMS rows of unknown outcome: %s", asked, outcomes)
    return {"asked": asked, "skipped": False, **outcomes}
