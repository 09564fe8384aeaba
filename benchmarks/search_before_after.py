"""A few queries through `posting_search` with the code of another checkout, to compare before and after a change.

    git archive 6df146c | tar -x -C /tmp/search-before
    for tree in /tmp/search-before /work/wt/search; do
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/chunfeng_bench DEBUG=true \\
            flock /tmp/chunfeng-benchmark.lock .venv/bin/python benchmarks/search_before_after.py "$tree"
    done

Each query 40 times, round robin, after one warm-up; prints p50 and p95 of the whole call and p95 of its time in
the database. Run the two trees one after the other, more than once: on a shared machine only figures taken in the
same minutes compare.
"""

import os
import statistics
import sys
import time
from pathlib import Path

# This checkout's clock, imported before the other tree goes first on the path for the code it measures.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.database_clock import DatabaseClock

QUERIES = ["东莞 普工 包吃包住 5000以上", "做饭", "新化 保洁", "保洁"]
ROUNDS = 40


def main():
    tree = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
    sys.path.insert(0, tree)
    os.chdir(tree)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.db import connection

    import jobs
    from jobs.selectors import PostingFilters, posting_search

    if not jobs.__file__.startswith(tree):
        sys.exit(f"jobs was imported from {jobs.__file__}, not from {tree}")

    walls, databases = {q: [] for q in QUERIES}, {q: [] for q in QUERIES}
    for q in QUERIES:
        posting_search(filters=PostingFilters(q=q))
    for _round in range(ROUNDS):
        for q in QUERIES:
            clock, started = DatabaseClock(), time.perf_counter()
            with connection.execute_wrapper(clock):
                posting_search(filters=PostingFilters(q=q))
            walls[q].append((time.perf_counter() - started) * 1000)
            databases[q].append(clock.seconds * 1000)
    print(f"code: {tree}; load average {os.getloadavg()[0]:.1f}")
    for q in QUERIES:
        print(f"| {q} | {statistics.median(walls[q]):.1f} | {p95(walls[q]):.1f} | {p95(databases[q]):.1f} |")


def p95(samples):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


if __name__ == "__main__":
    main()
