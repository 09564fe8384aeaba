"""The trips offered to a worker once their application is signed (issue #8).

Placement sits below transport and cannot call it: it announces the signing after commit, and portal/flows.py
starts the task `transport.signing_offer_send` with the application's id. The offer is its own transaction, so a
failure here never takes the signature back; one row per signing (SigningOfferSent) makes a second run send nothing.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.notifications.catalog import TEMPLATES, MessageTemplate
from core.notifications.models import Channel, Kind
from core.notifications.services import notify
from placement.applications.models import HIRED_STATES, Application, ApplicationState
from transport.models import SigningOfferSent, Trip, TripStatus
from transport.notifications import china_time

# An SMS holds a few trips at most; the worker sees any others on the trip list.
OFFERED_TRIPS = 3

TRIP_OFFER_TEMPLATE = MessageTemplate(
    key="trip_offer_signed",
    label=gettext_lazy("签约后返岗专车推荐"),
    text="恭喜您与${employer}签约！返岗专车可预约：${trips}。打开 ${links} 预约座位。",
    kind=Kind.CRITICAL,
)


def register_offer_template():
    TEMPLATES.setdefault(TRIP_OFFER_TEMPLATE.key, TRIP_OFFER_TEMPLATE)


def trips_towards(*, posting, origin_county_id, now=None):
    """Open trips to the posting's employer (or tied to the posting) leaving from the worker's county, soonest first."""
    now = now or timezone.now()
    return (
        Trip.objects.filter(status=TripStatus.OPEN, booking_closes_at__gt=now, origin_county_id=origin_county_id)
        .filter(Q(destination_employer_id=posting.employer_id) | Q(postings=posting))
        .distinct()
        .order_by("departs_at", "id")
    )


@transaction.atomic
def signing_offer_send(*, application_id):
    """Offer the trips for the application's latest signing, once: nothing when it was offered already, or when the
    application is no longer signed or at work by the time this runs (withdrawn or declined meanwhile)."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("worker__user", "posting__employer")
        .filter(pk=application_id, state__in=HIRED_STATES)
        .first()
    )
    signing = application and application.state_log.filter(to_state=ApplicationState.SIGNED).order_by("-pk").first()
    if signing is None:
        return []
    _offer, created = SigningOfferSent.objects.get_or_create(signing=signing)
    return trips_offer(application=application) if created else []


def trips_offer(*, application):
    """Send the newly signed worker (SMS and inbox) the open trips towards their employer, if there are any."""
    worker = application.worker
    posting = application.posting
    trips = list(trips_towards(posting=posting, origin_county_id=worker.home_region_id[:6])[:OFFERED_TRIPS])
    if not trips:
        return []
    return notify(
        recipients=[worker.user],
        template=TRIP_OFFER_TEMPLATE.key,
        context={
            "employer": posting.employer.name,
            "trips": "；".join(f"{china_time(trip.departs_at)} {trip.service_number}" for trip in trips),
            "links": " ".join(settings.PORTAL_BASE_URL + reverse("trips:detail", args=[trip.pk]) for trip in trips),
        },
        channels=[Channel.SMS, Channel.INBOX],
    )
