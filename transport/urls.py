from django.urls import path

from transport import views

app_name = "trips"

urlpatterns = [
    path("", views.public_trip_list, name="list"),
    path("<int:trip_id>/", views.public_trip_detail, name="detail"),
    path("<int:trip_id>/book/", views.trip_book, name="book"),
    path("manifest/<str:token>/", views.manifest_shared, name="manifest"),
]
