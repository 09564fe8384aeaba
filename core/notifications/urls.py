"""The user's inbox (included at /inbox/ by portal/urls.py)."""

from django.urls import path

from core.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
]
