"""Broadcast recipient filters by the ledger's fields, for core.notifications' broadcast page and fan-out: each
becomes a field of the broadcast form (label and choices from here), so core never imports the registry."""

from django.utils.translation import gettext_lazy as _

from core.notifications.recipient_filters import register_recipient_filter
from workers.models import KeyGroup, WorkerStatus


@register_recipient_filter("worker_status", label=_("就业状态"), choices=WorkerStatus.choices)
def _workers_with_status(users, status):
    return users.filter(worker__status=status, worker__anonymised_at__isnull=True)


# Self-declared key groups count as well as verified ones: the message only offers help, it grants nothing.
@register_recipient_filter("key_group", label=_("重点群体"), choices=KeyGroup.choices)
def _workers_in_key_group(users, key_group):
    return users.filter(worker__key_groups__group=key_group, worker__anonymised_at__isnull=True)
