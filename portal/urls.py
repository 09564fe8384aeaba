from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.display.elder_mode import elder_mode_switch
from jobs import console_urls as jobs_console_urls
from placement.applications.views import demand as demand_pages
from portal import offline, posters, views
from transport import views as transport_views

api_patterns = [
    path("", include("core.regions.urls")),
    path("", include("jobs.api_urls")),
    path("", include("placement.applications.api_urls")),
    path("", include("core.accounts.api_urls")),
    path("", include("workers.api_urls")),
    path("", include("transport.api_urls")),
    path("", include("portal.statistics.api_urls")),
]

console_patterns = [
    path("", views.console_home, name="home"),
    path("posters/board/", posters.board_picker, name="board_picker"),
    path("notifications/", include("core.notifications.console_urls")),
]

# The demand console: jobs' own pages, and the ones assembled on the floors above because they show their figures.
demand_console_patterns = [
    *jobs_console_urls.urlpatterns,
    path("", demand_pages.posting_list, name="postings"),
    path("postings/<int:posting_id>/", demand_pages.posting_detail, name="posting"),
    path("employers/<int:employer_id>/", demand_pages.employer_detail, name="employer"),
    path("agreements/<int:agreement_id>/", transport_views.agreement_detail, name="agreement"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Posters for the village board (portal/posters.py), ahead of the job pages they print.
    path("jobs/<int:posting_id>/poster/", posters.posting_poster, name="posting_poster"),
    path("jobs/board/", posters.board, name="board"),
    path("jobs/board/poster/", posters.board_poster, name="board_poster"),
    path("fairs/<int:fair_id>/poster/", posters.fair_poster, name="fair_poster"),
    path("metrics", views.metrics, name="metrics"),
    path("jobs/", include("jobs.urls")),
    path("accounts/", include("core.accounts.urls")),
    path("inbox/", include("core.notifications.urls")),
    path("sms/", include("core.notifications.provider_urls")),
    path("console/", include((console_patterns, "console"))),
    path("console/workers/", include("workers.console_urls")),
    path("console/jobs/", include((demand_console_patterns, "jobs_console"))),
    path("console/trips/", include("transport.console_urls")),
    path("console/applications/", include("placement.applications.console_urls")),
    path("console/matching/", include("placement.matching.console_urls")),
    path("console/stats/", include("portal.statistics.urls")),
    path("trips/", include("transport.urls")),
    path("me/trips/offline-worker.js", offline.bookings_offline_worker, name="bookings_offline_worker"),
    path("me/trips/", include("transport.me_urls")),
    path("me/applications/", include("placement.applications.me_urls")),
    path("fairs/", include("placement.applications.fair_urls")),
    path("me/jobs-for-you/", include("placement.matching.me_urls")),
    path("me/", include("workers.me_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("display/elder/", elder_mode_switch, name="elder-mode"),
    path("api/v1/", include((api_patterns, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file (?script), so the docs need no inline script either.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

handler404 = "portal.views.not_found"
