from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from core.accounts.models import User
from core.accounts.scoping import scope_to_user
from core.notifications.failures import FailureReason, failure_reasons
from core.notifications.models import Broadcast, BroadcastStatus, Channel, Delivery, OutboxMessage, Status
from core.notifications.recipient_filters import RECIPIENT_FILTERS


def broadcast_recipients(*, actor: User, filters: Mapping[str, Any]) -> QuerySet[User]:
    """The users with phones that `filters` choose, inside the actor's scope. Unknown or empty filters are ignored
    only when empty: an unknown name is a programming error and raises KeyError."""
    users = scope_to_user(actor, User.objects.filter(is_active=True, phone__isnull=False))
    for name, value in filters.items():
        if value:
            users = RECIPIENT_FILTERS[name].apply(users, value)
    return users


def _status_counts(prefix: str = "") -> dict[str, Count]:
    return {
        status: Count("id", filter=Q(**{f"{prefix}channel": Channel.SMS, f"{prefix}status": status}))
        for status in Status.values
    }


class Stage:
    """Where a broadcast is, as its page says it."""

    PREPARING = "preparing"  # writing the recipients' rows: 准备收件人 x / y
    SENDING = "sending"
    HELD = "held"  # everything left waits for the end of the quiet hours
    FINISHED = "finished"


def _stage_text(stage: str, broadcast: Broadcast, held_until: datetime | None) -> str:
    if stage == Stage.PREPARING:
        return gettext("准备收件人 %(prepared)s / %(total)s") % {
            "prepared": broadcast.prepared_count,
            "total": broadcast.recipient_count,
        }
    if stage == Stage.HELD:
        return gettext("等待夜间免打扰结束（%(time)s 发送）") % {
            "time": timezone.localtime(held_until).strftime("%H:%M")
        }
    if stage == Stage.FINISHED:
        return gettext("完成")
    return gettext("发送中")


def broadcast_progress(*, broadcast: Broadcast) -> dict[str, Any]:
    """The broadcast's rows by status, its stage and how far it is: sent out of the recipients the preview counted
    (inbox messages for a broadcast without SMS), so neither an empty start nor a half-written fan-out reads 100%.

    `held`: queued rows waiting out the quiet hours; `refresh_seconds`: when the page should look again (every two
    seconds while it moves, at the end of the quiet hours while it waits, never once finished)."""
    now = timezone.now()
    counts = OutboxMessage.objects.filter(broadcast=broadcast).aggregate(
        **_status_counts(),
        inbox=Count("id", filter=Q(channel=Channel.INBOX)),
        held=Count("id", filter=Q(channel=Channel.SMS, status=Status.QUEUED, send_after__gt=now)),
        held_until=Min("send_after", filter=Q(channel=Channel.SMS, status=Status.QUEUED, send_after__gt=now)),
        delivered=Count("id", filter=Q(channel=Channel.SMS, delivery=Delivery.DELIVERED)),
        undelivered=Count("id", filter=Q(channel=Channel.SMS, delivery=Delivery.UNDELIVERED)),
    )
    held_until = counts.pop("held_until")
    outstanding = counts[Status.QUEUED] + counts[Status.SENDING] + counts[Status.UNKNOWN]
    prepared = broadcast.status != BroadcastStatus.PREPARING
    if not prepared:
        stage = Stage.PREPARING
    elif outstanding == 0:
        stage = Stage.FINISHED
    elif outstanding == counts["held"]:
        stage = Stage.HELD
    else:
        stage = Stage.SENDING
    done = counts[Status.SENT] if Channel.SMS in broadcast.channels else counts["inbox"]
    expected = broadcast.recipient_count
    if stage == Stage.FINISHED:
        refresh_seconds = None
    elif stage == Stage.HELD:
        refresh_seconds = max(2, int((held_until - now).total_seconds()) + 2)
    else:
        refresh_seconds = 2
    return {
        **counts,
        "sms_total": sum(counts[status] for status in Status.values),
        "recipient_count": expected,
        "prepared_count": broadcast.prepared_count if not prepared else expected,
        "done": done,
        "prepared": prepared,
        "finished": stage == Stage.FINISHED,
        "stage": stage,
        "stage_text": _stage_text(stage, broadcast, held_until),
        "refresh_seconds": refresh_seconds,
        "percent_done": min(100, 100 * done // expected) if expected else 0,
    }


def broadcast_failure_reasons(*, broadcast: Broadcast) -> list[FailureReason]:
    """The broadcast's failed SMS grouped by the provider's code, each with what it means and what to do."""
    counts = (
        OutboxMessage.objects.filter(broadcast=broadcast, channel=Channel.SMS, status=Status.FAILED)
        .values_list("error_code")
        .annotate(total=Count("id"))
    )
    return failure_reasons(list(counts))


def broadcast_undelivered(*, broadcast: Broadcast, limit: int = 50) -> QuerySet[OutboxMessage]:
    """The people the carrier did not deliver the broadcast's SMS to, with its reason (the first `limit`)."""
    return (
        OutboxMessage.objects.filter(broadcast=broadcast, channel=Channel.SMS, delivery=Delivery.UNDELIVERED)
        .select_related("recipient")
        .order_by("id")[:limit]
    )


def broadcast_list(*, actor: User) -> QuerySet[Broadcast]:
    prefixed = {f"sms_{status}": count for status, count in _status_counts("messages__").items()}
    return (
        scope_to_user(actor, Broadcast.objects.all())
        .select_related("created_by", "region")
        .annotate(**prefixed)
        .order_by("-created_at")
    )


def broadcast_get(*, actor: User, broadcast_id: int) -> Broadcast | None:
    return (
        scope_to_user(actor, Broadcast.objects.select_related("created_by", "region")).filter(pk=broadcast_id).first()
    )


def inbox_messages(*, user: User) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(recipient=user, channel=Channel.INBOX, status=Status.SENT).order_by(
        "-created_at", "-id"
    )


def inbox_unread_count(*, user: User) -> int:
    return inbox_messages(user=user).filter(read_at__isnull=True).count()


def recipient_messages(*, user: User) -> QuerySet[OutboxMessage]:
    """Every message to one person, newest first: for their record in the console (the worker registry's page)."""
    return OutboxMessage.objects.filter(recipient=user).select_related("broadcast").order_by("-created_at", "-id")
