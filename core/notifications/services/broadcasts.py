"""Broadcasts: staff send one text to many, fanned out chunk by chunk through `notify`."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from core.accounts.scoping import user_can_access_region
from core.errors import ApplicationError
from core.notifications import tasks
from core.notifications.catalog import message_template
from core.notifications.models import (
    Broadcast,
    BroadcastStatus,
)
from core.notifications.selectors import RECIPIENT_FILTERS, broadcast_recipients
from core.notifications.services.messages import _validated_channels, notify

# --- Broadcasts -------------------------------------------------------------------------------------------------


def broadcast_preview(*, actor, filters, template, context):
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
    recipients = broadcast_recipients(actor=actor, filters=filters)
    return {"filters": filters, "recipient_count": recipients.count(), "text": message.render(context)}


@transaction.atomic
def broadcast_create(*, actor, filters, template, context, channels):
    preview = broadcast_preview(actor=actor, filters=filters, template=template, context=context)
    channels = _validated_channels(channels)
    if preview["recipient_count"] == 0:
        raise ApplicationError(_("没有符合条件的收件人。"))
    broadcast = Broadcast.objects.create(
        created_by=actor,
        region_id=preview["filters"].get("region"),
        recipient_filters=preview["filters"],
        template=template,
        context=context,
        channels=channels,
        text=preview["text"],
        recipient_count=preview["recipient_count"],
    )
    tasks.broadcast_fan_out.delay_on_commit(broadcast.pk)
    return broadcast


def broadcast_fan_out(*, broadcast_id):
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
            else:
                broadcast.status = BroadcastStatus.SENDING
            broadcast.save(update_fields=["fanned_out_through", "status", "updated_at"])
            if not chunk:
                return
