from django.urls import path

from workers.views import console

app_name = "workers"

urlpatterns = [
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
