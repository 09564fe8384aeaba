"""Who may book a trip: one rule per `Trip.who_may_book` choice.

The extension point for the matching issue: once signed applications exist, it adds a `WhoMayBook` choice for
"workers with a signed job there" and registers its rule here (signed application to one of `trip.postings`, or
to `trip.destination_employer`). Nothing else in the booking service changes.
"""

from transport.models import WhoMayBook

ELIGIBILITY_RULES = {
    WhoMayBook.ANYONE: lambda *, trip, worker: True,
}


def worker_may_book(*, trip, worker):
    return ELIGIBILITY_RULES[trip.who_may_book](trip=trip, worker=worker)
