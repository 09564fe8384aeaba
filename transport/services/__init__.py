"""Every change to trips and bookings (docs/transport.md), one module per concern:

- booking: book a seat (the rush path), cancel, accept an offered seat, offers lapsing;
- seats: the trip's seat counter, freed seats offered to the waiting list;
- trips: dispatchers' trips and their status changes;
- boarding: one scan at the door;
- reminders: 24 h and 2 h before departure.
"""

from transport.services.boarding import booking_board
from transport.services.booking import (
    booking_accept_offer,
    booking_cancel,
    booking_code_new,
    booking_create,
    booking_is_own_or_in_scope,
    offers_expire,
)
from transport.services.reminders import REMINDERS, trip_reminders_send
from transport.services.seats import seat_claim, waitlist_position
from transport.services.trips import (
    trip_arrive,
    trip_cancel,
    trip_close,
    trip_create,
    trip_depart,
    trip_open,
    trip_problems,
    trip_update,
)

__all__ = [
    "REMINDERS",
    "booking_accept_offer",
    "booking_board",
    "booking_cancel",
    "booking_code_new",
    "booking_create",
    "booking_is_own_or_in_scope",
    "offers_expire",
    "seat_claim",
    "trip_arrive",
    "trip_cancel",
    "trip_close",
    "trip_create",
    "trip_depart",
    "trip_open",
    "trip_problems",
    "trip_reminders_send",
    "trip_update",
    "waitlist_position",
]
