"""Writing messages: `notify`, the one way any app sends anything (see docs/notifications.md), and
`message_rows_sql`, the same rows for one recipient as SQL, for a statement that writes them with its own rows."""

import functools
import json
import logging
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.notifications.catalog import message_template
from core.notifications.models import (
    Broadcast,
    Channel,
    Kind,
    NotificationPreference,
    OutboxMessage,
    Status,
)
from core.notifications.publishing import send_after_commit
from core.notifications.rules import china_day_bounds, marketing_send_after
from core.observability.request_id import current_request_id

if TYPE_CHECKING:
    from core.accounts.models import User

# A template's variables and their values.
Context = Mapping[str, Any]

logger = logging.getLogger(__name__)

OPTED_OUT_REASON = "用户已关闭短信"
DAILY_CAP_REASON = "已达每日推送上限"
EXPIRED_REASON = "已过有效期，不再发送"


def sms_opted_out_users(user_ids: Iterable[int]) -> set[int]:
    return set(
        NotificationPreference.objects.filter(user_id__in=user_ids, sms_enabled=False).values_list("user_id", flat=True)
    )


# The key of the transaction-scoped advisory lock that the writers of marketing SMS take in turn.
DAILY_CAP_LOCK_KEY = 0x6E6F746966696361  # "notifica"


def daily_cap_serialise() -> None:
    """Make the writers of marketing SMS count today's pushes one after the other, until the caller's transaction
    ends: the second sees the first's rows, so the daily cap holds under concurrency however many write at once.

    One lock per writer, not one per recipient: locking each recipient's user row (FOR NO KEY UPDATE writes the lock
    into every row's page) made a fan-out chunk of 1,000 people pay 1,000 row writes (docs/notifications.md,
    Benchmark). The writers it serialises are few (a broadcast's fan-out runs chunk after chunk
    anyway, the nightly push, a resend) and critical messages (codes, bookings) never take it. SQLite, the embedded
    mode, lets one transaction write at a time already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DAILY_CAP_LOCK_KEY])


def marketing_sms_per_recipient(
    recipients: Iterable["User | int"] | QuerySet["User"], moment: datetime
) -> QuerySet[OutboxMessage, Any]:
    """The marketing SMS each of `recipients` (users or their ids) has on `moment`'s China day, as rows of
    recipient_id and total: what the daily cap counts (failed and cancelled ones do not)."""
    day_start, day_end = china_day_bounds(moment)
    return (
        OutboxMessage.objects.filter(
            recipient__in=recipients,
            channel=Channel.SMS,
            kind=Kind.MARKETING,
            send_after__gte=day_start,
            send_after__lt=day_end,
        )
        .exclude(status__in=[Status.FAILED, Status.CANCELLED])
        .values("recipient_id")
        .annotate(total=Count("id"))
    )


def marketing_sms_today(user_ids: Iterable[int], moment: datetime) -> dict[int, int]:
    return {row["recipient_id"]: row["total"] for row in marketing_sms_per_recipient(user_ids, moment)}


def channels_validated(channels: Iterable[str]) -> list[str]:
    channels = list(dict.fromkeys(channels))
    if not channels or any(channel not in Channel.values for channel in channels):
        raise ApplicationError(_("请选择发送渠道: 短信或站内信。"), field="channels")
    return channels


@transaction.atomic
def notify(
    *,
    recipients: Iterable["User"],
    template: str,
    context: Context,
    channels: Iterable[str],
    broadcast: Broadcast | None = None,
) -> list[OutboxMessage]:
    """Write one outbox row per recipient and channel in the caller's transaction; SMS go out after it commits.

    `recipients`: User rows (a list or a queryset); SMS rows are made only for those with a phone. `template`: a
    key of the catalogue (`catalog.register_templates`); `context`: its variables. `channels`: any of "sms",
    "inbox". Returns the rows, including those cancelled at once (opted out of SMS, over the daily cap) with the
    reason in `last_error`.
    """
    return notify_each(
        messages=[(user, context) for user in recipients], template=template, channels=channels, broadcast=broadcast
    )


@transaction.atomic
def notify_each(
    *,
    messages: Iterable[tuple["User", Context]],
    template: str,
    channels: Iterable[str],
    broadcast: Broadcast | None = None,
) -> list[OutboxMessage]:
    """`notify` with a context per recipient: `messages` is [(user, context)]. The same rules, read once for all
    of them (opt-outs, today's marketing SMS), so that a nightly digest to thousands costs a few queries, not a
    few per person."""
    message = message_template(template)
    channels = channels_validated(channels)
    if message.inbox_only and Channel.SMS in channels:
        raise ApplicationError(_("“%(template)s”只能作为站内信发送。") % {"template": message.label}, field="channels")
    rendered: dict[int, tuple[Context, str, dict]] = {}

    def text_and_params(context: Context) -> tuple[str, dict]:
        # Contexts shared by many recipients (a broadcast) are rendered once.
        if id(context) not in rendered:
            if Channel.SMS in channels:
                message.check_sms_limits(context)
            rendered[id(context)] = (context, message.render(context), message.params(context))
        _context, text, params = rendered[id(context)]
        return text, params

    now = timezone.now()
    expires_at = message.expires_at(now)
    sms_send_after = marketing_send_after(now) if message.kind == Kind.MARKETING else now
    messages = [(user, context) for user, context in messages]
    user_ids = [user.pk for user, _context in messages]
    opted_out = sms_opted_out_users(user_ids) if Channel.SMS in channels else set()
    capped = Channel.SMS in channels and message.kind == Kind.MARKETING
    if capped:
        daily_cap_serialise()
    sent_today = marketing_sms_today(user_ids, sms_send_after) if capped else {}
    request_id = current_request_id()
    rows: list[OutboxMessage] = []
    for user, context in messages:
        text, params = text_and_params(context)
        for channel in channels:
            if channel == Channel.SMS and not user.phone:
                continue
            row = OutboxMessage(
                recipient_id=user.pk,
                channel=channel,
                phone=user.phone if channel == Channel.SMS else "",
                template=message.key,
                kind=message.kind,
                params=params,
                text=text,
                broadcast=broadcast,
                idempotency_key=f"b{broadcast.pk}-u{user.pk}-{channel}" if broadcast else uuid.uuid4().hex,
                send_after=now,
                expires_at=expires_at if channel == Channel.SMS else None,
                request_id=request_id,
            )
            if channel == Channel.INBOX:
                # The inbox is our own table: the row is the delivered message.
                row.status, row.sent_at = Status.SENT, now
            elif user.pk in opted_out and not message.ignores_opt_out:
                row.status, row.last_error = Status.CANCELLED, OPTED_OUT_REASON
            elif message.kind == Kind.MARKETING and sent_today.get(user.pk, 0) >= settings.NOTIFICATIONS_DAILY_CAP:
                row.status, row.last_error = Status.CANCELLED, DAILY_CAP_REASON
            else:
                row.send_after = sms_send_after
                if sms_send_after <= now:
                    row.enqueued_at = now
            rows.append(row)
    OutboxMessage.objects.bulk_create(rows, batch_size=1000)
    send_after_commit((row.pk, row.template) for row in rows if row.enqueued_at is not None)
    return rows


class MessageRows(NamedTuple):
    """One message's outbox rows as SQL (message_rows_sql): an INSERT and its named parameters."""

    sql: str
    params: dict

    def as_cte(self, name: str) -> str:
        """The INSERT as a data-modifying CTE `name AS (INSERT …)`, for a WITH list that writes it with its own
        rows: the statement lists the CTEs rather than splicing SQL text into a template string."""
        return f"{name} AS ({self.sql})"


# The columns message_rows_sql fills; the others keep their defaults (NULL, no broadcast).
_ROW_COLUMNS = (
    "recipient_id, channel, phone, template, kind, params, text, status, attempts, last_error, provider_message_id,"
    " provider_out_id, idempotency_key, send_after, sent_at, created_at, updated_at, expires_at, request_id"
)


@functools.lru_cache(maxsize=64)
def _message_rows_statement(
    template: str,
    has_phone: bool,
    sql_context: tuple[tuple[str, str], ...],
    source: str,
    condition: str,
    prefix: str,
    vendor: str,
) -> str:
    """message_rows_sql's statement, which depends only on its shape: built once per shape, not per message."""
    message = message_template(template)
    name = f"{prefix}_%s"

    def param(key: str) -> str:
        return f"%({name % key})s"

    text_sql, params_sql = param("text"), param("params")
    user_sql, now_sql, expires_sql = param("user"), param("now"), param("expires_at")
    if vendor == "postgresql":
        # Typed here, not by the driver's literals: in a prepared statement (core/prepared.py) the UNION would
        # otherwise resolve the untyped parameters as text.
        params_sql = f"CAST({params_sql} AS jsonb)"
        user_sql, now_sql = f"CAST({user_sql} AS bigint)", f"CAST({now_sql} AS timestamptz)"
        expires_sql = f"CAST({expires_sql} AS timestamptz)"
    for variable, expression in sql_context:
        text_sql = f"replace({text_sql}, '${{{variable}}}', ({expression})::text)"
        params_sql = f"{params_sql} || jsonb_build_object('{variable}', ({expression})::text)"
    tail = (f" FROM {source}" if source else "") + (f" WHERE {condition}" if condition else "")

    def row(*, channel: str, phone: str, status: str, error: str, key: str, sent_at: str, expires_at: str) -> str:
        return (
            f"SELECT {user_sql}, {channel}, {phone}, {param('template')}, {param('kind')}, {params_sql}, "
            f"{text_sql}, {status}, 0, {error}, '', '', {key}, {now_sql}, {sent_at}, {now_sql}, {now_sql}, "
            f"{expires_at}, {param('request')}{tail}"
        )

    rows = [
        row(
            channel=param("inbox"),
            phone="''",
            status=param("sent"),
            error="''",
            key=param("inbox_key"),
            sent_at=now_sql,
            expires_at="NULL",
        )
    ]
    if has_phone:
        opted_out = (
            "false"
            if message.ignores_opt_out
            else f"EXISTS (SELECT 1 FROM {NotificationPreference._meta.db_table}"
            f" WHERE user_id = {user_sql} AND NOT sms_enabled)"
        )
        rows.append(
            row(
                channel=param("sms"),
                phone=param("phone"),
                status=f"CASE WHEN {opted_out} THEN {param('cancelled')} ELSE {param('queued')} END",
                error=f"CASE WHEN {opted_out} THEN {param('opted_out')} ELSE '' END",
                key=param("sms_key"),
                sent_at="NULL",
                # A sign-in code's life, as notify gives it: never sent after it.
                expires_at=expires_sql,
            )
        )
    return f"INSERT INTO {OutboxMessage._meta.db_table} ({_ROW_COLUMNS}) " + " UNION ALL ".join(rows)


def message_rows_sql(
    *,
    user: "User",
    template: str,
    context: Context,
    sql_context: Mapping[str, str] | None = None,
    source: str = "",
    condition: str = "",
    prefix: str = "message",
) -> MessageRows:
    """The rows `notify` writes for one critical message to one user on SMS and inbox, as one INSERT statement (or
    a data-modifying CTE's body) for a caller that must write them in the same statement as its own rows.

    Returns a `MessageRows` (sql, params); `prefix` names the params so that two calls can share one statement.
    The same rules as `notify`: the inbox row delivered at once, an SMS row only for a user with a phone, cancelled with
    OPTED_OUT_REASON when they turned SMS off (decided by the statement itself), the text and the provider's
    parameters rendered from the catalogue. The SMS row is left queued and not enqueued: the outbox sender's
    dispatch (`outbox_dispatch`, every two seconds) publishes it, a batch to a Celery message, so the statement's caller
    publishes nothing. Critical messages only: the marketing rules (quiet hours, daily cap) read other rows first.

    `sql_context` (PostgreSQL): template variables only the statement knows, each an SQL expression over `source`
    (a FROM item such as a CTE's name), the rows made only where `condition` holds.
    """
    message = message_template(template)
    if message.kind != Kind.CRITICAL:
        raise ApplicationError(_("只有重要消息可以随业务数据一并写入。"), field="template")
    sql_context = sql_context or {}
    # The variables the statement fills in are left as their own ${name} in the text, replaced by the statement.
    values = {**context, **{name: f"${{{name}}}" for name in sql_context}}
    text = message.render(values)
    params = {name: value for name, value in message.params(values).items() if name not in sql_context}
    sql = _message_rows_statement(
        template,
        bool(user.phone),
        tuple(sql_context.items()),
        source,
        condition,
        prefix,
        connection.vendor,
    )
    name = f"{prefix}_%s"
    now = timezone.now()
    values = {
        "user": user.pk,
        "phone": user.phone,
        "template": message.key,
        "kind": message.kind,
        "params": json.dumps(params, ensure_ascii=False),
        "text": text,
        "now": connection.ops.adapt_datetimefield_value(now),
        "expires_at": connection.ops.adapt_datetimefield_value(message.expires_at(now)),
        "inbox": Channel.INBOX,
        "sms": Channel.SMS,
        "sent": Status.SENT,
        "queued": Status.QUEUED,
        "cancelled": Status.CANCELLED,
        "opted_out": OPTED_OUT_REASON,
        "inbox_key": uuid.uuid4().hex,
        "sms_key": uuid.uuid4().hex,
        "request": current_request_id(),
    }
    return MessageRows(sql, {name % key: value for key, value in values.items()})
