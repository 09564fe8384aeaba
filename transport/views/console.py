"""The dispatcher's console (/console/trips/): trips, their status, booking for a worker, the manifest and the
boarding desk; and the cooperation agreement's page of the demand console, assembled here because it shows
placement's headcount tallies and transport's trips (portal/urls.py mounts it among jobs' console routes).
Thin: parse, call one service or selector, render."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.accounts.permissions import console_required
from core.accounts.scoping import scope_to_user
from core.confirmation import confirmation_asked
from core.errors import ApplicationError
from core.replicas import replica_reads
from jobs import selectors as jobs_selectors
from jobs.services import user_may_edit_demand
from transport import selectors, services
from transport.forms import BoardingForm, BookForWorkerForm, PickupPointFormSet, TripForm, pickup_point_initial
from transport.manifests import manifest_context, manifest_export_workbook
from transport.models import TripStatus
from workers.models import Worker

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


TRIP_ACTIONS = {
    "open": services.trip_open,
    "close": services.trip_close,
    "depart": services.trip_depart,
    "arrive": services.trip_arrive,
    "cancel": services.trip_cancel,
}


@console_required
@require_safe
def trip_list(request):
    status = request.GET.get("status") if request.GET.get("status") in TripStatus.values else None
    context = {
        "trips": selectors.trips_for_staff(user=request.user, status=status)[:200],
        "figures": selectors.transport_figures(user=request.user),
        "statuses": TripStatus.choices,
        "status": status,
    }
    return render(request, "transport/console/trip_list.html", context)


@console_required
@require_http_methods(["GET", "POST"])
def trip_edit(request, trip_id=None):
    trip = selectors.trip_for_staff(user=request.user, trip_id=trip_id) if trip_id else None
    form = TripForm(request.POST or None, instance=trip, user=request.user)
    pickups = PickupPointFormSet(request.POST or None, initial=pickup_point_initial(trip), prefix="pickup")
    if request.method == "POST" and form.is_valid() and pickups.is_valid():
        points = [point for point in pickups.cleaned_data if point]
        try:
            if trip:
                trip = services.trip_update(
                    actor=request.user, trip_id=trip.pk, pickup_points=points, **form.trip_arguments()
                )
            else:
                trip = services.trip_create(actor=request.user, pickup_points=points, **form.trip_arguments())
        except ApplicationError as error:
            error.show_on(form)
        else:
            messages.success(request, _("已保存。"))
            return redirect("transport:trip", trip_id=trip.pk)
    return render(
        request,
        "transport/console/trip_form.html",
        {"form": form, "pickups": pickups, "trip": trip},
        status=400 if request.method == "POST" else 200,
    )


@console_required
@require_safe
def trip_detail(request, trip_id):
    trip = selectors.trip_for_staff(user=request.user, trip_id=trip_id)
    context = {
        "trip": trip,
        "counts": selectors.trip_booking_counts(trip=trip),
        "manifest_url": request.build_absolute_uri(f"/trips/manifest/{trip.manifest_token}/"),
        "book_form": BookForWorkerForm(),
    }
    return render(request, "transport/console/trip_detail.html", context)


@console_required
@require_POST
def trip_action(request, trip_id, action):
    if action not in TRIP_ACTIONS:
        raise Http404
    trip = selectors.trip_for_staff(user=request.user, trip_id=trip_id)
    if action == "cancel":
        passengers = selectors.trip_active_booking_count(trip=trip)
        asked = confirmation_asked(
            request,
            consequence=_("专车 %(number)s 将取消，所有预约随之取消，并将短信通知已预约的 %(count)d 人。")
            % {"number": trip.service_number, "count": passengers},
            confirm_label=_("取消专车并通知乘客"),
            cancel_url=reverse("transport:trip", args=[trip.pk]),
        )
        if asked:
            return asked
    try:
        TRIP_ACTIONS[action](actor=request.user, trip_id=trip.pk)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已更新状态。"))
    return redirect("transport:trip", trip_id=trip.pk)


@console_required
@require_POST
def trip_book_for_worker(request, trip_id):
    """Staff book on a worker's behalf, found by the phone number among the workers of their region."""
    trip = selectors.trip_for_staff(user=request.user, trip_id=trip_id)
    form = BookForWorkerForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["phone"][0])
        return redirect("transport:trip", trip_id=trip.pk)
    phone = form.cleaned_data["phone"]
    worker = scope_to_user(request.user, Worker.objects.all(), region_field="home_region").filter(user__phone=phone)
    worker = worker.first()
    if worker is None:
        messages.error(request, _("本辖区没有手机号为 %(phone)s 的务工人员。") % {"phone": phone})
        return redirect("transport:trip", trip_id=trip.pk)
    try:
        booking, _created = services.booking_create(trip_id=trip.pk, worker=worker, booked_by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("已为%(name)s预约：%(status)s。") % {"name": worker.full_name, "status": booking.get_status_display()},
        )
    return redirect("transport:trip", trip_id=trip.pk)


@console_required
@require_safe
def trip_manifest(request, trip_id):
    trip = selectors.trip_for_staff(user=request.user, trip_id=trip_id)
    context = {**manifest_context(trip), "progress": selectors.trip_boarding_progress(trip=trip)}
    return render(request, "transport/console/manifest.html", context)


@console_required
@require_POST
@replica_reads
def trip_manifest_export(request, trip_id):
    trip = selectors.trip_for_staff(user=request.user, trip_id=trip_id)
    response = HttpResponse(manifest_export_workbook(viewer=request.user, trip=trip), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="manifest-{trip.pk}-{timezone.localtime():%Y%m%d}.xlsx"'
    return response


@console_required
@require_http_methods(["GET", "POST"])
def trip_boarding(request, trip_id):
    """The dispatcher's phone at the bus door: scan or type, see the answer, scan the next."""
    trip = selectors.trip_for_staff(user=request.user, trip_id=trip_id)
    form = BoardingForm(request.POST or None, initial={"checks": trip.boarding_checks})
    scan = None
    if request.method == "POST" and form.is_valid():
        scan = services.booking_board(
            actor=request.user, trip_id=trip.pk, query=form.cleaned_data["query"], checks=form.cleaned_data["checks"]
        )
        form = BoardingForm(initial={"checks": trip.boarding_checks})
    context = {
        "trip": trip,
        "form": form,
        "scan": scan,
        "scans": selectors.trip_scans(trip=trip),
        "progress": selectors.trip_boarding_progress(trip=trip),
    }
    return render(request, "transport/console/boarding.html", context)


@console_required
@require_safe
def agreement_detail(request, agreement_id):
    agreement = jobs_selectors.console_agreement(user=request.user, agreement_id=agreement_id)
    postings = selectors.agreement_postings_with_tallies(agreement=agreement)
    context = {
        "agreement": agreement,
        "postings": postings,
        "progress": selectors.agreement_progress(agreement=agreement, postings=postings),
        "history": jobs_selectors.history_entries(agreement),
        "may_edit": user_may_edit_demand(request.user),
    }
    return render(request, "jobs/console/agreement_detail.html", context)
