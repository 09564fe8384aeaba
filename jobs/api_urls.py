from django.urls import path

from jobs import api

urlpatterns = [
    path("postings/", api.PostingListApi.as_view(), name="posting-list"),
    path("postings/<int:posting_id>/", api.PostingDetailApi.as_view(), name="posting-detail"),
]
