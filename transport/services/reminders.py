"""Reminders 24 hours and 2 hours before departure, each sent once per booking however often beat runs."""

from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from transport.models import Booking, BookingStatus, ReminderKind, ReminderSent, Trip, TripStatus
from transport.notifications import trip_notify

# (kind, template, earliest and latest time before departure at which it goes)
REMINDERS = (
    (ReminderKind.DAY_BEFORE, "trip_reminder_24h", timedelta(hours=2), timedelta(hours=24)),
    (ReminderKind.TWO_HOURS, "trip_departure", timedelta(0), timedelta(hours=2)),
)


def _as_sql_datetime(value: datetime) -> Any:
    # Raw SQL gets no field to convert its parameters: SQLite compares the text the ORM stored (UTC, no offset).
    return connection.ops.adapt_datetimefield_value(value)


def trip_reminders_send(*, now: datetime | None = None) -> int:
    """Send every due reminder once: the INSERT ... ON CONFLICT DO NOTHING on (booking, kind) decides who gets one,
    so a second run (or two beat processes at once) finds nothing left to send. Returns how many were sent.

    PostgreSQL and SQLite (3.35+) both run this statement: the SELECT's WHERE clause keeps SQLite from reading
    ON CONFLICT as part of the join."""
    now = now or timezone.now()
    sent = 0
    for kind, template, earliest, latest in REMINDERS:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {ReminderSent._meta.db_table} (booking_id, kind, sent_at)
                    SELECT booking.id, %s, %s
                      FROM {Booking._meta.db_table} booking
                      JOIN {Trip._meta.db_table} trip ON trip.id = booking.trip_id
                     WHERE booking.status = %s AND trip.status IN (%s, %s)
                       AND trip.departs_at > %s AND trip.departs_at <= %s
                ON CONFLICT (booking_id, kind) DO NOTHING
                RETURNING booking_id""",
                [
                    kind,
                    _as_sql_datetime(now),
                    BookingStatus.CONFIRMED,
                    TripStatus.OPEN,
                    TripStatus.CLOSED,
                    _as_sql_datetime(now + earliest),
                    _as_sql_datetime(now + latest),
                ],
            )
            booking_ids = [row[0] for row in cursor.fetchall()]
            bookings = Booking.objects.select_related("trip__origin_county", "worker__user", "pickup_point").filter(
                pk__in=booking_ids
            )
            trip_notify(bookings=bookings, template=template)
            sent += len(booking_ids)
    return sent
