"""The trips offered to a worker once their application is signed (issue #8).

Placement sits below transport and cannot call it: it announces the signing after commit, and portal/flows.py
starts the task `transport.tasks.signing_offer_send` with the application's id. The offer is its own transaction, so a
failure here never takes the signature back; one row per signing (SigningOfferSent) makes a second run send nothing.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.notifications.catalog import message_template
from core.notifications.models import Channel, OutboxMessage
from core.notifications.services import notify
from jobs.models import JobPosting
from placement.applications.models import HIRED_STATES, Application, ApplicationState
from transport.models import SigningOfferSent, Trip, TripStatus
from transport.notifications import china_time

# An SMS holds a few trips at most; the worker sees any others on the trip list.
OFFERED_TRIPS = 3

OFFER_TEMPLATE = "trip_offer_signed"


def trips_towards(*, posting: JobPosting, origin_county_id: str, now: datetime | None = None) -> QuerySet[Trip]:
    """Open trips to the posting's employer (or tied to the posting) leaving from the worker's county, soonest first."""
    now = now or timezone.now()
    return (
        Trip.objects.filter(status=TripStatus.OPEN, booking_closes_at__gt=now, origin_county_id=origin_county_id)
        .filter(Q(destination_employer_id=posting.employer_id) | Q(postings=posting))
        .distinct()
        .order_by("departs_at", "id")
    )


@transaction.atomic
def signing_offer_send(*, application_id: int) -> list[OutboxMessage]:
    """Offer the trips for the application's latest signing, once: nothing when it was offered already, or when the
    application is no longer signed or at work by the time this runs (withdrawn or declined meanwhile)."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("worker__user", "posting__employer")
        .filter(pk=application_id, state__in=HIRED_STATES)
        .first()
    )
    if application is None:
        return []
    signing = application.state_log.filter(to_state=ApplicationState.SIGNED).order_by("-pk").first()
    if signing is None:
        return []
    _offer, created = SigningOfferSent.objects.get_or_create(signing=signing)
    return trips_offer(application=application) if created else []


def trips_offer(*, application: Application) -> list[OutboxMessage]:
    """Send the newly signed worker (SMS and inbox) the open trips towards their employer, if there are any."""
    worker = application.worker
    posting = application.posting
    trips = list(trips_towards(posting=posting, origin_county_id=worker.home_region_id[:6])[:OFFERED_TRIPS])
    if not trips:
        return []
    return notify(
        recipients=[worker.user],
        template=OFFER_TEMPLATE,
        context=message_template(OFFER_TEMPLATE).fitted(
            {"employer": posting.employer.name, "count": len(trips), "trips": _trips_that_fit(trips)}
        ),
        channels=[Channel.SMS, Channel.INBOX],
    )


def _trips_that_fit(trips: list[Trip]) -> str:
    """The trips as "2月10日7:30 湘A12345；2月11日8:00 G6173": as many whole ones as the provider's bound on `trips`
    holds (the first always, cut if it must be); the count says how many there are."""
    limit = message_template(OFFER_TEMPLATE).variable_limits["trips"]
    described = [f"{china_time(trip.departs_at)} {trip.service_number}" for trip in trips]
    fitting = described[:1]
    for trip in described[1:]:
        if len("；".join([*fitting, trip])) > limit:
            break
        fitting.append(trip)
    return "；".join(fitting)
