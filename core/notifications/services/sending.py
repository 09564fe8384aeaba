"""Sending the queued SMS rows to the provider: `outbox_send` claims the rows it is given, groups them into
provider calls of one text each, makes the calls and writes what the provider answered.

The other two jobs around the outbox have their own modules and tasks, so that none waits on another:
`dispatch` (the rows no task carries, the rows of dead workers) and `reconciliation` (asking the provider about
calls whose outcome is unknown).
"""

import json
import logging
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from core.batching import chunked
from core.notifications.catalog import message_template, sent_in_bulk
from core.notifications.gateways import (
    ConnectError,
    OutcomeUnknownError,
    PermanentError,
    SendResult,
    SmsGateway,
    TransientError,
    sms_gateway,
)
from core.notifications.models import Channel, Kind, OutboxMessage, Status
from core.notifications.outcome_counts import sms_outcome_count
from core.notifications.ratelimit import messages_per_second, rate_limit_acquire
from core.notifications.rules import in_quiet_hours, marketing_send_after
from core.notifications.services.messages import EXPIRED_REASON, OPTED_OUT_REASON, sms_opted_out_users
from core.notifications.services.settling import rows_requeue, secrets_forget
from core.observability.request_id import current_request_id, request_id_bound

logger = logging.getLogger(__name__)

LOST_ANSWER_REASON = "服务商未应答，正在向服务商核实是否已发送"


@dataclass(frozen=True)
class _ProviderCall:
    out_id: str
    template: str
    params: dict
    text: str
    rows: tuple[tuple[int, str], ...]  # (id, phone) pairs
    # The request that wrote the rows (a booking's, a broadcast's): the send logs as part of it.
    request_id: str = ""
    # Sent in bulk (the template's `in_bulk`): only the bulk share of the SMS rate (ratelimit.py).
    bulk: bool = False


def _call_size(*, bulk: bool) -> int:
    rate = messages_per_second(bulk=bulk)
    most = sms_gateway().max_numbers
    return min(settings.NOTIFICATIONS_BATCH_SIZE, most, rate or most)


def _claim(outbox_ids: list[int]) -> list[_ProviderCall]:
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
        opted_out = sms_opted_out_users({row.recipient_id for row in rows})
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
        by_text: dict[tuple[str, str], list[OutboxMessage]] = {}
        for row in rows:
            if row.pk not in skipped:
                key = (row.template, json.dumps(row.params, sort_keys=True, ensure_ascii=False))
                by_text.setdefault(key, []).append(row)
        calls: list[_ProviderCall] = []
        for (template, _params), same_text in by_text.items():
            bulk = sent_in_bulk(template)
            for chunk in chunked(same_text, _call_size(bulk=bulk)):
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
                        bulk=bulk,
                    )
                )
    return calls


def _still_ours(call: _ProviderCall) -> _ProviderCall:
    """Renew the claim just before calling the provider; rows the dispatch has marked `unknown` are dropped."""
    ids = [row_id for row_id, _phone in call.rows]
    mine = OutboxMessage.objects.filter(id__in=ids, status=Status.SENDING, provider_out_id=call.out_id)
    if mine.update(claimed_at=timezone.now()) == len(ids):
        return call
    kept = set(mine.values_list("id", flat=True))
    return replace(call, rows=tuple(row for row in call.rows if row[0] in kept))


def _retry_delay(attempts: int) -> int:
    return min(settings.NOTIFICATIONS_RETRY_BASE_SECONDS * 2 ** (attempts - 1), 600)


def _after_transient_error(ids: list[int], out_id: str, error: TransientError) -> None:
    mine = OutboxMessage.objects.filter(id__in=ids, status=Status.SENDING, provider_out_id=out_id)
    attempts = max(mine.values_list("attempts", flat=True), default=0)
    rows_requeue(mine, reason=error.reason, error_code=error.code, delay=_retry_delay(attempts), now=timezone.now())


def _after_lost_answer(ids: list[int], out_id: str, reason: str) -> None:
    """The call went out and its answer did not come back: the provider may have sent every SMS of it. The rows
    wait as `unknown` for the reconciliation to ask the provider, never sent again blind."""
    now = timezone.now()
    OutboxMessage.objects.filter(id__in=ids, status=Status.SENDING, provider_out_id=out_id).update(
        status=Status.UNKNOWN, last_error=reason, error_code="no-answer", reconcile_after=now
    )


def _provider_send(gateway: SmsGateway, call: _ProviderCall) -> SendResult:
    def send() -> SendResult:
        return gateway.send(
            phones=[phone for _id, phone in call.rows],
            template=call.template,
            # In the order the variables appear in the text (a stored JSON object keeps none): Tencent numbers them.
            params={
                name: call.params[name] for name in message_template(call.template).variables if name in call.params
            },
            text=call.text,
            out_id=call.out_id,
        )

    try:
        return send()
    except ConnectError as error:
        # No connection, so nothing reached the provider: one more try at once cannot double anything.
        logger.warning("SMS call %s: %s; trying again at once", call.out_id, error.reason)
        return send()


def _send_call(gateway: SmsGateway, call: _ProviderCall) -> None:
    call = _still_ours(call)
    if not call.rows:
        return
    ids = [row_id for row_id, _phone in call.rows]
    try:
        with request_id_bound(call.request_id or current_request_id()):
            _send_call_rows(gateway, call, ids)
    finally:
        secrets_forget(ids)


def _send_call_rows(gateway: SmsGateway, call: _ProviderCall, ids: list[int]) -> None:
    rate_limit_acquire(gateway=gateway.name, count=len(ids), bulk=call.bulk)
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
                        out_id=single_out_id,
                        template=call.template,
                        params=call.params,
                        text=call.text,
                        rows=(row,),
                        request_id=call.request_id,
                        bulk=call.bulk,
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


def _message_ids(call: _ProviderCall, result: SendResult) -> Case | Value:
    """Each row's provider message id: its own number's where the provider gives one (Tencent's SerialNo, which
    its receipt push names), else the call's."""
    whens = [
        When(id=row_id, then=Value(result.message_ids[phone]))
        for row_id, phone in call.rows
        if phone in result.message_ids
    ]
    fallback = Value(result.provider_message_id)
    return Case(*whens, default=fallback) if whens else fallback


def _first_receipt_question(gateway: SmsGateway, sent_at: datetime) -> datetime | None:
    if not gateway.reports_delivery:
        return None
    return sent_at + timedelta(seconds=settings.NOTIFICATIONS_RECEIPT_DELAY_SECONDS)


def outbox_send(*, outbox_ids: list[int]) -> None:
    """Send the queued SMS rows among `outbox_ids`. Safe to run twice, or on two workers at once."""
    gateway = sms_gateway()
    for call in _claim(outbox_ids):
        _send_call(gateway, call)
