from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.posting_list, name="posting-list"),
    path("<int:posting_id>/", views.posting_detail_view, name="posting-detail"),
]
