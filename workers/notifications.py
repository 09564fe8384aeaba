"""What the ledger tells workers, sent through the notification outbox (core.notifications).

The text is registered in core.notifications' catalogue when this module is imported (WorkersConfig.ready()
imports it), as every app registers its own.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.notifications.catalog import MessageTemplate, message_template, register_templates
from core.notifications.models import Channel, Kind
from core.notifications.services import notify

register_templates(
    MessageTemplate(
        # A village agent or county staff registered the person; they must know (PIPL).
        key="worker_registered_by_staff",
        label=gettext_lazy("代为登记通知"),
        text="${region}的${staff}已为您（${name}）登记求职信息。用本手机号登录春风就业可查看、更正或申请删除。",
        kind=Kind.CRITICAL,
        variable_limits={"region": 20, "staff": 15, "name": 15},
    ),
)


def worker_notify_registered_by_staff(*, worker):
    """An SMS and an inbox message telling the worker who registered them, so that nobody is registered unawares."""
    staff = worker.registered_by
    notify(
        recipients=[worker.user],
        template="worker_registered_by_staff",
        context=message_template("worker_registered_by_staff").fitted(
            {
                "name": worker.full_name,
                "staff": staff.get_full_name() or staff.username,
                # Every template variable must be filled; a system admin has no region.
                "region": staff.region.name if staff.region else _("县人社局"),
            }
        ),
        channels=[Channel.SMS, Channel.INBOX],
    )
