from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.accounts.models import Role
from core.accounts.permissions import console_required
from core.api import not_found_response
from core.regions.selectors import region_path
from portal import health
from portal.statistics.public import home_figures, visitor_province


@require_safe
def home(request):
    province = visitor_province(request.user)
    return render(request, "portal/home.html", {"campaign_figures": home_figures(province)})


@never_cache
@require_safe
def healthz(request):
    statuses = health.service_statuses()
    healthy = all(status != health.DOWN for status in statuses.values())
    return JsonResponse({"status": "ok" if healthy else "degraded", **statuses}, status=200 if healthy else 503)


@console_required
def console_home(request):
    user = request.user
    # City and province supervisors read figures; their console opens on their region's dashboard.
    if user.role == Role.SUPERVISOR:
        return redirect("statistics:dashboard")
    return render(
        request,
        "console/home.html",
        {"region_path": region_path(user.region) if user.region else []},
    )


def not_found(request, exception):
    """handler404: an API client gets the API's JSON error shape, a person the site's 404 page."""
    if request.path.startswith("/api/"):
        return not_found_response()
    return defaults.page_not_found(request, exception)
