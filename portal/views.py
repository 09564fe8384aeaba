import hmac

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.accounts.models import Role
from core.accounts.permissions import console_required
from core.api import not_found_response
from core.regions.selectors import region_path
from portal import health
from portal.metrics import metrics_text
from portal.statistics.public import home_figures, visitor_province


@require_safe
def home(request):
    province = visitor_province(request.user)
    return render(request, "portal/home.html", {"campaign_figures": home_figures(province)})


def _operator_token_given(request):
    """Whether the request carries `Authorization: Bearer <METRICS_TOKEN>` (never true while it is unset)."""
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


def _token_required():
    response = JsonResponse({"error": "Authorization: Bearer <METRICS_TOKEN> required"}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@never_cache
@require_safe
def healthz(request):
    """Cheap for the load balancer (the database and Redis answer); ?full=1 with the operator's token adds the
    backlog and background machinery (portal/health.py) and turns 503 when any of it is wrong."""
    statuses = health.service_statuses()
    healthy = all(status != health.DOWN for status in statuses.values())
    body = {"status": "ok" if healthy else "degraded", **statuses}
    if request.GET.get("full") == "1":
        if not _operator_token_given(request):
            return _token_required()
        body.update(health.full_report())
        healthy = healthy and not body["problems"]
        body["status"] = "ok" if healthy else "degraded"
    return JsonResponse(body, status=200 if healthy else 503)


@never_cache
@require_safe
def metrics(request):
    """Prometheus' scrape (docs/operations.md): absent until METRICS_TOKEN is set, then for its bearer only."""
    if not settings.METRICS_TOKEN:
        raise Http404
    if not _operator_token_given(request):
        return _token_required()
    return HttpResponse(metrics_text(), content_type="text/plain; version=0.0.4; charset=utf-8")


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
