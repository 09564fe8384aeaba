"""Who may open a page, by role: the decorators every app's views use.

`workers.permissions.registered_required` adds the one check core cannot make (a job seeker who has registered as a
worker: the worker record is a floor above core) and builds on `job_seeker_required` here.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.accounts.models import Role


def console_required(view):
    """For every staff console page: sign-in first, then only staff roles and system admins."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_console_user:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def job_seeker_required(view):
    """Signed in through the phone sign-in (a newcomer is sent there first), as a job seeker."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url=reverse("accounts:phone"))
        if request.user.role != Role.JOB_SEEKER:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
