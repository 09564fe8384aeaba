"""Broadcasts: staff send one text to many, fanned out chunk by chunk through `notify`."""

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.scoping import user_can_access_region
from core.errors import ApplicationError
from core.notifications.catalog import MessageTemplate, message_template
from core.notifications.models import (
    Broadcast,
    BroadcastStatus,
    Channel,
    Kind,
    OutboxMessage,
    Status,
)
from core.notifications.publishing import fan_out, send_after_commit
from core.notifications.recipient_filters import RECIPIENT_FILTERS
from core.notifications.rules import marketing_send_after
from core.notifications.selectors import broadcast_failure_reasons, broadcast_recipients
from core.notifications.services.messages import (
    DAILY_CAP_REASON,
    Context,
    channels_validated,
    daily_cap_serialise,
    marketing_sms_per_recipient,
    marketing_sms_today,
    notify,
)

if TYPE_CHECKING:
    from core.accounts.models import User

# --- Broadcasts -------------------------------------------------------------------------------------------------


def broadcast_preview(*, actor: "User", filters: dict[str, Any], template: str, context: Context) -> dict[str, Any]:
    """What a broadcast would do, without doing it: the recipients' number and the rendered text."""
    message = message_template(template)
    if not message.broadcastable:
        raise ApplicationError(_("这个模板不能用于群发。"), field="template")
    for name, value in filters.items():
        if value and not RECIPIENT_FILTERS[name].accepts(value):
            raise ApplicationError(_("收件人筛选条件无效，请重新选择。"), field=name)
    region_code = filters.get("region")
    if region_code and not user_can_access_region(actor, region_code):
        raise ApplicationError(_("只能向本辖区内的人员群发。"), field="region")
    if not region_code and not actor.has_full_scope:
        filters = {**filters, "region": actor.region_id}
    message.check_sms_limits(context)
    recipients = broadcast_recipients(actor=actor, filters=filters)
    text = message.render(context)
    return {"filters": filters, "text": text, **_sms_outlook(recipients, message)}


def _sms_outlook(recipients: QuerySet["User"], message: MessageTemplate) -> dict[str, Any]:
    """How many the SMS would reach and how: not at all (opted out, over today's cap), or after the quiet hours."""
    now = timezone.now()
    recipient_count = recipients.count()
    opted_out = recipients.filter(notification_preference__sms_enabled=False).count()
    over_cap, held_until = 0, None
    if message.kind == Kind.MARKETING:
        send_after = marketing_send_after(now)
        over_cap = (
            marketing_sms_per_recipient(
                recipients.filter(
                    Q(notification_preference__isnull=True) | Q(notification_preference__sms_enabled=True)
                ),
                send_after,
            )
            .filter(total__gte=settings.NOTIFICATIONS_DAILY_CAP)
            .count()
        )
        held_until = send_after if send_after > now else None
    return {
        "recipient_count": recipient_count,
        "opted_out": opted_out,
        "over_cap": over_cap,
        # The SMS that will wait for the end of the quiet hours, and when they go.
        "held": recipient_count - opted_out - over_cap if held_until else 0,
        "held_until": held_until,
    }


def _confirmation_token(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@transaction.atomic
def broadcast_create(
    *,
    actor: "User",
    filters: dict[str, Any],
    template: str,
    context: Context,
    channels: Iterable[str],
    confirmation_token: str | uuid.UUID | None = None,
) -> tuple[Broadcast, bool]:
    """Start a broadcast. Returns (broadcast, created). `confirmation_token`, the one-time token of the form that
    showed the preview, makes the confirmation count once: submitted again (a double click, a reload), it returns
    the broadcast the first submit made instead of sending everything a second time."""
    token = _confirmation_token(confirmation_token) if confirmation_token is not None else None
    if token is not None:
        earlier = Broadcast.objects.filter(confirmation_token=token, created_by=actor).first()
        if earlier is not None:
            return earlier, False
    preview = broadcast_preview(actor=actor, filters=filters, template=template, context=context)
    channels = channels_validated(channels)
    if confirmation_token is not None and token is None:
        raise ApplicationError(_("确认已失效，请重新预览后再确认发送。"))
    if preview["recipient_count"] == 0:
        raise ApplicationError(_("没有符合条件的收件人。"))
    try:
        # A savepoint: the twin submit that inserted the same token first makes this one fail alone.
        with transaction.atomic():
            broadcast = Broadcast.objects.create(
                created_by=actor,
                region_id=preview["filters"].get("region"),
                recipient_filters=preview["filters"],
                template=template,
                context=context,
                channels=channels,
                text=preview["text"],
                recipient_count=preview["recipient_count"],
                confirmation_token=token,
            )
    except IntegrityError:
        earlier = Broadcast.objects.filter(confirmation_token=token, created_by=actor).first()
        if earlier is None:
            raise
        return earlier, False
    transaction.on_commit(lambda: fan_out(broadcast.pk))
    return broadcast, True


def broadcast_fan_out(*, broadcast_id: int) -> None:
    """Create the broadcast's outbox rows chunk by chunk, each chunk in its own transaction with its tasks.

    Resumable: the cursor moves in the same transaction as the rows it covers, and the broadcast row's lock
    keeps two runs from doing one chunk twice.
    """
    while True:
        with transaction.atomic():
            broadcast = Broadcast.objects.select_for_update().select_related("created_by").get(pk=broadcast_id)
            if broadcast.status != BroadcastStatus.PREPARING:
                return
            chunk = list(
                broadcast_recipients(actor=broadcast.created_by, filters=broadcast.recipient_filters)
                .filter(id__gt=broadcast.fanned_out_through)
                .order_by("id")
                .only("id", "phone")[: settings.NOTIFICATIONS_BATCH_SIZE]
            )
            if chunk:
                notify(
                    recipients=chunk,
                    template=broadcast.template,
                    context=broadcast.context,
                    channels=broadcast.channels,
                    broadcast=broadcast,
                )
                broadcast.fanned_out_through = chunk[-1].pk
                broadcast.prepared_count += len(chunk)
            else:
                broadcast.status = BroadcastStatus.SENDING
            broadcast.save(update_fields=["fanned_out_through", "prepared_count", "status", "updated_at"])
            if not chunk:
                return


@transaction.atomic
def broadcast_resend_failed(*, broadcast: Broadcast) -> int:
    """Send the broadcast's failed SMS again (the staff member fixed the cause): queued afresh, under the same rules
    (the quiet hours, today's cap, the opt-out at sending). Failures that resending cannot mend (a bad number, an
    expired message) stay failed. Returns how many go again."""
    resendable = [reason.code for reason in broadcast_failure_reasons(broadcast=broadcast) if reason.resendable]
    rows = OutboxMessage.objects.select_for_update().filter(
        broadcast=broadcast, channel=Channel.SMS, status=Status.FAILED, error_code__in=resendable
    )
    rows = list(rows.only("id", "recipient_id", "template"))
    if not rows:
        return 0
    now = timezone.now()
    send_after = marketing_send_after(now) if message_template(broadcast.template).kind == Kind.MARKETING else now
    recipient_ids = [row.recipient_id for row in rows]
    daily_cap_serialise()
    today = marketing_sms_today(recipient_ids, send_after)
    over_cap = {row.pk for row in rows if today.get(row.recipient_id, 0) >= settings.NOTIFICATIONS_DAILY_CAP}
    again = [row.pk for row in rows if row.pk not in over_cap]
    OutboxMessage.objects.filter(pk__in=over_cap).update(status=Status.CANCELLED, last_error=DAILY_CAP_REASON)
    OutboxMessage.objects.filter(pk__in=again).update(
        status=Status.QUEUED,
        attempts=0,
        last_error="",
        error_code="",
        send_after=send_after,
        enqueued_at=now if send_after <= now else None,
    )
    if send_after <= now:
        send_after_commit((row.pk, row.template) for row in rows if row.pk not in over_cap)
    return len(again)
