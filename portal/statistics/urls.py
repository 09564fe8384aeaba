from django.urls import path

from portal.statistics import views

app_name = "statistics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("weekly/", views.weekly, name="weekly"),
    path("weekly.xlsx", views.weekly_excel, name="weekly_excel"),
    path("funnel/", views.funnel, name="funnel"),
    path("agents/", views.agents, name="agents"),
    path("agents.xlsx", views.agents_excel, name="agents_excel"),
]
