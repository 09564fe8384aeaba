"""What trips tell their passengers, sent through the notification outbox (core.notifications).

The texts are registered in core.notifications' catalogue from this app's `ready()`, so the catalogue stays the
one list the SMS provider's templates are approved from, while the trip texts live beside the code that uses them.
All are critical: the passenger asked for the seat, and a missed message is a missed bus.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.notifications.catalog import TEMPLATES, MessageTemplate
from core.notifications.models import Channel, Kind
from core.notifications.services import message_rows_sql, notify

# The SMS provider refuses a message whose variable is longer than this (Alibaba Cloud's rule for the variables of
# notification templates); a longer pickup point or service number is cut here rather than lose the whole message.
SMS_VARIABLE_LIMIT = 35

TRIP_TEMPLATES = (
    MessageTemplate(
        key="trip_booking_confirmed",
        label=gettext_lazy("返岗专车预约成功"),
        text="您已预约返岗专车${trip}座位${seat}号，请于${time}到${place}集合，${departs}发车。预约码${code}，上车时出示二维码。",
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
        text="很抱歉，返岗专车${trip}（${departure}发车）已取消，您的预约随之取消。咨询电话${contact}。",
        kind=Kind.CRITICAL,
    ),
    MessageTemplate(
        key="trip_reminder_24h",
        label=gettext_lazy("返岗专车出发前一天提醒"),
        text="提醒：您预约的返岗专车${trip}座位${seat}号，请于${time}到${place}集合，${departs}发车，请带好身份证。",
        kind=Kind.CRITICAL,
    ),
)


def register_trip_templates():
    for template in TRIP_TEMPLATES:
        TEMPLATES.setdefault(template.key, template)


def clock_time(moment):
    """7:30, in Asia/Shanghai: a time on the day just named."""
    local = timezone.localtime(moment)
    return f"{local.hour}:{local.minute:02d}"


def china_time(moment):
    """2月10日7:30, in Asia/Shanghai: how the messages and pages write a time."""
    local = timezone.localtime(moment)
    return f"{local.month}月{local.day}日{clock_time(moment)}"


def meeting_place(booking):
    point = booking.pickup_point
    return (point.name, point.meets_at) if point else (booking.trip.origin_county.name, booking.trip.departs_at)


def sms_variable(value):
    text = str(value)
    return text if len(text) <= SMS_VARIABLE_LIMIT else text[: SMS_VARIABLE_LIMIT - 1] + "…"


def _message_context(booking, template, context):
    place, meets_at = meeting_place(booking)
    departs_at = booking.trip.departs_at
    same_day = timezone.localdate(meets_at) == timezone.localdate(departs_at)
    values = {
        "trip": booking.trip.service_number,
        # When and where to meet, then when it leaves ("请于12月5日9:51到洋溪镇政府集合，10:21发车"): the date is
        # said again only when the meeting is on the day before.
        "time": china_time(meets_at),
        "place": place,
        "departs": clock_time(departs_at) if same_day else china_time(departs_at),
        "departure": china_time(departs_at),
        "seat": booking.seat_number or "",
        "code": booking.code,
        "contact": booking.trip.contact_phone,
    }
    values.update(context or {})
    # A variable missing here is one the booking statement fills in (message_rows_sql's sql_context).
    return {name: sms_variable(values.get(name, "")) for name in TEMPLATES[template].variables}


def trip_notify(*, bookings, template, context=None):
    """One message per booking (SMS and inbox), each with its own seat, code and meeting point filled in."""
    for booking in bookings:
        notify(
            recipients=[booking.worker.user],
            template=template,
            context=_message_context(booking, template, context),
            channels=[Channel.SMS, Channel.INBOX],
        )


def booking_message_sql(*, booking, template, context=None, sql_context=None, source="", condition=""):
    """The SMS and inbox rows of one message to a booking's worker as SQL (core.notifications' `message_rows_sql`:
    its rules, its rendering), for the booking statement to write with the booking; the SMS is left to the outbox
    sender's periodic sweep rather than published one by one (a Celery publish costs more than the booking)."""
    return message_rows_sql(
        user=booking.worker.user,
        template=template,
        context=_message_context(booking, template, context),
        sql_context=sql_context,
        source=source,
        condition=condition,
        prefix=template,
    )
