"""What the ledger tells workers, sent through the notification outbox (core.notifications)."""

from django.utils.translation import gettext as _

from core.notifications.models import Channel
from core.notifications.services import notify


def worker_notify_registered_by_staff(*, worker):
    """An SMS and an inbox message telling the worker who registered them, so that nobody is registered unawares."""
    staff = worker.registered_by
    notify(
        recipients=[worker.user],
        template="worker_registered_by_staff",
        context={
            "name": worker.full_name,
            "staff": staff.get_full_name() or staff.username,
            # Every template variable must be filled; a system admin has no region.
            "region": staff.region.name if staff.region else _("县人社局"),
        },
        channels=[Channel.SMS, Channel.INBOX],
    )
