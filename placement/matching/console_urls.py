from django.urls import path

from placement.matching import views

app_name = "matching_console"

urlpatterns = [
    path("postings/<int:posting_id>/candidates/", views.candidates, name="candidates"),
    path("my-workers/", views.my_workers, name="my_workers"),
]
