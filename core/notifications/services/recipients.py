"""The recipient's side: reading, opting out, erasure."""

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from core.notifications.catalog import registered_templates
from core.notifications.models import (
    Channel,
    NotificationPreference,
    OutboxMessage,
    Status,
)
from core.notifications.services.messages import OPTED_OUT_REASON

if TYPE_CHECKING:
    from core.accounts.models import User

# --- The recipient's side ---------------------------------------------------------------------------------------


@transaction.atomic
def recipient_messages_erase(*, user: "User") -> int:
    """Delete every message ever addressed to `user`. For erasure of personal data: the rows keep the phone number
    and texts that may name the person. Returns how many were deleted."""
    deleted, _by_model = OutboxMessage.objects.filter(recipient=user).delete()
    return deleted


def inbox_mark_read(*, user: "User") -> int:
    return OutboxMessage.objects.filter(
        recipient=user, channel=Channel.INBOX, status=Status.SENT, read_at__isnull=True
    ).update(read_at=timezone.now())


@transaction.atomic
def notification_preference_set(*, user: "User", sms_enabled: bool) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"sms_enabled": sms_enabled}
    )
    if not sms_enabled:
        # Opting out stops what is already waiting too, not only what comes later.
        pushed = [template.key for template in registered_templates() if not template.ignores_opt_out]
        OutboxMessage.objects.filter(
            recipient=user, channel=Channel.SMS, status=Status.QUEUED, template__in=pushed
        ).update(status=Status.CANCELLED, last_error=OPTED_OUT_REASON)
    return preference
