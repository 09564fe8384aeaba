from django.urls import path

from workers import api

urlpatterns = [
    path("me/", api.OwnWorkerApi.as_view(), name="own-worker"),
    path("me/register/", api.OwnRegistrationApi.as_view(), name="own-registration"),
    path("workers/", api.LedgerApi.as_view(), name="ledger"),
    path("workers/<int:worker_id>/", api.LedgerWorkerApi.as_view(), name="ledger-worker"),
]
