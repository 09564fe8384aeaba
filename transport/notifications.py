"""What trips tell their passengers, sent through the notification outbox (core.notifications).

The texts are registered in core.notifications' catalogue from this app's `ready()`, so the catalogue stays the
one list the SMS provider's templates are approved from, while the trip texts live beside the code that uses them.
All are critical: the passenger asked for the seat, and a missed message is a missed bus.
"""

import json
import uuid

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.notifications.catalog import TEMPLATES, MessageTemplate, message_template
from core.notifications.models import Channel, Kind, NotificationPreference, OutboxMessage, Status
from core.notifications.services import OPTED_OUT_REASON, notify

TRIP_TEMPLATES = (
    MessageTemplate(
        key="trip_booking_confirmed",
        label=gettext_lazy("返岗专车预约成功"),
        text="您已预约返岗专车${trip}，${time}发车，座位${seat}号，预约码${code}。上车时出示二维码。",
        kind=Kind.CRITICAL,
    ),
    MessageTemplate(
        key="trip_waitlisted",
        label=gettext_lazy("返岗专车候补"),
        text="返岗专车${trip}座位已满，您在候补第${position}位，有空座时短信通知您。",
        kind=Kind.CRITICAL,
    ),
    MessageTemplate(
        key="trip_seat_offer",
        label=gettext_lazy("返岗专车候补座位"),
        text="返岗专车${trip}有空座为您保留至${deadline}，请登录春风就业在我的预约中确认，逾期让给下一位。",
        kind=Kind.CRITICAL,
    ),
    MessageTemplate(
        key="trip_closed",
        label=gettext_lazy("返岗专车停止预约"),
        text="返岗专车${trip}已停止预约，请于${time}到${place}集合上车，携带身份证。",
        kind=Kind.CRITICAL,
    ),
    MessageTemplate(
        key="trip_waitlist_ended",
        label=gettext_lazy("返岗专车候补未成功"),
        text="返岗专车${trip}已停止预约，很抱歉您的候补未能获得座位。",
        kind=Kind.CRITICAL,
    ),
    MessageTemplate(
        key="trip_cancelled",
        label=gettext_lazy("返岗专车取消"),
        text="很抱歉，返岗专车${trip}（${time}发车）已取消，您的预约随之取消。咨询电话${contact}。",
        kind=Kind.CRITICAL,
    ),
    MessageTemplate(
        key="trip_reminder_24h",
        label=gettext_lazy("返岗专车出发前一天提醒"),
        text="提醒：您预约的返岗专车${trip}将于${time}从${place}出发，座位${seat}号，请带好身份证。",
        kind=Kind.CRITICAL,
    ),
)


def register_trip_templates():
    for template in TRIP_TEMPLATES:
        TEMPLATES.setdefault(template.key, template)


def china_time(moment):
    """2月10日7:30, in Asia/Shanghai: how the messages and pages write a time."""
    local = timezone.localtime(moment)
    return f"{local.month}月{local.day}日{local.hour}:{local.minute:02d}"


def meeting_place(booking):
    point = booking.pickup_point
    return (point.name, point.meets_at) if point else (booking.trip.origin_county.name, booking.trip.departs_at)


def _message_context(booking, template, context):
    place, meets_at = meeting_place(booking)
    values = {
        "trip": booking.trip.service_number,
        "time": china_time(meets_at),
        "place": place,
        "seat": booking.seat_number or "",
        "code": booking.code,
        "contact": booking.trip.contact_phone,
    }
    values.update(context or {})
    return {name: values[name] for name in TEMPLATES[template].variables}


def trip_notify(*, bookings, template, context=None):
    """One message per booking (SMS and inbox), each with its own seat, code and meeting point filled in."""
    for booking in bookings:
        notify(
            recipients=[booking.worker.user],
            template=template,
            context=_message_context(booking, template, context),
            channels=[Channel.SMS, Channel.INBOX],
        )


# notify()'s rows for one critical message to one user: the inbox row delivered, the SMS row queued (or cancelled
# when the user turned SMS off) and not yet enqueued, so that the outbox sender's periodic sweep (outbox_recover)
# publishes it, a thousand rows to a Celery message.
_MESSAGE_ROWS = f"""
INSERT INTO {OutboxMessage._meta.db_table}
       (recipient_id, channel, phone, template, kind, params, text, status, attempts, last_error, provider_message_id,
        provider_out_id, idempotency_key, send_after, sent_at, created_at, updated_at)
VALUES (%(user)s, %(inbox)s, '', %(template)s, %(kind)s, %(params)s, %(text)s, %(sent)s, 0, '', '',
        '', %(inbox_key)s, %(now)s, %(now)s, %(now)s, %(now)s)
"""
_SMS_ROW = """
     , (%(user)s, %(sms)s, %(phone)s, %(template)s, %(kind)s, %(params)s, %(text)s,
        CASE WHEN %(opted_out)s THEN %(cancelled)s ELSE %(queued)s END, 0,
        CASE WHEN %(opted_out)s THEN %(opted_out_reason)s ELSE '' END, '',
        '', %(sms_key)s, %(now)s, NULL, %(now)s, %(now)s)
"""
_OPTED_OUT = f"""EXISTS (SELECT 1 FROM {NotificationPreference._meta.db_table}
                          WHERE user_id = %(user)s AND sms_enabled = %(false)s)"""


def booking_message_write(*, booking, template, context=None):
    """The rush path's message to a booking's worker: the rows `trip_notify` would write, in one INSERT, left for
    the outbox sender's sweep rather than published one by one (a Celery publish costs more than the booking).
    Critical messages only: they know no quiet hours nor daily cap."""
    message = message_template(template)
    if message.kind != Kind.CRITICAL:
        raise ValueError(f"{template} is not a critical message")
    user = booking.worker.user
    message_context = _message_context(booking, template, context)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = _MESSAGE_ROWS + (_SMS_ROW if user.phone else "")
    opted_out = "false" if message.ignores_opt_out else _OPTED_OUT
    with connection.cursor() as cursor:
        cursor.execute(
            sql.replace("%(opted_out)s", opted_out),
            {
                "user": user.pk,
                "phone": user.phone,
                "template": message.key,
                "kind": message.kind,
                "params": json.dumps(message.params(message_context), ensure_ascii=False),
                "text": message.render(message_context),
                "now": now,
                "inbox": Channel.INBOX,
                "sms": Channel.SMS,
                "sent": Status.SENT,
                "queued": Status.QUEUED,
                "cancelled": Status.CANCELLED,
                "opted_out_reason": OPTED_OUT_REASON,
                "false": False,
                "inbox_key": uuid.uuid4().hex,
                "sms_key": uuid.uuid4().hex,
            },
        )
