"""Jobs' routes, one list per audience; portal/urls.py mounts each under its prefix and namespace."""

from django.urls import path

from jobs import api, report_views
from jobs.views import console, public

# /jobs/ (namespace "jobs")
public_routes = [
    path("", public.posting_list, name="posting-list"),
    path("<int:posting_id>/", public.posting_detail_view, name="posting-detail"),
    path("<int:posting_id>/report/", report_views.posting_report, name="posting-report"),
]

# /console/jobs/ (namespace "jobs_console"). The postings list, a posting, an employer and an agreement show
# figures from the floors above (headcount ledgers, trips): those pages are assembled there, and portal/urls.py adds
# them to this list.
console_routes = [
    path("postings/new/", console.posting_new, name="posting_new"),
    path("postings/bulk/", console.posting_bulk, name="posting_bulk"),
    path("postings/<int:posting_id>/edit/", console.posting_edit, name="posting_edit"),
    path("postings/<int:posting_id>/<slug:action>/", console.posting_action, name="posting_action"),
    path("employers/", console.employer_list, name="employers"),
    path("employers/new/", console.employer_edit, name="employer_new"),
    path("employers/<int:employer_id>/edit/", console.employer_edit, name="employer_edit"),
    path("agreements/", console.agreement_list, name="agreements"),
    path("agreements/new/", console.agreement_edit, name="agreement_new"),
    path("agreements/<int:agreement_id>/edit/", console.agreement_edit, name="agreement_edit"),
    path("import/", console.import_new, name="import"),
    path("import/template.xlsx", console.import_template, name="import_template"),
    path("import/<int:import_id>/", console.import_detail, name="import_detail"),
    path("import/<int:import_id>/progress/", console.import_progress, name="import_progress"),
    path("export/postings.xlsx", console.export_postings, name="export_postings"),
    path("export/employers.xlsx", console.export_employers, name="export_employers"),
    path("reports/", report_views.report_queue, name="reports"),
    path("reports/<int:posting_id>/", report_views.report_review, name="report_review"),
]

# /api/v1/ (namespace "api")
api_routes = [
    path("postings/", api.PostingListApi.as_view(), name="posting-list"),
    path("postings/<int:posting_id>/", api.PostingDetailApi.as_view(), name="posting-detail"),
]
