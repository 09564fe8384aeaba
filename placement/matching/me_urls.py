from django.urls import path

from placement.matching import views

app_name = "me_matching"

urlpatterns = [
    path("", views.jobs_for_you, name="jobs_for_you"),
]
