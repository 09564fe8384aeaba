from django.urls import include, path

from jobs import api

urlpatterns = [
    path("postings/", api.PostingListApi.as_view(), name="posting-list"),
    path("postings/<int:posting_id>/", api.PostingDetailApi.as_view(), name="posting-detail"),
    path("", include("jobs.applications.api_urls")),
]
