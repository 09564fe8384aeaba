"""What a phone downloads (issue 16, point 9): four pages on a 3G line, from a cold cache, with their budget.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chunfeng_demo REDIS_URL=redis://127.0.0.1:6379/1 DEBUG=true \
        flock /tmp/chunfeng-benchmark.lock .venv/bin/python benchmarks/page_weight.py

Fills the (migrated) database with the demo data (`seed_demo`, idempotent), serves the portal as in production
(gunicorn, DEBUG off, WhiteNoise's precompressed static files, Django's GZipMiddleware; benchmarks/served.py) and
opens /, /jobs/, the first posting on /jobs/ and /me/trips/ (signed in as a demo job seeker with a booking) in
Debian's chromium at 360 x 740, each in a new browser context (nothing cached), throttled through DevTools to 400
kbps down and up with a 400 ms round trip. For each page: the bytes transferred (the sum of `encodedDataLength`:
headers and compressed bodies) and the responses, then DOMContentLoaded, load, the largest contentful paint and the
moment the main content (the search box, the first job card, the posting's title, the booking) is on screen, as the
median of `--rounds` loads. The page is usable when both its DOM is ready and its main content is on screen.

Budget for /jobs/: at most 100 KB transferred, usable within 3 s. tests/e2e/test_page_weight.py holds the bytes.
"""

import argparse
import os
import secrets
import statistics
import sys
import urllib.request
from pathlib import Path
from re import search

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
# The server's own key, so that a session made here signs the job seeker in there.
SECRET_KEY = secrets.token_urlsafe(50)
os.environ["SECRET_KEY"] = SECRET_KEY

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from benchmarks.served import gunicorn  # noqa: E402
from benchmarks.slow_phone import THREE_G, timings, watch_network, watch_timings  # noqa: E402
from portal.demo import seed_demo  # noqa: E402
from transport.models import Booking, BookingStatus, TripStatus  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
BUDGET_BYTES = 100 * 1024
BUDGET_USABLE_MS = 3000
PHONE = {"width": 360, "height": 740}


def demo_job_seeker_session():
    """A session cookie for the first demo job seeker with a confirmed seat on an open trip."""
    booking = (
        Booking.objects.filter(status=BookingStatus.CONFIRMED, trip__status=TripStatus.OPEN)
        .select_related("worker__user")
        .order_by("id")
        .first()
    )
    if booking is None:
        sys.exit("no confirmed booking on an open trip: did seed_demo run?")
    client = Client()
    client.force_login(booking.worker.user)
    return client.cookies["sessionid"].value


def first_posting(base):
    html = urllib.request.urlopen(base + "/jobs/").read().decode()
    return search(r'class="job-card__link" href="(/jobs/\d+/)"', html).group(1)


def load_once(browser, url, *, main_content, session):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    if session:
        context.add_cookies([{"name": "sessionid", "value": session, "url": url}])
    page = context.new_page()
    watch_timings(page, main_content=main_content)
    transfer = watch_network(page, conditions=THREE_G)
    response = page.goto(url, wait_until="load")
    if response is None or response.status != 200 or page.url != url:
        sys.exit(f"{url} answered {response and response.status} at {page.url}")
    measured = timings(page)
    context.close()
    return transfer, measured


def measure(browser, base, pages, rounds):
    rows = []
    for label, path, main_content, session in pages:
        loads = [load_once(browser, base + path, main_content=main_content, session=session) for _ in range(rounds)]
        transfer = loads[0][0]
        median = {key: statistics.median(measured[key] for _transfer, measured in loads) for key in loads[0][1]}
        median["usable"] = statistics.median(
            max(measured["dom_content_loaded"], measured["main_content"]) for _transfer, measured in loads
        )
        rows.append((label, path, transfer, median))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="cold loads of each page (times: the median)")
    parser.add_argument("--port", type=int, default=8106)
    parser.add_argument("--list-requests", action="store_true", help="also print what each page requested")
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    seed_demo()
    session = demo_job_seeker_session()
    with gunicorn(options.port, secret_key=SECRET_KEY) as base, sync_playwright() as playwright:
        pages = [
            ("home", "/", ".home-search", None),
            ("job list", "/jobs/", ".job-card", None),
            ("a posting", first_posting(base), ".job-detail h1", None),
            ("my bookings (signed in)", "/me/trips/", ".booking", session),
        ]
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        load_before = os.getloadavg()
        rows = measure(browser, base, pages, options.rounds)
        load_after = os.getloadavg()
        browser.close()

    print(
        f"\n3G: {THREE_G['downloadThroughput'] * 8 / 1000:.0f} kbps down, {THREE_G['latency']} ms round trip; "
        f"cold cache; 360 x 740; median of {options.rounds} loads"
    )
    print("\n| page | transferred | responses | DOMContentLoaded | load | LCP | main content | usable |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, path, transfer, median in rows:
        times = " | ".join(
            f"{median[key] / 1000:.2f} s" for key in ("dom_content_loaded", "load", "lcp", "main_content", "usable")
        )
        print(f"| {label} `{path}` | {transfer.bytes / 1024:.1f} KB | {transfer.responses} | {times} |")
    if options.list_requests:
        for label, _path, transfer, _median in rows:
            print(f"\n{label}:\n  " + "\n  ".join(transfer.urls))
    print(
        f"\nload average (1 min) before / after: {load_before[0]:.2f} / {load_after[0]:.2f}; 5 min: {load_after[1]:.2f}"
    )
    _label, _path, transfer, median = rows[1]
    within = transfer.bytes <= BUDGET_BYTES and median["usable"] <= BUDGET_USABLE_MS
    print(
        f"job list budget (<= {BUDGET_BYTES // 1024} KB, usable <= {BUDGET_USABLE_MS / 1000:.0f} s): "
        f"{transfer.bytes / 1024:.1f} KB, usable at {median['usable'] / 1000:.2f} s: "
        f"{'within' if within else 'OVER BUDGET'}"
    )
    sys.exit(0 if within else 1)


if __name__ == "__main__":
    main()
