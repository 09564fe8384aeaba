"""Workers' routes, one list per audience; portal/urls.py mounts each under its prefix and namespace."""

from django.urls import path

from workers import api
from workers.views import console, me

# /me/ (namespace "me")
me_routes = [
    path("", me.home, name="home"),
    path("register/", me.register, name="register"),
    path("edit/", me.edit, name="edit"),
    path("status/", me.status, name="status"),
    path("data/", me.data, name="data"),
    path("deletion/", me.deletion, name="deletion"),
]

# /console/workers/ (namespace "workers")
console_routes = [
    path("", console.ledger, name="ledger"),
    path("assign/", console.ledger_assign, name="assign"),
    path("export/", console.ledger_export, name="export"),
    path("new/", console.worker_new, name="new"),
    path("secretary/", console.secretary, name="secretary"),
    path("import/", console.import_new, name="import"),
    path("import/template.xlsx", console.import_template, name="import_template"),
    path("import/<int:import_id>/", console.import_detail, name="import_detail"),
    path("<int:worker_id>/", console.worker_detail, name="detail"),
    path("<int:worker_id>/status/", console.worker_status, name="status"),
    path("<int:worker_id>/service/", console.worker_service, name="service"),
    path("<int:worker_id>/reveal/", console.worker_reveal, name="reveal"),
    path("<int:worker_id>/secretary/", console.worker_secretary, name="secretary_assign"),
    path("<int:worker_id>/key-groups/<str:group>/verify/", console.worker_key_group_verify, name="key_group_verify"),
]

# /api/v1/ (namespace "api")
api_routes = [
    path("me/", api.OwnWorkerApi.as_view(), name="own-worker"),
    path("me/register/", api.OwnRegistrationApi.as_view(), name="own-registration"),
    path("workers/", api.LedgerApi.as_view(), name="ledger"),
    path("workers/<int:worker_id>/", api.LedgerWorkerApi.as_view(), name="ledger-worker"),
]
