"""Page visits, counted without a database write per request.

A request adds one to a Redis hash per day (`HINCRBY statistics:visits:<day> <region> 1`, one round trip); a
periodic task (`visits_fold`) moves the hashes into DailyVisits. The fold renames a day's hash before reading it, so
visits counted meanwhile go into a fresh hash for the next fold and none is counted twice; a fold that dies after the
rename leaves the renamed hash behind, and the next fold adds it first.

A visit belongs to the visitor's region when they are signed in with one (a worker's home township, a clerk's
county), else to the region of what the page shows when the view says (`count_visit_for(request, code)`, a
posting's county), else to STATISTICS_PROVINCE, the province the portal serves.
"""

import logging

import redis
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.redis_client import redis_client
from portal.statistics.models import DailyVisits

logger = logging.getLogger(__name__)

KEY_PREFIX = "statistics:visits:"
FOLDING_PREFIX = "statistics:visits-folding:"
# Paths that are not pages people read: the API, static files, admin, health checks, the SMS provider's calls.
NOT_PAGES = ("/api/", "/static/", "/admin/", "/healthz", "/sms/", "/i18n/")
TOWNSHIP_DIGITS = 9

_client = None


def visits_client():
    """One connection pool per process, or None in the embedded mode (no Redis: visits are not counted)."""
    global _client
    if _client is None and settings.REDIS_URL:
        _client = redis_client()
    return _client


def count_visit_for(request, region_code):
    """A view names the region its page is about (a posting's county), for visitors who have none of their own."""
    request.statistics_region = region_code


def visit_region(request):
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.region_id:
        return user.region_id[:TOWNSHIP_DIGITS]
    return getattr(request, "statistics_region", "") or settings.STATISTICS_PROVINCE


def is_page_view(request, response):
    return (
        request.method == "GET"
        and response.status_code == 200
        and response.get("Content-Type", "").startswith("text/html")
        and not request.path.startswith(NOT_PAGES)
    )


class PageVisitMiddleware:
    """Counts each page served (GET, 200, HTML) in Redis; a Redis that is down costs the count, never the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        client = visits_client()
        if client is not None and is_page_view(request, response):
            try:
                client.hincrby(f"{KEY_PREFIX}{timezone.localdate().isoformat()}", visit_region(request), 1)
            except redis.RedisError:
                logger.warning("page visit not counted: Redis unavailable", exc_info=True)
        return response


def visits_fold():
    """Move every day's counters into DailyVisits; returns the visits folded."""
    client = visits_client()
    if client is None:
        return 0
    # What an earlier fold took and did not finish goes first, so that the rename below finds its name free.
    folded = _fold_taken(client)
    for key in client.scan_iter(match=f"{KEY_PREFIX}*"):
        client.renamenx(key, FOLDING_PREFIX + key.decode()[len(KEY_PREFIX) :])
    return folded + _fold_taken(client)


def _fold_taken(client):
    folded = 0
    for key in client.scan_iter(match=f"{FOLDING_PREFIX}*"):
        day = key.decode()[len(FOLDING_PREFIX) :]
        counts = {region.decode(): int(n) for region, n in client.hgetall(key).items()}
        _add_visits(day, counts)
        client.delete(key)
        folded += sum(counts.values())
    return folded


@transaction.atomic
def _add_visits(day, counts):
    for region_code, n in counts.items():
        row, created = DailyVisits.objects.get_or_create(day=day, region_code=region_code, defaults={"visits": n})
        if not created:
            DailyVisits.objects.filter(pk=row.pk).update(visits=F("visits") + n)
