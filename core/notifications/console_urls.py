"""Staff pages under /console/notifications/ (included by portal/urls.py in the console namespace)."""

from django.urls import path

from core.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.broadcast_history, name="history"),
    path("new/", views.broadcast_new, name="new"),
    path("<int:broadcast_id>/", views.broadcast_detail, name="detail"),
    path("<int:broadcast_id>/progress.json", views.broadcast_progress, name="progress"),
    path("<int:broadcast_id>/resend-failed/", views.broadcast_resend_failed, name="resend_failed"),
]
