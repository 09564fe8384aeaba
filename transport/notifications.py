"""What trips tell their passengers, sent through the notification outbox (core.notifications).

The texts live here, beside the code that sends them, and are registered in core.notifications' catalogue when this
module is imported (TransportConfig.ready() imports it), as every app registers its own. All are critical: the
passenger asked for the seat, and a missed message is a missed bus. Those that go to a whole trip at once (its
closing, its cancellation) or from the reminders' sweep are sent in bulk (`many_at_once`: core.notifications'
`bulk` queue), so that a train of 1,000 passengers never stands between a booker and their confirmation. Every
variable is bounded for the provider's review (docs/notifications.md lists the templates to submit); a value typed
by staff (a pickup point's name) is cut to its bound rather than lose the message.
"""

import string

from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.notifications.catalog import SMS_VARIABLE_LIMIT, MessageTemplate, message_template, register_templates
from core.notifications.models import Channel, Kind
from core.notifications.services import message_rows_sql, notify

# The longest value each trip variable takes: a time is "12月31日23:59", a seat and a waitlist place a few digits,
# a service number or a pickup point's name whatever staff typed (cut to the provider's 35).
_VARIABLE_LIMITS = {
    "trip": SMS_VARIABLE_LIMIT,
    "seat": 4,
    "time": 12,
    "departs": 12,
    "departure": 12,
    "deadline": 12,
    "place": SMS_VARIABLE_LIMIT,
    "code": 12,
    "position": 5,
    "contact": 20,
    "employer": SMS_VARIABLE_LIMIT,
    "count": 2,
    "trips": SMS_VARIABLE_LIMIT,
}


def _trip_template(*, key, label, text, many_at_once=False):
    return MessageTemplate(
        key=key,
        label=label,
        text=text,
        kind=Kind.CRITICAL,
        variable_limits={name: _VARIABLE_LIMITS[name] for name in string.Template(text).get_identifiers()},
        many_at_once=many_at_once,
    )


TRIP_TEMPLATES = register_templates(
    _trip_template(
        key="trip_booking_confirmed",
        label=gettext_lazy("返岗专车预约成功"),
        text="您已预约返岗专车${trip}座位${seat}号，请于${time}到${place}集合，${departs}发车。预约码${code}，上车时出示二维码。",
    ),
    _trip_template(
        key="trip_waitlisted",
        label=gettext_lazy("返岗专车候补"),
        text="返岗专车${trip}座位已满，您在候补第${position}位，有空座时短信通知您。",
    ),
    _trip_template(
        key="trip_seat_offer",
        label=gettext_lazy("返岗专车候补座位"),
        text="返岗专车${trip}有空座为您保留至${deadline}，请登录春风就业在我的预约中确认，逾期让给下一位。",
    ),
    _trip_template(
        key="trip_closed",
        label=gettext_lazy("返岗专车停止预约"),
        text="返岗专车${trip}已停止预约，请于${time}到${place}集合上车，携带身份证。",
        many_at_once=True,
    ),
    _trip_template(
        key="trip_waitlist_ended",
        label=gettext_lazy("返岗专车候补未成功"),
        text="返岗专车${trip}已停止预约，很抱歉您的候补未能获得座位。",
        many_at_once=True,
    ),
    _trip_template(
        key="trip_cancelled",
        label=gettext_lazy("返岗专车取消"),
        text="很抱歉，返岗专车${trip}（${departure}发车）已取消，您的预约随之取消。咨询电话${contact}。",
        many_at_once=True,
    ),
    _trip_template(
        key="trip_reminder_24h",
        label=gettext_lazy("返岗专车出发前一天提醒"),
        text="提醒：您预约的返岗专车${trip}座位${seat}号，请于${time}到${place}集合，${departs}发车，请带好身份证。",
        many_at_once=True,
    ),
    _trip_template(
        # Two hours before: the departure and the meeting said apart (the meeting is earlier than the departure).
        key="trip_departure",
        label=gettext_lazy("返岗专车发车提醒"),
        text="您预约的返岗专车${trip}将于${departure}发车，请于${time}到${place}集合，携带身份证。",
        many_at_once=True,
    ),
    _trip_template(
        # No link in a variable (the provider refuses those): the worker books where the text says.
        key="trip_offer_signed",
        label=gettext_lazy("签约后返岗专车推荐"),
        text="恭喜您与${employer}签约！有${count}趟返岗专车可预约，如${trips}。请登录春风就业，在“专车”中预约座位。",
    ),
)


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
    message = message_template(template)
    # A variable missing here is one the booking statement fills in (message_rows_sql's sql_context).
    return message.fitted({name: str(values.get(name, "")) for name in message.variables})


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
