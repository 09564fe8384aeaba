from django.urls import path

from placement.applications.views import fairs

app_name = "fairs"

urlpatterns = [
    path("", fairs.public_fair_list, name="list"),
    path("<int:fair_id>/", fairs.public_fair_detail, name="detail"),
]
