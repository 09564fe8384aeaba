"""Boarding at the door: one scan (QR code, typed booking code or phone number), appended to the scan log."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.errors import ApplicationError
from core.typed_input import compact, typed_phone
from transport.models import BoardingCheck, BoardingOutcome, BoardingScan, Booking, BookingStatus, Trip, TripStatus
from transport.services.trips import check_boarding_checks, check_trip_scope


def boarding_query_normalise(query: str | None) -> str:
    """A booking code as typed at the door ("ab3k-7m2p", full-width letters from a Chinese keyboard) in the form it
    is stored in: the typed-input rule (core/typed_input.py: NFKC, spaces and dashes out), upper case."""
    return compact(query).upper()


def _find_booking(trip: Trip, query: str) -> Booking | None:
    """The booking a scan names: by its passenger's phone (typed as any phone field takes it: +86, full-width
    digits), else by its code. A code has eight characters, so it is never taken for a phone."""
    bookings = Booking.objects.select_related("worker__user").filter(trip=trip)
    phone = typed_phone(query)
    if phone is not None:
        return bookings.filter(worker__user__phone=phone).order_by("-id").first()
    return bookings.filter(code=query).first()


@transaction.atomic
def booking_board(*, actor: User, trip_id: int, query: str, checks: Iterable[str] = ()) -> BoardingScan:
    """One scan at the door (QR code, typed booking code or phone). Appends a BoardingScan and returns it.

    A second scan of a boarded passenger answers when they boarded and changes nothing.
    """
    trip = Trip.objects.get(pk=trip_id)
    check_trip_scope(actor=actor, origin_county_id=trip.origin_county_id)
    typed = (query or "").strip()
    query = boarding_query_normalise(typed)
    if not query:
        raise ApplicationError(_("请扫描二维码，或输入预约码或手机号。"), field="query")
    check_boarding_checks(checks, field="checks")
    booking = _find_booking(trip, query)
    outcome, message = _boarding_decision(trip, booking, set(checks))
    if outcome == BoardingOutcome.BOARDED:
        boarded_at = timezone.now()
        updated = Booking.objects.filter(pk=booking.pk, status=BookingStatus.CONFIRMED).update(
            status=BookingStatus.BOARDED, boarded_at=boarded_at, checks_passed=sorted(checks)
        )
        if updated:
            message = _("%(name)s 上车成功，座位%(seat)s号。") % {
                "name": booking.worker.full_name,
                "seat": booking.seat_number,
            }
        else:
            booking.refresh_from_db()
            outcome, message = _boarding_decision(trip, booking, set(checks))
    return BoardingScan.objects.create(
        trip=trip, booking=booking, query=typed[:100], outcome=outcome, message=message, scanned_by=actor
    )


def _boarding_decision(trip: Trip, booking: Booking | None, checks: Iterable[str]) -> tuple[str, str]:
    if booking is None:
        return BoardingOutcome.NOT_FOUND, _("本趟车没有这个预约。")
    if booking.status == BookingStatus.BOARDED:
        return BoardingOutcome.ALREADY_BOARDED, _("%(name)s 已于%(time)s上车。") % {
            "name": booking.worker.full_name,
            "time": timezone.localtime(booking.boarded_at).strftime("%H:%M"),
        }
    if booking.status != BookingStatus.CONFIRMED:
        return BoardingOutcome.REFUSED, _("%(name)s 的预约是“%(status)s”，不能上车。") % {
            "name": booking.worker.full_name,
            "status": booking.get_status_display(),
        }
    if trip.status not in (TripStatus.OPEN, TripStatus.CLOSED):
        return BoardingOutcome.REFUSED, _("这趟车是“%(status)s”，不能再上车。") % {"status": trip.get_status_display()}
    missing = [check for check in trip.boarding_checks if check not in checks]
    if missing:
        labels = "、".join(str(BoardingCheck(check).label) for check in missing)
        return BoardingOutcome.REFUSED, _("请先完成上车前核验：%(checks)s。") % {"checks": labels}
    return BoardingOutcome.BOARDED, ""
