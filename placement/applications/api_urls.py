from django.urls import path

from placement.applications import api

urlpatterns = [
    path("postings/<int:posting_id>/applications/", api.PostingApplicationApi.as_view(), name="posting-applications"),
    path("me/applications/", api.OwnApplicationsApi.as_view(), name="own-applications"),
]
