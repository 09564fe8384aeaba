"""The job seeker's pages of every app (/me/..., booking a seat, applying): registered workers only.

Role checks are core's (core.accounts.permissions); this adds the worker record, which only this floor and those
above know, and is the one place that sets `request.worker` (from `workers.selectors.own_worker`).
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from core.accounts.permissions import job_seeker_required
from workers.selectors import own_worker


def registered_required(view):
    """A job seeker with a worker record, put on `request.worker`. A newcomer is sent to registration first, then
    back to the page they asked for (only a GET can be asked for again)."""

    @job_seeker_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.worker = own_worker(request.user, whole_record=True)
        if request.worker is None:
            register_url = reverse("me:register")
            # Registering lands on /me/ anyway; any other page asked for by a GET is where they come back to.
            if request.method == "GET" and request.path != reverse("me:home"):
                return redirect_to_login(request.get_full_path(), login_url=register_url)
            return redirect(register_url)
        return view(request, *args, **kwargs)

    return wrapper
