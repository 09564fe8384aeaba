from django.urls import path

from jobs import report_views, views

app_name = "jobs"

urlpatterns = [
    path("", views.posting_list, name="posting-list"),
    path("<int:posting_id>/", views.posting_detail_view, name="posting-detail"),
    path("<int:posting_id>/report/", report_views.posting_report, name="posting-report"),
]
