from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.accounts.models import Role, User
from core.accounts.scoping import scope_to_user
from core.notifications.models import Broadcast, Channel, OutboxMessage, Status
from core.regions.models import Region


@dataclass(frozen=True)
class RecipientFilter:
    """One way of choosing a broadcast's recipients: `apply(users, value)` narrows a queryset of users. With a
    `label`, the broadcast form offers it as a field with `choices` ((value, label) pairs) and the broadcast pages
    describe a stored value by those labels."""

    name: str
    apply: Callable
    label: str = ""
    choices: tuple = ()

    def accepts(self, value):
        """Whether `value` is one of the choices (a filter without choices, the region, checks its value itself)."""
        return not self.choices or value in dict(self.choices)

    def describe(self, value):
        """(label, the label of the chosen value)."""
        return self.label, dict(self.choices).get(value, value)


# name -> RecipientFilter. Apps above core (the worker registry's statuses and key groups) add their own with
# `register_recipient_filter`, so core never imports them and a broadcast's stored filters keep working here.
RECIPIENT_FILTERS = {}


def register_recipient_filter(name, *, label="", choices=()):
    def register(apply):
        RECIPIENT_FILTERS[name] = RecipientFilter(name=name, apply=apply, label=label, choices=tuple(choices))
        return apply

    return register


def offered_recipient_filters():
    """The registered filters the broadcast form shows as fields, in the order they were registered."""
    return [recipient_filter for recipient_filter in RECIPIENT_FILTERS.values() if recipient_filter.label]


def recipient_filter_descriptions(filters):
    """A stored broadcast's offered filters as (label, choice) pairs for the pages (the region has its column)."""
    return [
        RECIPIENT_FILTERS[name].describe(value)
        for name, value in filters.items()
        if value and name in RECIPIENT_FILTERS and RECIPIENT_FILTERS[name].label
    ]


# The region's choices depend on who is choosing, so BroadcastForm has a field of its own for it (no label here).
@register_recipient_filter("region")
def _recipients_in_region(users, code):
    region = Region.objects.filter(code=code).first()
    return users.filter(region__code__startswith=region.prefix) if region else users.none()


@register_recipient_filter("role", label=_("角色"), choices=Role.choices)
def _recipients_with_role(users, role):
    return users.filter(role=role)


def broadcast_recipients(*, actor, filters):
    """The users with phones that `filters` choose, inside the actor's scope. Unknown or empty filters are ignored
    only when empty: an unknown name is a programming error and raises KeyError."""
    users = scope_to_user(actor, User.objects.filter(is_active=True, phone__isnull=False))
    for name, value in filters.items():
        if value:
            users = RECIPIENT_FILTERS[name].apply(users, value)
    return users


def _status_counts(prefix=""):
    return {
        status: Count("id", filter=Q(**{f"{prefix}channel": Channel.SMS, f"{prefix}status": status}))
        for status in Status.values
    }


def broadcast_progress(*, broadcast):
    """The SMS rows of a broadcast by status, and whether it is finished. `held`: queued rows waiting out the
    quiet hours."""
    counts = OutboxMessage.objects.filter(broadcast=broadcast).aggregate(
        **_status_counts(),
        inbox=Count("id", filter=Q(channel=Channel.INBOX)),
        held=Count("id", filter=Q(channel=Channel.SMS, status=Status.QUEUED, send_after__gt=timezone.now())),
    )
    outstanding = counts[Status.QUEUED] + counts[Status.SENDING]
    sms_total = sum(counts[status] for status in Status.values)
    return {
        **counts,
        "sms_total": sms_total,
        "recipient_count": broadcast.recipient_count,
        "prepared": broadcast.status != "preparing",
        "finished": broadcast.status != "preparing" and outstanding == 0,
        "percent_done": round(100 * (sms_total - outstanding) / sms_total) if sms_total else 100,
    }


def broadcast_list(*, actor):
    prefixed = {f"sms_{status}": count for status, count in _status_counts("messages__").items()}
    return (
        scope_to_user(actor, Broadcast.objects.all())
        .select_related("created_by", "region")
        .annotate(**prefixed)
        .order_by("-created_at")
    )


def broadcast_get(*, actor, broadcast_id):
    return (
        scope_to_user(actor, Broadcast.objects.select_related("created_by", "region")).filter(pk=broadcast_id).first()
    )


def inbox_messages(*, user):
    return OutboxMessage.objects.filter(recipient=user, channel=Channel.INBOX, status=Status.SENT).order_by(
        "-created_at", "-id"
    )


def inbox_unread_count(*, user):
    return inbox_messages(user=user).filter(read_at__isnull=True).count()


def recipient_messages(*, user):
    """Every message to one person, newest first: for their record in the console (the worker registry's page)."""
    return OutboxMessage.objects.filter(recipient=user).select_related("broadcast").order_by("-created_at", "-id")
