"""Transport's routes, one list per audience; portal/urls.py mounts each under its prefix and namespace."""

from django.urls import path

from transport import api
from transport.views import console, me, public

# /trips/ (namespace "trips")
public_routes = [
    path("", public.public_trip_list, name="list"),
    path("<int:trip_id>/", public.public_trip_detail, name="detail"),
    path("<int:trip_id>/book/", me.trip_book, name="book"),
    path("manifest/<str:token>/", public.manifest_shared, name="manifest"),
]

# /me/trips/ (namespace "me_trips")
me_routes = [
    path("", me.my_bookings, name="bookings"),
    path("<int:booking_id>/cancel/", me.my_booking_cancel, name="cancel"),
    path("<int:booking_id>/accept/", me.my_booking_accept, name="accept"),
]

# /console/trips/ (namespace "transport")
console_routes = [
    path("", console.trip_list, name="trips"),
    path("new/", console.trip_edit, name="trip_new"),
    path("<int:trip_id>/", console.trip_detail, name="trip"),
    path("<int:trip_id>/edit/", console.trip_edit, name="trip_edit"),
    path("<int:trip_id>/book/", console.trip_book_for_worker, name="trip_book"),
    path("<int:trip_id>/manifest/", console.trip_manifest, name="manifest"),
    path("<int:trip_id>/manifest.xlsx", console.trip_manifest_export, name="manifest_export"),
    path("<int:trip_id>/boarding/", console.trip_boarding, name="boarding"),
    path("<int:trip_id>/<slug:action>/", console.trip_action, name="trip_action"),
]

# Added to jobs' /console/jobs/ routes (namespace "jobs_console"): the agreement's page, with its trips.
demand_console_routes = [
    path("agreements/<int:agreement_id>/", console.agreement_detail, name="agreement"),
]

# /api/v1/ (namespace "api")
api_routes = [
    path("trips/", api.TripListApi.as_view(), name="trip-list"),
    path("trips/<int:trip_id>/bookings/", api.TripBookingApi.as_view(), name="trip-bookings"),
    path("bookings/<int:booking_id>/", api.BookingApi.as_view(), name="booking-detail"),
    path("bookings/<str:code>/board/", api.BoardingApi.as_view(), name="booking-board"),
]
