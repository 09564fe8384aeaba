"""Retention of the outbox (docs/security.md, "Retention"): an SMS is a copy of what went to the provider, so once
it is settled and old its text and variables go; the row stays (status, phone, times) for the statistics and the
provider's bill. Inbox rows are the person's own messages, kept until they or their deletion request remove them."""

from django.db.models import Q

from core.notifications.models import Channel, OutboxMessage, Status

SETTLED = (Status.SENT, Status.FAILED, Status.CANCELLED)


def sms_bodies_due(*, before):
    """Settled SMS rows written before `before` whose body is still there."""
    return OutboxMessage.objects.filter(channel=Channel.SMS, status__in=SETTLED, created_at__lt=before).filter(
        ~Q(text="") | ~Q(params={})
    )


def sms_bodies_blank(*, ids):
    """Blank the text and variables of the rows `ids` (re-checked as settled); returns how many."""
    return OutboxMessage.objects.filter(pk__in=ids, channel=Channel.SMS, status__in=SETTLED).update(text="", params={})
