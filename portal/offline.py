"""The service worker that keeps a worker's bookings page (/me/trips/) and its QR codes viewable offline.

Served from under /me/trips/ rather than /static/: a service worker controls only the pages at or below its own
address, and this one should control the bookings page and nothing else.
"""

from functools import cache

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.http import require_safe

_WORKER_FILE = settings.BASE_DIR / "static" / "js" / "bookings-offline-worker.js"


@cache
def _worker_script():
    return _WORKER_FILE.read_text(encoding="utf-8")


@require_safe
def bookings_offline_worker(request):
    response = HttpResponse(_worker_script(), content_type="text/javascript; charset=utf-8")
    # Browsers check for a new version on every visit; never a stale worker from a cache.
    response["Cache-Control"] = "no-cache"
    return response
