"""Who may book a trip: one rule per `Trip.who_may_book` choice."""

from placement.applications.selectors import worker_has_signed_job_for_trip
from transport.models import WhoMayBook


def _signed_there(*, trip, worker):
    """A worker with a signed (or onboarded) application at the trip's employer or to one of its postings."""
    return worker_has_signed_job_for_trip(
        worker_id=worker.pk,
        employer_id=trip.destination_employer_id,
        posting_ids=[posting.pk for posting in trip.postings.all()],
    )


ELIGIBILITY_RULES = {
    WhoMayBook.ANYONE: lambda *, trip, worker: True,
    WhoMayBook.SIGNED_THERE: _signed_there,
}


def worker_may_book(*, trip, worker):
    return ELIGIBILITY_RULES[trip.who_may_book](trip=trip, worker=worker)
