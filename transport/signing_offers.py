"""The trips offered to a worker the moment their application is signed (issue #8).

Jobs cannot import transport (it sits below it), so placement.applications.hooks keeps a registry and this module's
handler is put into it from TransportConfig.ready(). It runs inside the signing transaction, so the offer's
outbox rows commit with the signature or not at all.
"""

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.notifications.catalog import TEMPLATES, MessageTemplate
from core.notifications.models import Channel, Kind
from core.notifications.services import notify
from transport.models import Trip, TripStatus
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


def offer_trips_on_signing(*, application):
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
