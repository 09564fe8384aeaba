"""A cooperation agreement's figures: places filled (placement's tallies) and trips (transport's own selectors)."""

import pytest

from jobs.models import JobPosting
from tests.factories import TripFactory
from transport import selectors

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.jobs.console_fixtures"]


def test_an_agreements_progress_counts_places_of_its_postings_that_left_the_draft(agreement, posting, draft):
    JobPosting.objects.filter(pk__in=[posting.pk, draft.pk]).update(agreement=agreement)
    postings = selectors.agreement_postings_with_tallies(agreement=agreement)
    progress = selectors.agreement_progress(agreement=agreement, postings=postings)
    assert (progress.target, progress.posted, progress.filled) == (500, posting.headcount, 0)


def test_an_agreements_trips_count_every_trip_but_the_cancelled_and_their_seats_taken(agreement):
    TripFactory(agreement=agreement, taken=12, seats_issued=12)
    TripFactory(agreement=agreement, status="closed", taken=30, seats_issued=30)
    TripFactory(agreement=agreement, status="cancelled", taken=7, seats_issued=7)
    TripFactory(taken=40, seats_issued=40)
    progress = selectors.agreement_progress(agreement=agreement, postings=[])
    assert (progress.trips, progress.passengers) == (2, 42)
