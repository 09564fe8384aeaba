from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render

from core.accounts.forms import StaffAuthenticationForm


class StaffLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = True


def locked_out(request, original_response=None, credentials=None):
    """django-axes calls this instead of authenticating a username that failed too often."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"cooloff_minutes": minutes}, status=429)
