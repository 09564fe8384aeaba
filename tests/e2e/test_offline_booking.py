"""At a bus station with no signal: the bookings page, opened once, still shows the booking and its QR code, and
says it is an offline copy and when it was made (issue 16, point 7)."""

import re

import pytest

from tests.e2e.large_text import signed_in_as
from tests.factories import TripFactory, WorkerFactory
from transport.services import booking_create

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_bookings_page_and_its_qr_code_show_offline_with_the_time_of_the_copy(phone, regions, live_server):
    worker = WorkerFactory(home_region=regions.get(code="430181102201"))
    booking, _created = booking_create(trip_id=TripFactory().pk, worker=worker, notify=False)
    signed_in_as(phone, worker.user, site=live_server.url)

    phone.goto("/me/trips/")
    assert phone.locator(".offline-note").is_hidden()
    phone.wait_for_function("navigator.serviceWorker.controller !== null || navigator.serviceWorker.ready")
    phone.evaluate("navigator.serviceWorker.ready")
    # The worker takes control of the page on its next load; that load is the copy kept for offline.
    phone.reload()
    phone.wait_for_function("navigator.serviceWorker.controller !== null")
    phone.reload()

    phone.context.set_offline(True)
    phone.reload()

    note = phone.locator(".offline-note")
    assert note.is_visible()
    assert re.fullmatch(r"离线显示，最后更新 \d\d:\d\d", note.inner_text())
    assert phone.locator(".booking-qr svg").is_visible()
    assert booking.code in phone.locator(".booking-code").inner_text()
