"""The job seeker's trips: booking a seat from the trip page, their bookings (/me/trips/), cancelling one and
taking a seat offered from the waiting list."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.errors import ApplicationError
from transport import selectors, services
from transport.forms import BookForm
from transport.models import BookingStatus
from transport.qr import booking_qr_svg
from workers.permissions import registered_required


@registered_required
@require_POST
def trip_book(request, trip_id):
    trip = selectors.trip_public(trip_id=trip_id)
    form = BookForm(request.POST, trip=trip)
    if not form.is_valid():
        messages.error(request, _("请选择这趟车的上车点。"))
        return redirect("trips:detail", trip_id=trip.pk)
    point = form.cleaned_data["pickup_point"]
    try:
        booking, _created = services.booking_create(
            trip_id=trip.pk,
            worker=request.worker,
            pickup_point_id=point.pk if point else None,
            idempotency_key=request.POST.get("idempotency_key") or None,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("trips:detail", trip_id=trip.pk)
    if booking.status == BookingStatus.CONFIRMED:
        messages.success(request, _("预约成功，座位%(seat)s号。") % {"seat": booking.seat_number})
    else:
        messages.success(
            request, _("座位已满，您在候补第%(position)s位。") % {"position": services.waitlist_position(booking)}
        )
    return redirect("me_trips:bookings")


@registered_required
@require_safe
def my_bookings(request):
    bookings = list(selectors.worker_bookings(worker=request.worker))
    for booking in bookings:
        if booking.status == BookingStatus.CONFIRMED:
            booking.qr_svg = booking_qr_svg(booking.code)
        elif booking.status == BookingStatus.WAITLISTED and booking.offer_expires_at is None:
            booking.position = services.waitlist_position(booking)
    return render(request, "transport/my_bookings.html", {"bookings": bookings})


def _my_booking_action(request, change, done):
    try:
        change()
    except ApplicationError as error:
        if error.code == "not_found":
            raise Http404(error.message) from error
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("me_trips:bookings")


@registered_required
@require_http_methods(["GET", "HEAD", "POST"])
def my_booking_cancel(request, booking_id):
    """GET asks first (what is lost), POST cancels."""
    if request.method == "POST":
        return _my_booking_action(
            request, lambda: services.booking_cancel(booking_id=booking_id, actor=request.user), _("已取消预约。")
        )
    booking = selectors.worker_bookings(worker=request.worker).filter(id=booking_id).first()
    if booking is None:
        raise Http404
    if booking.status == BookingStatus.CONFIRMED:
        consequence = _("取消后，您的 %(seat)s 号座位会让给候补的人，不能恢复；要乘车需重新预约，届时可能已满。") % {
            "seat": booking.seat_number
        }
    else:
        consequence = _("取消后，您将退出这趟专车的候补。")
    return render(
        request,
        "confirm.html",
        {
            "question": _("取消 %(date)s %(route)s 的预约？")
            % {
                "date": date_format(timezone.localtime(booking.trip.departs_at), "n月j日"),
                "route": f"{booking.trip.origin_county.name} → {booking.trip.destination_name}",
            },
            "consequence": consequence,
            "action_url": request.path,
            "confirm_label": _("确认取消预约"),
            "back_url": reverse("me_trips:bookings"),
            "back_label": _("不取消，返回我的预约"),
        },
    )


@registered_required
@require_POST
def my_booking_accept(request, booking_id):
    return _my_booking_action(
        request, lambda: services.booking_accept_offer(booking_id=booking_id, worker=request.worker), _("已确认座位。")
    )
