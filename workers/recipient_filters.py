"""Broadcast recipient filters by the ledger's fields, for core.notifications' broadcast page and fan-out."""

from core.notifications.selectors import register_recipient_filter


@register_recipient_filter("worker_status")
def _workers_with_status(users, status):
    return users.filter(worker__status=status, worker__anonymised_at__isnull=True)


@register_recipient_filter("key_group")
def _workers_in_key_group(users, key_group):
    return users.filter(worker__key_groups__group=key_group, worker__anonymised_at__isnull=True)
