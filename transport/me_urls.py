from django.urls import path

from transport import views

app_name = "me_trips"

urlpatterns = [
    path("", views.my_bookings, name="bookings"),
    path("<int:booking_id>/cancel/", views.my_booking_cancel, name="cancel"),
    path("<int:booking_id>/accept/", views.my_booking_accept, name="accept"),
]
