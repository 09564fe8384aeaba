from django.urls import path

from transport import api

urlpatterns = [
    path("trips/", api.TripListApi.as_view(), name="trip-list"),
    path("trips/<int:trip_id>/bookings/", api.TripBookingApi.as_view(), name="trip-bookings"),
    path("bookings/<int:booking_id>/", api.BookingApi.as_view(), name="booking-detail"),
    path("bookings/<str:code>/board/", api.BoardingApi.as_view(), name="booking-board"),
]
