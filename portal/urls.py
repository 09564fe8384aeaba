from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.display.elder_mode import elder_mode_switch
from jobs import urls as jobs
from placement.applications import urls as applications
from placement.matching import urls as matching
from portal import offline, posters, views
from transport import urls as transport
from workers import urls as workers

# Each app's urls.py has one list of routes per audience; they are mounted here, each under its prefix and namespace.
api_patterns = [
    path("", include("core.regions.urls")),
    path("", include(jobs.api_routes)),
    path("", include(applications.api_routes)),
    path("", include("core.accounts.api_urls")),
    path("", include(workers.api_routes)),
    path("", include(transport.api_routes)),
    path("", include("portal.statistics.api_urls")),
]

console_patterns = [
    path("", views.console_home, name="home"),
    path("posters/board/", posters.board_picker, name="board_picker"),
    path("notifications/", include("core.notifications.console_urls")),
]

# The demand console: jobs' own pages, and those assembled on the floors above because they show their figures.
demand_console_patterns = [
    *jobs.console_routes,
    *applications.demand_console_routes,
    *transport.demand_console_routes,
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain; charset=utf-8"),
        name="robots",
    ),
    # Posters for the village board (portal/posters.py), ahead of the job pages they print.
    path("jobs/<int:posting_id>/poster/", posters.posting_poster, name="posting_poster"),
    path("jobs/board/", posters.board, name="board"),
    path("jobs/board/poster/", posters.board_poster, name="board_poster"),
    path("fairs/<int:fair_id>/poster/", posters.fair_poster, name="fair_poster"),
    path("metrics", views.metrics, name="metrics"),
    path("jobs/", include((jobs.public_routes, "jobs"))),
    path("accounts/", include("core.accounts.urls")),
    path("inbox/", include("core.notifications.urls")),
    path("sms/", include("core.notifications.provider_urls")),
    path("console/", include((console_patterns, "console"))),
    path("console/exports/", include("core.exports.urls")),
    path("console/workers/", include((workers.console_routes, "workers"))),
    path("console/jobs/", include((demand_console_patterns, "jobs_console"))),
    path("console/trips/", include((transport.console_routes, "transport"))),
    path("console/applications/", include((applications.console_routes, "applications_console"))),
    path("console/matching/", include((matching.console_routes, "matching_console"))),
    path("console/stats/", include("portal.statistics.urls")),
    path("trips/", include((transport.public_routes, "trips"))),
    path("me/trips/offline-worker.js", offline.bookings_offline_worker, name="bookings_offline_worker"),
    path("me/trips/", include((transport.me_routes, "me_trips"))),
    path("me/applications/", include((applications.me_routes, "me_applications"))),
    path("fairs/", include((applications.public_routes, "fairs"))),
    path("me/jobs-for-you/", include((matching.me_routes, "me_matching"))),
    path("me/", include((workers.me_routes, "me"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("display/elder/", elder_mode_switch, name="elder-mode"),
    path("api/v1/", include((api_patterns, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file (?script), so the docs need no inline script either.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

handler404 = "portal.views.not_found"
