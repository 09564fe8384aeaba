"""Sending the queued SMS rows to the provider; the dispatch of rows nobody enqueued; the reconciliation of calls
whose outcome is unknown.

Three jobs, three tasks, so that none waits on another: `outbox_send` sends rows it is given; `outbox_dispatch`
(every two seconds, database only) enqueues the rows no task carries (written by SQL, lost with a broker, held for
the quiet hours) and marks the rows of dead workers `unknown`; `outbox_reconcile` asks the provider about `unknown`
rows, a bounded slice per run committed batch by batch, so a slow provider delays only itself.
"""

import json
import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from core.batching import chunked
from core.notifications.catalog import message_template, secret_template_keys
from core.notifications.gateways import (
    ConnectError,
    OutcomeUnknownError,
    PermanentError,
    TransientError,
    china_time,
    sms_gateway,
)
from core.notifications.models import (
    Broadcast,
    BroadcastStatus,
    Channel,
    Delivery,
    Kind,
    OutboxMessage,
    Status,
)
from core.notifications.outcome_counts import sms_outcome_count, sms_settled_count
from core.notifications.publishing import fan_out, send_after_commit
from core.notifications.ratelimit import messages_per_second, rate_limit_acquire
from core.notifications.rules import in_quiet_hours, marketing_send_after
from core.notifications.services.messages import EXPIRED_REASON, OPTED_OUT_REASON, _sms_opted_out
from core.observability.request_id import current_request_id, request_id_bound

logger = logging.getLogger(__name__)

LOST_ANSWER_REASON = "服务商未应答，正在向服务商核实是否已发送"
WORKER_LOST_REASON = "发送进程中断，正在向服务商核实是否已发送"

# --- Sending ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ProviderCall:
    out_id: str
    template: str
    params: dict
    text: str
    rows: tuple  # (id, phone) pairs
    # The request that wrote the rows (a booking's, a broadcast's): the send logs as part of it.
    request_id: str = ""


def _call_size():
    rate = messages_per_second()
    most = sms_gateway().max_numbers
    return min(settings.NOTIFICATIONS_BATCH_SIZE, most, rate or most)


def _claim(outbox_ids):
    """Take the sendable rows among `outbox_ids` for this worker, as provider calls of one text each.

    `SKIP LOCKED` lets a concurrent claimer pass over rows another is taking; the status condition means a row
    is only ever taken from `queued`. Rules are checked again here because they may have changed since `notify`.
    """
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(id__in=outbox_ids, channel=Channel.SMS, status=Status.QUEUED, send_after__lte=now)
            .only("id", "recipient_id", "phone", "template", "kind", "params", "text", "expires_at", "request_id")
            .order_by("id")
        )
        if not rows:
            return []
        opted_out = _sms_opted_out({row.recipient_id for row in rows})
        cancelled = [
            row.pk
            for row in rows
            if row.recipient_id in opted_out and not message_template(row.template).ignores_opt_out
        ]
        expired = [row.pk for row in rows if row.expires_at is not None and row.expires_at <= now]
        quiet = in_quiet_hours(now)
        skipped = set(cancelled) | set(expired)
        held = [row.pk for row in rows if row.kind == Kind.MARKETING and quiet and row.pk not in skipped]
        if cancelled:
            OutboxMessage.objects.filter(id__in=cancelled).update(status=Status.CANCELLED, last_error=OPTED_OUT_REASON)
        if expired:
            OutboxMessage.objects.filter(id__in=expired).update(
                status=Status.CANCELLED, last_error=EXPIRED_REASON, error_code="expired"
            )
        if held:
            # Left queued for the morning; the dispatch enqueues them once they are due.
            OutboxMessage.objects.filter(id__in=held).update(send_after=marketing_send_after(now), enqueued_at=None)
        skipped |= set(held)
        by_text = {}
        for row in rows:
            if row.pk not in skipped:
                key = (row.template, json.dumps(row.params, sort_keys=True, ensure_ascii=False))
                by_text.setdefault(key, []).append(row)
        calls = []
        for same_text in by_text.values():
            for chunk in chunked(same_text, _call_size()):
                out_id = uuid.uuid4().hex
                OutboxMessage.objects.filter(id__in=[row.pk for row in chunk]).update(
                    status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1, provider_out_id=out_id
                )
                first = chunk[0]
                calls.append(
                    _ProviderCall(
                        out_id=out_id,
                        template=first.template,
                        params=first.params,
                        text=first.text,
                        rows=tuple((row.pk, row.phone) for row in chunk),
                        request_id=first.request_id,
                    )
                )
    return calls


def _still_ours(call):
    """Renew the claim just before calling the provider; rows the dispatch has marked `unknown` are dropped."""
    ids = [row_id for row_id, _phone in call.rows]
    mine = OutboxMessage.objects.filter(id__in=ids, status=Status.SENDING, provider_out_id=call.out_id)
    if mine.update(claimed_at=timezone.now()) == len(ids):
        return call
    kept = set(mine.values_list("id", flat=True))
    return _ProviderCall(
        out_id=call.out_id,
        template=call.template,
        params=call.params,
        text=call.text,
        rows=tuple(row for row in call.rows if row[0] in kept),
    )


def _retry_delay(attempts):
    return min(settings.NOTIFICATIONS_RETRY_BASE_SECONDS * 2 ** (attempts - 1), 600)


def _requeue(rows, *, reason, error_code, delay, now):
    """Put `rows` (a queryset of rows this process owns) back to `queued` to go again after `delay` seconds:
    failed instead after the last attempt, cancelled instead when they would go after their life (a sign-in code)."""
    send_after = now + timedelta(seconds=delay)
    failed = rows.filter(attempts__gte=settings.NOTIFICATIONS_MAX_ATTEMPTS).update(
        status=Status.FAILED, last_error=reason, error_code=error_code
    )
    sms_outcome_count("failed", failed)
    rows.filter(expires_at__lte=send_after).update(
        status=Status.CANCELLED, last_error=EXPIRED_REASON, error_code="expired"
    )
    retry_ids = list(rows.values_list("id", flat=True))
    rows.update(status=Status.QUEUED, last_error=reason, error_code=error_code, send_after=send_after, enqueued_at=now)
    send_after_commit(retry_ids, countdown=delay)


def _after_transient_error(ids, out_id, error):
    mine = OutboxMessage.objects.filter(id__in=ids, status=Status.SENDING, provider_out_id=out_id)
    attempts = max(mine.values_list("attempts", flat=True), default=0)
    _requeue(mine, reason=error.reason, error_code=error.code, delay=_retry_delay(attempts), now=timezone.now())


def _after_lost_answer(ids, out_id, reason):
    """The call went out and its answer did not come back: the provider may have sent every SMS of it. The rows
    wait as `unknown` for the reconciliation to ask the provider, never sent again blind."""
    now = timezone.now()
    OutboxMessage.objects.filter(id__in=ids, status=Status.SENDING, provider_out_id=out_id).update(
        status=Status.UNKNOWN, last_error=reason, error_code="no-answer", reconcile_after=now
    )


def _provider_send(gateway, call):
    arguments = {
        "phones": [phone for _id, phone in call.rows],
        "template": call.template,
        # In the order the variables appear in the text (a stored JSON object keeps none): Tencent numbers them.
        "params": {
            name: call.params[name] for name in message_template(call.template).variables if name in call.params
        },
        "text": call.text,
        "out_id": call.out_id,
    }
    try:
        return gateway.send(**arguments)
    except ConnectError as error:
        # No connection, so nothing reached the provider: one more try at once cannot double anything.
        logger.warning("SMS call %s: %s; trying again at once", call.out_id, error.reason)
        return gateway.send(**arguments)


def _forget_secrets(ids):
    """Blank the text of secret messages (sign-in codes) among `ids` that are done with: sent, failed or cancelled
    for good. A row that will be tried again, or whose fate the provider is still asked about, keeps its text."""
    OutboxMessage.objects.filter(
        id__in=ids, template__in=secret_template_keys(), status__in=(Status.SENT, Status.FAILED, Status.CANCELLED)
    ).update(params={}, text="")


def _send_call(gateway, call):
    call = _still_ours(call)
    if not call.rows:
        return
    ids = [row_id for row_id, _phone in call.rows]
    try:
        with request_id_bound(call.request_id or current_request_id()):
            _send_call_rows(gateway, call, ids)
    finally:
        _forget_secrets(ids)


def _send_call_rows(gateway, call, ids):
    rate_limit_acquire(gateway=gateway.name, count=len(ids))
    try:
        result = _provider_send(gateway, call)
    except OutcomeUnknownError as error:
        logger.warning("SMS call %s for %d rows lost its answer: %s", call.out_id, len(ids), error.reason)
        _after_lost_answer(ids, call.out_id, f"{LOST_ANSWER_REASON}（{error.reason}）")
        return
    except TransientError as error:
        logger.warning("SMS call %s for %d rows will be retried: %s", call.out_id, len(ids), error.reason)
        _after_transient_error(ids, call.out_id, error)
        return
    except PermanentError as error:
        if error.per_number and len(ids) > 1:
            # One bad number refuses the whole batch: give every number its own call so the others still go.
            for row in call.rows:
                single_out_id = uuid.uuid4().hex
                OutboxMessage.objects.filter(id=row[0], provider_out_id=call.out_id).update(
                    provider_out_id=single_out_id
                )
                _send_call(
                    gateway,
                    _ProviderCall(
                        out_id=single_out_id, template=call.template, params=call.params, text=call.text, rows=(row,)
                    ),
                )
            return
        failed = OutboxMessage.objects.filter(id__in=ids, status=Status.SENDING, provider_out_id=call.out_id).update(
            status=Status.FAILED, last_error=error.reason, error_code=error.code
        )
        sms_outcome_count("failed", failed)
        return
    now = timezone.now()
    # Numbers the provider refused one by one inside a call it took (Tencent answers per number).
    refused = {row_id: result.refused[phone] for row_id, phone in call.rows if phone in result.refused}
    for row_id, code in refused.items():
        failed = OutboxMessage.objects.filter(id=row_id, status=Status.SENDING, provider_out_id=call.out_id).update(
            status=Status.FAILED, last_error=f"SendSms: {code}", error_code=code
        )
        sms_outcome_count("failed", failed)
    ids = [row_id for row_id in ids if row_id not in refused]
    sent = OutboxMessage.objects.filter(id__in=ids, status=Status.SENDING, provider_out_id=call.out_id).update(
        status=Status.SENT,
        sent_at=now,
        provider_message_id=_message_ids(call, result),
        last_error="",
        error_code="",
        # When to ask for the carrier's receipt, if the receipt push has not brought it by then.
        reconcile_after=_first_receipt_question(gateway, now),
    )
    sms_outcome_count("sent", sent)
    logger.info("SMS call %s: the provider took %d numbers (%s)", call.out_id, sent, result.provider_message_id)


def _message_ids(call, result):
    """Each row's provider message id: its own number's where the provider gives one (Tencent's SerialNo, which
    its receipt push names), else the call's."""
    whens = [
        When(id=row_id, then=Value(result.message_ids[phone]))
        for row_id, phone in call.rows
        if phone in result.message_ids
    ]
    fallback = Value(result.provider_message_id)
    return Case(*whens, default=fallback) if whens else fallback


def _first_receipt_question(gateway, sent_at):
    if not gateway.reports_delivery:
        return None
    return sent_at + timedelta(seconds=settings.NOTIFICATIONS_RECEIPT_DELAY_SECONDS)


def outbox_send(*, outbox_ids):
    """Send the queued SMS rows among `outbox_ids`. Safe to run twice, or on two workers at once."""
    gateway = sms_gateway()
    for call in _claim(outbox_ids):
        _send_call(gateway, call)


# --- Dispatch: the rows no task carries -------------------------------------------------------------------------


def _mark_dead_workers_rows_unknown(now):
    """Rows in `sending` longer than any task may live: their worker died, during the call or before it. Only the
    provider knows which, so they join the reconciliation."""
    stuck_before = now - timedelta(seconds=settings.NOTIFICATIONS_STUCK_AFTER_SECONDS)
    return OutboxMessage.objects.filter(status=Status.SENDING, claimed_at__lt=stuck_before).update(
        status=Status.UNKNOWN, last_error=WORKER_LOST_REASON, error_code="worker-lost", reconcile_after=now
    )


def _enqueue_unclaimed_rows(now):
    """Queued rows that are due and that no task carries: written by SQL (a booking), held for the quiet hours
    that just ended, or whose task a lost broker took with it."""
    stale = now - timedelta(seconds=settings.NOTIFICATIONS_REQUEUE_AFTER_SECONDS)
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(channel=Channel.SMS, status=Status.QUEUED, send_after__lte=now)
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
            .values_list("id", flat=True)
            .order_by("id")[: settings.NOTIFICATIONS_DISPATCH_LIMIT]
        )
        OutboxMessage.objects.filter(id__in=ids).update(enqueued_at=now)
        send_after_commit(ids)
    return len(ids)


def _resume_stalled_fan_outs(now):
    stale = now - timedelta(seconds=settings.NOTIFICATIONS_REQUEUE_AFTER_SECONDS)
    broadcasts = list(
        Broadcast.objects.filter(status=BroadcastStatus.PREPARING, updated_at__lt=stale).values_list("id", flat=True)
    )
    for broadcast_id in broadcasts:
        fan_out(broadcast_id)
    return len(broadcasts)


def outbox_dispatch():
    """The frequent, local sweep (no provider call, so nothing outside can slow it down): enqueue the due rows no
    task carries, hand the rows of dead workers to the reconciliation, restart stalled fan-outs."""
    now = timezone.now()
    return {
        "unknown": _mark_dead_workers_rows_unknown(now),
        "enqueued": _enqueue_unclaimed_rows(now),
        "fan_outs": _resume_stalled_fan_outs(now),
    }


# --- Reconciliation: asking the provider about calls whose outcome is unknown ------------------------------------

RECONCILE_LOCK = "notifications:reconcile"
# A row the provider could not be asked about (an error, a timeout) is asked again after this.
_ASK_AGAIN_SECONDS = 30


def _ask_provider(gateway, row, now):
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


def _settle(row, answer, now):
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
            _forget_secrets([row.pk])
            sms_settled_count("failed", outcome, settled)
            return "failed"
        settled = same_call.update(status=Status.SENT, sent_at=row.claimed_at, last_error="", error_code="", **outcome)
        _forget_secrets([row.pk])
        sms_settled_count("sent", outcome, settled)
        return "sent"
    reported_by = row.claimed_at + timedelta(seconds=settings.NOTIFICATIONS_PROVIDER_REPORT_DELAY_SECONDS)
    if now < reported_by:
        # The provider may not list it yet: asked again once it certainly would.
        same_call.update(reconcile_after=reported_by)
        return "waiting"
    # Never taken by the provider: it may go again, once, under the same rule (its answer lost again → asked again).
    _requeue(same_call, reason="服务商未收到，重新发送", error_code="not-received", delay=0, now=now)
    return "sent-again"


def _delivery_fields(delivery):
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


def _record_receipt(row, answer, now):
    """Write the carrier's receipt for one sent row (QuerySendDetails), or when to ask again."""
    same_row = OutboxMessage.objects.filter(pk=row.pk, status=Status.SENT, delivery="")
    if isinstance(answer, Exception):
        same_row.update(reconcile_after=now + timedelta(seconds=_ASK_AGAIN_SECONDS))
        return "receipt-asked-again"
    outcome = _delivery_fields(answer) if answer is not None else {}
    if outcome:
        sms_outcome_count(outcome["delivery"], same_row.update(**outcome))
        return "delivered" if answer.delivered else "undelivered"
    gave_up = row.sent_at < now - _RECEIPT_GIVE_UP_AFTER
    same_row.update(
        reconcile_after=None if gave_up else now + timedelta(seconds=settings.NOTIFICATIONS_RECEIPT_DELAY_SECONDS)
    )
    return "no-receipt"


def _reconcile_batch(gateway, pool, now, *, status, record):
    awaiting = Q(status=status, reconcile_after__lte=now)
    if status == Status.SENT:
        awaiting &= Q(delivery="")
    rows = list(
        OutboxMessage.objects.filter(awaiting)
        .only("id", "phone", "provider_out_id", "claimed_at", "sent_at", "attempts", "expires_at")
        .order_by("reconcile_after", "id")[: settings.NOTIFICATIONS_RECONCILE_BATCH_SIZE]
    )
    answers = list(pool.map(lambda row: _ask_provider(gateway, row, now), rows))
    outcomes = {}
    # Each batch commits on its own: a run stopped anywhere keeps what it learnt, and the next starts after it.
    with transaction.atomic():
        for row, answer in zip(rows, answers, strict=True):
            outcome = record(row, answer, timezone.now())
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return len(rows), outcomes


def outbox_reconcile():
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
    asked, outcomes = 0, {}
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


# --- Receipts pushed by the provider -----------------------------------------------------------------------------


def _pushed_receipt(report):
    """One pushed receipt as (the rows it names, delivered, the carrier's code, when): 阿里云 SmsReport names our
    OutId (phone_number, success, err_code, report_time, out_id); 腾讯云's status callback names the number's
    SerialNo (mobile, report_status, errmsg, user_receive_time, sid)."""
    if "sid" in report:
        rows = Q(provider_message_id=str(report["sid"]), phone=str(report["mobile"]))
        delivered = report["report_status"] == "SUCCESS"
        return rows, delivered, str(report.get("errmsg", "")), report.get("user_receive_time", "")
    rows = Q(provider_out_id=str(report["out_id"]), phone=str(report["phone_number"]))
    return rows, bool(report["success"]), str(report.get("err_code", "")), report.get("report_time", "")


def receipts_record(*, reports):
    """Record the provider's pushed delivery receipts (either provider's shape, `_pushed_receipt`). A receipt also
    settles a row of unknown fate: the provider sent it. Returns how many rows changed; receipts of messages we do
    not know are ignored (the same account may serve other systems)."""
    recorded = 0
    with transaction.atomic():
        for report in reports:
            named, delivered, code, reported_at = _pushed_receipt(report)
            reported_at = china_time(reported_at) or timezone.now()
            rows = OutboxMessage.objects.filter(named, channel=Channel.SMS, status__in=[Status.SENT, Status.UNKNOWN])
            settled = rows.filter(status=Status.UNKNOWN).update(
                status=Status.SENT, sent_at=F("claimed_at"), last_error="", error_code=""
            )
            sms_outcome_count("sent", settled)
            _forget_secrets(list(rows.values_list("id", flat=True)))
            delivery = Delivery.DELIVERED if delivered else Delivery.UNDELIVERED
            updated = rows.update(
                delivery=delivery,
                delivery_error="" if delivered else code,
                delivered_at=reported_at,
                reconcile_after=None,
            )
            sms_outcome_count(delivery, updated)
            recorded += updated
    return recorded
