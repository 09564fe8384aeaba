from django.urls import path

from jobs import console_views, import_views, report_views

# The routes of jobs' own console pages. The pages that show figures from the floors above (the postings list, a
# posting, an employer: headcount tallies; an agreement: its trips) are assembled there, and portal/urls.py joins
# them to these under the one namespace `jobs_console`.
urlpatterns = [
    path("postings/new/", console_views.posting_new, name="posting_new"),
    path("postings/bulk/", console_views.posting_bulk, name="posting_bulk"),
    path("postings/<int:posting_id>/edit/", console_views.posting_edit, name="posting_edit"),
    path("postings/<int:posting_id>/<slug:action>/", console_views.posting_action, name="posting_action"),
    path("reports/", report_views.report_queue, name="reports"),
    path("reports/<int:posting_id>/", report_views.report_review, name="report_review"),
    path("employers/", console_views.employer_list, name="employers"),
    path("employers/new/", console_views.employer_edit, name="employer_new"),
    path("employers/<int:employer_id>/edit/", console_views.employer_edit, name="employer_edit"),
    path("agreements/", console_views.agreement_list, name="agreements"),
    path("agreements/new/", console_views.agreement_edit, name="agreement_new"),
    path("agreements/<int:agreement_id>/edit/", console_views.agreement_edit, name="agreement_edit"),
    path("import/", import_views.import_new, name="import"),
    path("import/template.xlsx", import_views.import_template, name="import_template"),
    path("import/<int:import_id>/", import_views.import_detail, name="import_detail"),
    path("import/<int:import_id>/progress/", import_views.import_progress, name="import_progress"),
    path("export/postings.xlsx", import_views.export_postings, name="export_postings"),
    path("export/employers.xlsx", import_views.export_employers, name="export_employers"),
]
