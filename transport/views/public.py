"""Trip pages anyone may open: the list of bookable trips (/trips/), a trip, and the receiving employer's
read-only manifest behind its secret link."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from transport import selectors
from transport.forms import BookForm
from transport.manifests import manifest_context
from transport.models import TripStatus
from workers.selectors import own_worker


@require_safe
def public_trip_list(request):
    trips = selectors.trips_bookable(
        origin_county=request.GET.get("origin_county") or None, destination=request.GET.get("destination") or None
    )
    return render(request, "transport/trip_list.html", {"trips": trips[:100]})


@require_safe
def public_trip_detail(request, trip_id):
    trip = selectors.trip_public(trip_id=trip_id)
    worker = own_worker(request.user)
    context = {
        "trip": trip,
        "booking": selectors.worker_booking_for_trip(worker=worker, trip=trip) if worker else None,
        "form": BookForm(trip=trip),
    }
    return render(request, "transport/trip_detail.html", context)


@require_safe
@never_cache  # names and masked numbers, opened without signing in: no browser or proxy keeps a copy
def manifest_shared(request, token):
    """Read-only, masked, for the receiving employer: the link is the secret (256 random bits), so guessing is out."""
    trip = selectors.trip_by_manifest_token(token=token)
    if trip.status == TripStatus.DRAFT:
        raise PermissionDenied
    response = render(request, "transport/manifest.html", manifest_context(trip))
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
