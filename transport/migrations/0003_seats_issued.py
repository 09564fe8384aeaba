from django.db import migrations, models

# Existing trips: the highest seat any booking holds (cancelled bookings hold none), the same SQL on PostgreSQL
# and SQLite.
SEATS_ISSUED_FROM_BOOKINGS = """
UPDATE transport_trip SET seats_issued = COALESCE(
    (SELECT MAX(seat_number) FROM transport_booking WHERE transport_booking.trip_id = transport_trip.id), 0)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("transport", "0002_who_may_book_signed_there"),
    ]

    operations = [
        migrations.AddField(
            model_name="trip",
            name="seats_issued",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunSQL(SEATS_ISSUED_FROM_BOOKINGS, migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="trip",
            constraint=models.CheckConstraint(
                condition=models.Q(("taken__lte", models.F("seats_issued"))), name="trip_taken_within_seats_issued"
            ),
        ),
    ]
