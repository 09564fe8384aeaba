"""When a message may go out: the quiet hours for marketing SMS and the day a daily cap counts in."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

CHINA = ZoneInfo("Asia/Shanghai")


def in_quiet_hours(moment):
    hour = moment.astimezone(CHINA).hour
    start, end = settings.NOTIFICATIONS_QUIET_HOURS_START, settings.NOTIFICATIONS_QUIET_HOURS_END
    if start > end:  # the usual case: the quiet hours span midnight (22 to 8)
        return hour >= start or hour < end
    return start <= hour < end


def marketing_send_after(moment):
    """The earliest moment a marketing SMS created at `moment` may go: at once, or the end of the quiet hours."""
    if not in_quiet_hours(moment):
        return moment
    local = moment.astimezone(CHINA)
    morning = datetime.combine(local.date(), time(settings.NOTIFICATIONS_QUIET_HOURS_END), tzinfo=CHINA)
    if morning <= local:
        morning += timedelta(days=1)
    return morning


def china_day_bounds(moment):
    """The start and end of the Asia/Shanghai day that contains `moment`."""
    start = datetime.combine(moment.astimezone(CHINA).date(), time(0), tzinfo=CHINA)
    return start, start + timedelta(days=1)
