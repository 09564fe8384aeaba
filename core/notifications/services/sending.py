"""Sending the queued SMS rows to the provider, and the periodic repair of rows a lost worker or broker left behind."""

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.batching import chunked
from core.notifications import tasks
from core.notifications.catalog import SECRET_TEMPLATES, message_template
from core.notifications.gateways import PROVIDER_MAX_NUMBERS, PermanentError, TransientError, sms_gateway
from core.notifications.models import (
    Broadcast,
    BroadcastStatus,
    Channel,
    Kind,
    OutboxMessage,
    Status,
)
from core.notifications.ratelimit import messages_per_second, rate_limit_acquire
from core.notifications.rules import in_quiet_hours, marketing_send_after
from core.notifications.services.messages import OPTED_OUT_REASON, _enqueue_send, _sms_opted_out

logger = logging.getLogger(__name__)


# --- Sending ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ProviderCall:
    out_id: str
    template: str
    params: dict
    text: str
    rows: tuple  # (id, phone) pairs


def _call_size():
    rate = messages_per_second()
    return min(settings.NOTIFICATIONS_BATCH_SIZE, PROVIDER_MAX_NUMBERS, rate or PROVIDER_MAX_NUMBERS)


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
            .only("id", "recipient_id", "phone", "template", "kind", "params", "text")
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
        quiet = in_quiet_hours(now)
        held = [row.pk for row in rows if row.kind == Kind.MARKETING and quiet and row.pk not in cancelled]
        if cancelled:
            OutboxMessage.objects.filter(id__in=cancelled).update(status=Status.CANCELLED, last_error=OPTED_OUT_REASON)
        if held:
            # Left queued for the morning; the recovery task enqueues them once they are due.
            OutboxMessage.objects.filter(id__in=held).update(send_after=marketing_send_after(now), enqueued_at=None)
        skipped = set(cancelled) | set(held)
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
                    )
                )
    return calls


def _still_ours(call):
    """Renew the claim just before calling the provider; rows the recovery task has taken back are dropped."""
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


def _after_transient_error(ids, out_id, reason):
    now = timezone.now()
    mine = OutboxMessage.objects.filter(id__in=ids, status=Status.SENDING, provider_out_id=out_id)
    mine.filter(attempts__gte=settings.NOTIFICATIONS_MAX_ATTEMPTS).update(status=Status.FAILED, last_error=reason)
    attempts = max(mine.values_list("attempts", flat=True), default=0)
    delay = _retry_delay(attempts)
    retry_ids = list(mine.values_list("id", flat=True))
    mine.update(status=Status.QUEUED, last_error=reason, send_after=now + timedelta(seconds=delay), enqueued_at=now)
    _enqueue_send(retry_ids, countdown=delay)


def _forget_secrets(ids):
    """Blank the text of secret messages (sign-in codes) among `ids` that are done with: sent, or failed for good.

    A row that will be tried again keeps its text until then.
    """
    OutboxMessage.objects.filter(
        id__in=ids, template__in=SECRET_TEMPLATES, status__in=(Status.SENT, Status.FAILED)
    ).update(params={}, text="")


def _send_call(gateway, call):
    call = _still_ours(call)
    if not call.rows:
        return
    ids = [row_id for row_id, _phone in call.rows]
    try:
        _send_call_rows(gateway, call, ids)
    finally:
        _forget_secrets(ids)


def _send_call_rows(gateway, call, ids):
    rate_limit_acquire(gateway=gateway.name, count=len(ids))
    try:
        result = gateway.send(
            phones=[phone for _id, phone in call.rows],
            template=call.template,
            params=call.params,
            text=call.text,
            out_id=call.out_id,
        )
    except TransientError as error:
        logger.warning("SMS call %s for %d rows will be retried: %s", call.out_id, len(ids), error.reason)
        _after_transient_error(ids, call.out_id, error.reason)
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
        OutboxMessage.objects.filter(id__in=ids, status=Status.SENDING, provider_out_id=call.out_id).update(
            status=Status.FAILED, last_error=error.reason
        )
        return
    OutboxMessage.objects.filter(id__in=ids, status=Status.SENDING, provider_out_id=call.out_id).update(
        status=Status.SENT, sent_at=timezone.now(), provider_message_id=result.provider_message_id, last_error=""
    )


def outbox_send(*, outbox_ids):
    """Send the queued SMS rows among `outbox_ids`. Safe to run twice, or on two workers at once."""
    gateway = sms_gateway()
    for call in _claim(outbox_ids):
        _send_call(gateway, call)


# --- Recovery ---------------------------------------------------------------------------------------------------


def _recover_stuck_rows(gateway, now):
    """Rows left in `sending` by a worker that died: ask the provider before sending anything again."""
    stuck = list(
        OutboxMessage.objects.filter(
            status=Status.SENDING,
            claimed_at__lt=now - timedelta(seconds=settings.NOTIFICATIONS_STUCK_AFTER_SECONDS),
        ).values("id", "phone", "provider_out_id", "claimed_at")[: settings.NOTIFICATIONS_RECOVERY_LIMIT]
    )
    delivered, failed, unknown = [], {}, []
    for row in stuck:
        claimed_day = timezone.localdate(row["claimed_at"])
        days = {claimed_day, timezone.localdate(now)}
        try:
            found = [
                delivery
                for day in sorted(days)
                for delivery in gateway.deliveries(phone=row["phone"], sent_on=day)
                if delivery.out_id == row["provider_out_id"]
            ]
        except (TransientError, PermanentError) as error:
            logger.warning("Cannot ask the provider about outbox row %s yet: %s", row["id"], error.reason)
            continue
        if not found:
            unknown.append(row)
        elif found[0].failed:
            failed.setdefault(found[0].error_code, []).append(row)
        else:
            delivered.append(row)

    def still_stuck(rows):
        return Q(status=Status.SENDING) & Q(
            *[Q(id=row["id"], provider_out_id=row["provider_out_id"]) for row in rows], _connector=Q.OR
        )

    if stuck:
        logger.warning(
            "%d rows were stuck in sending: %d had reached the provider, %d failed there, %d go again",
            len(stuck),
            len(delivered),
            sum(len(rows) for rows in failed.values()),
            len(unknown),
        )
    with transaction.atomic():
        if delivered:
            OutboxMessage.objects.filter(still_stuck(delivered)).update(status=Status.SENT, sent_at=now)
            _forget_secrets([row["id"] for row in delivered])
        for error_code, rows in failed.items():
            OutboxMessage.objects.filter(still_stuck(rows)).update(
                status=Status.FAILED, last_error=f"QuerySendDetails: {error_code}"
            )
        if unknown:
            # The provider never received them: they can go again without being doubled.
            OutboxMessage.objects.filter(still_stuck(unknown)).update(status=Status.QUEUED, enqueued_at=now)
            _enqueue_send([row["id"] for row in unknown])
    return len(stuck)


def _requeue_lost_rows(now):
    """Queued rows that are due but whose task is gone (a lost broker, the quiet hours just ended)."""
    stale = now - timedelta(seconds=settings.NOTIFICATIONS_REQUEUE_AFTER_SECONDS)
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(channel=Channel.SMS, status=Status.QUEUED, send_after__lte=now)
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
            .values_list("id", flat=True)
            .order_by("id")[: settings.NOTIFICATIONS_RECOVERY_LIMIT]
        )
        OutboxMessage.objects.filter(id__in=ids).update(enqueued_at=now)
        _enqueue_send(ids)
        broadcasts = list(
            Broadcast.objects.filter(status=BroadcastStatus.PREPARING, updated_at__lt=stale).values_list(
                "id", flat=True
            )
        )
        for broadcast_id in broadcasts:
            transaction.on_commit(lambda broadcast_id=broadcast_id: tasks.broadcast_fan_out.delay(broadcast_id))
    return len(ids)


RECOVERY_LOCK = "notifications:recovery"


def outbox_recover():
    """The periodic repair: settle rows stuck in `sending`, re-enqueue queued rows whose task was lost.

    One run at a time across all workers: two would ask the provider about the same rows twice over.
    """
    if not cache.add(RECOVERY_LOCK, "running", timeout=settings.CELERY_TASK_TIME_LIMIT):
        return {"stuck": 0, "requeued": 0, "skipped": True}
    try:
        now = timezone.now()
        return {"stuck": _recover_stuck_rows(sms_gateway(), now), "requeued": _requeue_lost_rows(now), "skipped": False}
    finally:
        cache.delete(RECOVERY_LOCK)
