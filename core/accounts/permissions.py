from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


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
