"""The job search benchmark: the portal's selector against a naive `icontains`, then the page under load.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chunfeng_bench DEBUG=true \
        flock /tmp/chunfeng-benchmark.lock .venv/bin/python benchmarks/search.py

Part 1 runs the issue's fixed query mix against the postings made by benchmarks/generate.py, each query through
(a) `jobs.selectors.posting_search`, the code behind /jobs/ and the API: one page of 20 and its capped count, and
(b) the naive way: `icontains` over title, description and employer name (for the county filter: over the written
work address, which starts with the full place names), Django's Paginator (exact count, OFFSET),
interleaved in one run, and reports p50/p95 of each and the ratio of the p95s. For (a) it also reports the time
spent inside the database alone.

Part 2 (skip with --no-http, or run it alone with --http-only) serves the portal with gunicorn (one sync worker per
core, DEBUG off, the cache in Redis when REDIS_URL is set, as in production) and loads it with wrk at 8
connections: /jobs/?q=普工 and a minimal one-query Django page (/bench/minimal/, see benchmarks/urls.py) through
the same gunicorn, alternating; first with the job list's result cache on, then with it off
(JOBS_LIST_CACHE_SECONDS=0: every request searches and renders; the filter panel, which depends on the regions
only, stays cached).
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.core.paginator import Paginator  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402

from benchmarks.database_clock import DatabaseClock  # noqa: E402
from benchmarks.served import gunicorn  # noqa: E402
from core.regions.models import Region  # noqa: E402
from jobs.models import JobPosting  # noqa: E402
from jobs.selectors import PostingFilters, posting_search, postings_visible  # noqa: E402

PAGE_SIZE = 20
DEEP_PAGE = 1000


def naive_page(*, q="", place="", wage_min=None, page=1):
    postings = postings_visible().select_related("employer", "work_region").order_by("-published_at", "-id")
    if q:
        postings = postings.filter(Q(title__icontains=q) | Q(description__icontains=q) | Q(employer__name__icontains=q))
    if place:
        # Without a region tree, "jobs in 浏阳市" is the place name looked up in the written address.
        postings = postings.filter(work_address__icontains=place)
    if wage_min:
        postings = postings.filter(wage_max__gte=wage_min)
    paginator = Paginator(postings, PAGE_SIZE)
    return paginator.count, list(paginator.page(page).object_list)


def deep_cursor():
    """The cursor of page 1,000 of the newest postings, reached as a visitor would: page by page."""
    cursor = None
    for _page in range(DEEP_PAGE - 1):
        cursor = posting_search(filters=PostingFilters(), cursor=cursor).next_cursor
    return cursor


def query_mix():
    liuyang = Region.objects.get(code="430181")
    cursor = deep_cursor()
    words = ["保洁", "普工", "电子厂", "采茶", "包吃包住", "月嫂"]
    mix = [(word, {"filters": PostingFilters(q=word)}, {"q": word}) for word in words]
    mix += [
        ("县: 浏阳市", {"filters": PostingFilters(region=liuyang)}, {"place": liuyang.name}),
        ("月薪 >= 8000", {"filters": PostingFilters(wage_min=8000)}, {"wage_min": 8000}),
        (f"第 {DEEP_PAGE} 页", {"filters": PostingFilters(), "cursor": cursor}, {"page": DEEP_PAGE}),
    ]
    # Issue 18's readings: one character, an everyday word (厨师 and three more words), pinyin, a place and a wage
    # read out of the words. The naive side searches what the seeker meant, as its icontains can.
    mix += [
        ("厨", {"filters": PostingFilters(q="厨")}, {"q": "厨"}),
        ("做饭", {"filters": PostingFilters(q="做饭")}, {"q": "厨师"}),
        ("pugong", {"filters": PostingFilters(q="pugong")}, {"q": "普工"}),
        ("新化 保洁", {"filters": PostingFilters(q="新化 保洁")}, {"q": "保洁", "place": "新化县"}),
        (
            "东莞 普工 包吃包住 5000以上",
            {"filters": PostingFilters(q="东莞 普工 包吃包住 5000以上")},
            {"q": "普工", "place": "东莞市", "wage_min": 5000},
        ),
    ]
    return mix


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(call):
    clock = DatabaseClock()
    started = time.perf_counter()
    with connection.execute_wrapper(clock):
        call()
    return (time.perf_counter() - started) * 1000, clock.seconds * 1000


def run_queries(repeat, naive_repeat):
    print(f"{JobPosting.objects.count():,} postings, {postings_visible().count():,} of them visible\n")
    print(
        "| query | portal p50 ms | portal p95 ms | portal p95 in DB ms | icontains p50 ms | icontains p95 ms "
        "| p95 ratio | portal count |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, portal_arguments, naive_arguments in query_mix():
        portal_times, database_times, naive_times = [], [], []
        page = posting_search(**portal_arguments)  # warm the cache once, as a page in use would be
        naive_page(**naive_arguments)
        for round_number in range(repeat):
            wall, database = timed(lambda arguments=portal_arguments: posting_search(**arguments))
            portal_times.append(wall)
            database_times.append(database)
            if round_number < naive_repeat:
                naive_times.append(timed(lambda arguments=naive_arguments: naive_page(**arguments))[0])
        portal_p95, naive_p95 = percentile(portal_times, 0.95), percentile(naive_times, 0.95)
        print(
            f"| {label} | {statistics.median(portal_times):.1f} | {portal_p95:.1f} | "
            f"{percentile(database_times, 0.95):.1f} | {statistics.median(naive_times):.0f} | {naive_p95:.0f} | "
            f"{naive_p95 / portal_p95:.0f}x | {page.count_display} |",
            flush=True,
        )


def wrk(url, seconds):
    script = Path(__file__).with_name("wrk_p95.lua")
    output = subprocess.run(
        ["wrk", "--threads", "2", "--connections", "8", "--duration", f"{seconds}s", "--script", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    requests_per_second = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p95 = float(re.search(r"p95_ms ([\d.]+)", output).group(1))
    failures = int(re.search(r"non2xx (\d+)", output).group(1))
    return requests_per_second, p95, failures


SEARCH = ("/jobs/?q=普工", "/jobs/?q=%E6%99%AE%E5%B7%A5")
MINIMAL = ("minimal one-query page", "/bench/minimal/")
TABLE_HEAD = "| page | round | requests/s | p95 ms | non-2xx |\n|---|---:|---:|---:|---:|"


def load(base, pages, seconds, rounds):
    """wrk on each page in turn, `rounds` times (A B A B: a burst of load from elsewhere hits both alike)."""
    rates = {label: [] for label, _path in pages}
    for _label, path in pages:
        wrk(base + path, 3)  # warm-up: connections, caches, the workers' first requests
    for round_number in range(1, rounds + 1):
        for label, path in pages:
            rate, p95, failures = wrk(base + path, seconds)
            rates[label].append(rate)
            print(f"| {label} | {round_number} | {rate:.0f} | {p95:.1f} | {failures} |", flush=True)
    return {label: statistics.mean(values) for label, values in rates.items()}


def run_http(seconds, rounds, port):
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    # The search page with its result cache on (as served), then off (what a search nobody made in the last
    # minute costs), each against the minimal page served by the same gunicorn in the same run.
    # Each server gets a port of its own: the previous one's workers may still hold theirs for a moment.
    for offset, (mode, settings) in enumerate(
        [("result cache on", {}), ("result cache off", {"JOBS_LIST_CACHE_SECONDS": "0"})]
    ):
        with gunicorn(port + offset, **settings) as base:
            size = len(urllib.request.urlopen(base + SEARCH[1]).read())
            print(
                f"{mode}: /jobs/?q=普工 is {size / 1024:.1f} KB uncompressed; load average {os.getloadavg()[0]:.1f}\n"
            )
            print(TABLE_HEAD)
            search = (f"{SEARCH[0]} ({mode})", SEARCH[1])
            rates = load(base, [search, MINIMAL], seconds, rounds)
        ratio = rates[search[0]] / rates[MINIMAL[0]]
        print(f"\n{mode}: search page / minimal page, mean throughput: {ratio:.0%} (target: at least 50%)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40, help="runs of each query through the portal's selector")
    parser.add_argument("--naive-repeat", type=int, default=10, help="runs of each naive icontains query")
    parser.add_argument("--seconds", type=int, default=20, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="wrk runs of each page, alternating")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--no-http", action="store_true", help="skip the gunicorn + wrk part")
    parser.add_argument("--http-only", action="store_true", help="only the gunicorn + wrk part")
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Point DATABASE_URL at the PostgreSQL database filled by benchmarks/generate.py.")
    if not options.http_only:
        run_queries(options.repeat, options.naive_repeat)
    if not options.no_http:
        run_http(options.seconds, options.rounds, options.port)


if __name__ == "__main__":
    main()
