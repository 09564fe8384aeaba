from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.accounts.models import Role
from portal.statistics.models import DailyFigures, DailyTotals
from portal.statistics.services import daily_figures_rebuild
from tests.factories import JobPostingFactory, TripFactory, UserFactory, WorkerFactory
from transport.models import Booking

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 2, 3)


def at(day, hour, minute=0):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def figures(day, code):
    return DailyFigures.objects.filter(day=day, region_code=code).first()


def test_rebuilding_a_day_twice_gives_the_same_rows(regions):
    JobPostingFactory(published_at=at(DAY, 9), headcount=12)
    JobPostingFactory(published_at=at(DAY, 15), headcount=3)
    daily_figures_rebuild(day=DAY)
    first = list(DailyFigures.objects.values().order_by("region_code"))
    daily_figures_rebuild(day=DAY)
    second = list(DailyFigures.objects.values().order_by("region_code"))
    for row in (*first, *second):
        row.pop("id")
        row.pop("rebuilt_at")
    assert first == second
    assert first[0]["postings_published"] == 2
    assert first[0]["headcount_wanted"] == 15


def test_a_posting_published_at_half_past_eleven_at_night_in_shanghai_counts_on_that_day_not_the_next(regions):
    # 23:30 in Shanghai is 15:30 UTC the same day; 00:30 is 16:30 UTC of the day before.
    JobPostingFactory(published_at=at(DAY, 23, 30))
    JobPostingFactory(published_at=at(DAY + timedelta(days=1), 0, 30))
    daily_figures_rebuild(day=DAY)
    daily_figures_rebuild(day=DAY + timedelta(days=1))
    assert figures(DAY, "430181").postings_published == 1
    assert figures(DAY + timedelta(days=1), "430181").postings_published == 1


def boarded_booking(regions, code="LATE0001"):
    trip = TripFactory(
        departs_at=at(DAY, 8),
        arrives_at=at(DAY, 13),
        booking_opens_at=at(DAY - timedelta(days=3), 8),
        booking_closes_at=at(DAY, 7),
        status="departed",
    )
    worker = WorkerFactory(home_region=regions.get(code="430181102201"))
    return Booking.objects.create(
        trip=trip,
        worker=worker,
        status="boarded",
        seat_number=1,
        code=code,
        trip_departs_at=trip.departs_at,
        trip_arrives_at=trip.arrives_at,
    )


def test_a_booking_cancelled_after_its_trip_left_is_taken_off_at_the_next_rebuild(regions):
    booking = boarded_booking(regions)
    daily_figures_rebuild(day=DAY)
    assert figures(DAY, "431322").boarded == 1
    assert figures(DAY, "431322").carried_by_province == {"43": 1}

    Booking.objects.filter(pk=booking.pk).update(status="cancelled", seat_number=None)
    assert figures(DAY, "431322").boarded == 1, "the stored figures wait for the rebuild"
    daily_figures_rebuild(day=DAY)
    assert figures(DAY, "431322").boarded == 0
    assert figures(DAY, "431322").seats_booked == 0
    assert figures(DAY, "431322").trips_coach == 1


def boarded_tile(client):
    page = client.get(reverse("statistics:dashboard"), {"start": DAY.isoformat(), "end": DAY.isoformat()})
    tile = page.content.decode().split('data-figure="boarded"', 1)[1].split("</li>", 1)[0]
    return tile.split('<strong class="stats-tile__value">', 1)[1].split("</strong>", 1)[0]


def test_the_province_dashboard_shows_a_late_cancellation_after_the_next_rebuild_and_not_before(
    regions, client, django_capture_on_commit_callbacks
):
    booking = boarded_booking(regions)
    with django_capture_on_commit_callbacks(execute=True):
        daily_figures_rebuild(day=DAY)
    client.force_login(UserFactory(role=Role.SUPERVISOR, region=regions.get(code="430000")))
    assert boarded_tile(client) == "1"
    assert DailyTotals.objects.get(day=DAY, prefix="43").boarded == 1

    Booking.objects.filter(pk=booking.pk).update(status="cancelled", seat_number=None)
    assert boarded_tile(client) == "1", "the figures are those of the last rebuild"
    with django_capture_on_commit_callbacks(execute=True):
        daily_figures_rebuild(day=DAY)
    assert DailyTotals.objects.get(day=DAY, prefix="43").boarded == 0
    assert DailyTotals.objects.get(day=DAY, prefix="4313").seats_booked == 0
    assert boarded_tile(client) == "0"


def test_a_dashboard_is_computed_once_between_two_rebuilds(regions, client):
    boarded_booking(regions)
    daily_figures_rebuild(day=DAY)
    client.force_login(UserFactory(role=Role.SUPERVISOR, region=regions.get(code="430000")))
    url = reverse("statistics:dashboard")
    period = {"start": DAY.isoformat(), "end": DAY.isoformat()}
    client.get(url, period)
    with CaptureQueriesContext(connection) as second:
        client.get(url, period)
    read = [query["sql"] for query in second if "statistics_daily" in query["sql"]]
    assert read == []


def test_a_posting_closed_later_leaves_the_open_postings_of_the_days_it_was_open_at_the_next_rebuild(regions):
    posting = JobPostingFactory(published_at=at(DAY - timedelta(days=2), 10), valid_until=DAY + timedelta(days=30))
    daily_figures_rebuild(day=DAY)
    assert figures(DAY, "430181").postings_open == 1
    posting.status = "closed"
    posting.save(update_fields=["status"])
    daily_figures_rebuild(day=DAY)
    assert figures(DAY, "430181") is None


def test_the_rebuild_command_counts_a_range_of_days_and_refuses_a_backwards_one(regions):
    JobPostingFactory(published_at=at(DAY, 9))
    out = StringIO()
    call_command("statistics_rebuild", "--from", "2026-02-01", "--to", "2026-02-05", stdout=out)
    assert "rebuilt 5 day(s)" in out.getvalue()
    assert figures(DAY, "430181").postings_published == 1
    with pytest.raises(Exception, match="after"):
        call_command("statistics_rebuild", "--from", "2026-02-05", "--to", "2026-02-01")
