"""What the SMS provider calls (included at /sms/ by portal/urls.py): its push of delivery receipts."""

from django.urls import path

from core.notifications import views

app_name = "sms_provider"

urlpatterns = [
    path("receipts/<str:token>/", views.sms_receipts, name="receipts"),
]
