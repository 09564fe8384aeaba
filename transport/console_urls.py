from django.urls import path

from transport import views

app_name = "transport"

urlpatterns = [
    path("", views.trip_list, name="trips"),
    path("new/", views.trip_edit, name="trip_new"),
    path("<int:trip_id>/", views.trip_detail, name="trip"),
    path("<int:trip_id>/edit/", views.trip_edit, name="trip_edit"),
    path("<int:trip_id>/book/", views.trip_book_for_worker, name="trip_book"),
    path("<int:trip_id>/manifest/", views.trip_manifest, name="manifest"),
    path("<int:trip_id>/manifest.xlsx", views.trip_manifest_export, name="manifest_export"),
    path("<int:trip_id>/boarding/", views.trip_boarding, name="boarding"),
    path("<int:trip_id>/<slug:action>/", views.trip_action, name="trip_action"),
]
