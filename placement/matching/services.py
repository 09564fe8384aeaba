"""The nightly two-way push: each worker's best few new jobs by SMS and inbox, each posting owner's new candidates
in the inbox. Exactly once per (worker, posting, direction), recorded in PushedMatch.

"New" means a posting published since the last run started, or any live posting for a worker who registered or
changed their profile since then. The new postings are few and held in memory, indexed by occupation and region
prefix, so that the hundred thousand workers who only need them matched cost no query each; the few new or changed
workers get the full SQL-backed ranking of the "jobs for you" page.
"""

import heapq
import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.batching import chunked
from core.errors import ApplicationError
from core.notifications.catalog import SMS_VARIABLE_LIMIT
from core.notifications.services import notify, notify_each
from jobs.models import JobPosting, PostingStatus
from placement.matching import scoring
from placement.matching.models import MatchRun, PushDirection, PushedMatch
from placement.matching.scoring import POSTING_FIELDS, PostingProfile, WorkerProfile
from placement.matching.selectors import (
    TIER_LIMIT,
    WORKER_FIELDS,
    Agreements,
    matchable_workers,
    posting_candidates,
    worker_profiles,
)
from workers.models import Worker

logger = logging.getLogger(__name__)

PUSH_LOCK = "matching:push:running"
# How long a worker's pushes count towards their cap: a night's run and a rerun the same morning, not yesterday's.
CAP_WINDOW = timedelta(hours=20)
# Candidates listed per posting in the owner's inbox message.
OWNER_CANDIDATES = 10
# Nearby new postings scored per worker and tier, and far ones per occupation, before the best few are picked.
FAR_LIMIT = 30
# New jobs sent to one worker per night, all in one SMS (the daily cap of marketing SMS still applies).
PUSH_PER_WORKER = 3
# Workers read and matched per query.
BATCH_SIZE = 2000
# Longer than the task may run (tasks.matches_push_nightly), so a dead run's lock lapses before the next night.
LOCK_SECONDS = 3600


class NewPostings:
    """The postings published since the last run, indexed for the workers' place tiers."""

    def __init__(self, postings: Iterable[PostingProfile], *, today: date) -> None:
        self.today = today
        self.by_prefix: defaultdict[tuple[str, str], list[PostingProfile]] = defaultdict(list)
        self.by_occupation: defaultdict[str, list[PostingProfile]] = defaultdict(list)
        for posting in postings:
            self.by_occupation[posting.occupation].append(posting)
            for length in (2, 4, 6):
                self.by_prefix[(posting.occupation, posting.work_code[:length])].append(posting)
        # Far postings are cut to the most attractive on their own terms (pay, lodging, freshness).
        for postings_of_occupation in self.by_occupation.values():
            postings_of_occupation.sort(
                key=lambda posting: (-(posting.wage_max + 600 * posting.provides_housing), -posting.id)
            )

    def __bool__(self) -> bool:
        return bool(self.by_occupation)

    def candidates(self, profile: WorkerProfile) -> Iterable[PostingProfile]:
        found: dict[int, PostingProfile] = {}
        prefixes = profile.area_prefixes
        for occupation in profile.occupations:
            if prefixes is None:
                near = [profile.home_code[:n] for n in (6, 4, 2)] + profile.agreement_prefixes
                for prefix in near:
                    for posting in self._with_prefix(occupation, prefix)[:TIER_LIMIT]:
                        found[posting.id] = posting
                taken = 0
                for posting in self.by_occupation.get(occupation, ()):
                    if taken >= FAR_LIMIT:
                        break
                    if scoring.passes_hard_filters(profile, posting, today=self.today):
                        found[posting.id] = posting
                        taken += 1
            else:
                for prefix in prefixes:
                    for posting in self._with_prefix(occupation, prefix)[:TIER_LIMIT]:
                        found[posting.id] = posting
        return found.values()

    def _with_prefix(self, occupation: str, prefix: str) -> list[PostingProfile]:
        if len(prefix) in (2, 4, 6):
            return self.by_prefix.get((occupation, prefix), [])
        return [posting for posting in self.by_occupation.get(occupation, ()) if posting.work_code.startswith(prefix)]


def _new_postings(since: datetime, today: date) -> list[PostingProfile]:
    rows = (
        JobPosting.objects.filter(status=PostingStatus.PUBLISHED, valid_until__gte=today, published_at__gte=since)
        .annotate(work_code=F("work_region_id"))
        .values(*POSTING_FIELDS)
    )
    return [PostingProfile.from_row(row) for row in rows]


def _already_pushed(worker_ids: list[int], direction: str) -> tuple[defaultdict[int, set[int]], defaultdict[int, int]]:
    """{worker_id: {posting_id}} pushed before, and {worker_id: count} pushed within the cap window."""
    pushed: defaultdict[int, set[int]] = defaultdict(set)
    recent: defaultdict[int, int] = defaultdict(int)
    since = timezone.now() - CAP_WINDOW
    rows = PushedMatch.objects.filter(worker_id__in=worker_ids, direction=direction).values_list(
        "worker_id", "posting_id", "pushed_at"
    )
    for worker_id, posting_id, pushed_at in rows:
        pushed[worker_id].add(posting_id)
        if pushed_at >= since:
            recent[worker_id] += 1
    return pushed, recent


def _digest(postings: list[JobPosting]) -> dict[str, Any]:
    """The `job_push` variables for a worker's best new jobs: "电子厂普工 4500-6000元；保洁 3000元", as many as fit
    the provider's limit on a variable (the count still says how many there are)."""
    jobs: list[str] = []
    for posting in postings:
        wage = f"{posting.wage_min}-{posting.wage_max}" if posting.wage_min != posting.wage_max else posting.wage_max
        job = f"{posting.title} {wage}元"[:SMS_VARIABLE_LIMIT]
        if len("；".join([*jobs, job])) > SMS_VARIABLE_LIMIT:
            break
        jobs.append(job)
    return {"count": len(postings), "jobs": "；".join(jobs)}


class _Run:
    def __init__(self, run: MatchRun, *, now: datetime, per_worker: int, batch_size: int) -> None:
        self.run = run
        self.now = now
        self.today = timezone.localdate(now)
        self.per_worker = per_worker
        self.batch_size = batch_size
        self.agreements = Agreements.in_force(self.today)
        self.new_postings = NewPostings(_new_postings(run.since, self.today), today=self.today)
        # worker_id -> [(score, posting_id)] picked for the worker, best first; the best candidates per posting.
        self.to_workers: dict[int, list[tuple[float, int]]] = {}
        self.for_owners: defaultdict[int, list[tuple[float, int]]] = defaultdict(list)

    def _workers(self) -> QuerySet[Worker, dict[str, Any]]:
        changed = Q(registered_at__gte=self.run.since) | Q(updated_at__gte=self.run.since)
        workers = matchable_workers().exclude(wanted_occupations="", skills="")
        if not self.new_postings:
            workers = workers.filter(changed)
        return (
            workers.annotate(changed=ExpressionWrapper(changed, output_field=BooleanField()))
            .values(*WORKER_FIELDS, "changed", "user_id")
            .order_by("id")
        )

    def match_workers(self) -> None:
        """Pick each worker's best new jobs and each posting's best new candidates (in memory)."""
        last_id = 0
        while True:
            rows = list(self._workers().filter(id__gt=last_id)[: self.batch_size])
            if not rows:
                return
            last_id = rows[-1]["id"]
            self._match_batch(rows)

    def _match_batch(self, rows: list[dict[str, Any]]) -> None:
        profiles = worker_profiles(rows, agreements=self.agreements)
        changed = {row["id"] for row in rows if row["changed"]}
        pushed, recent = _already_pushed([row["id"] for row in rows], PushDirection.TO_WORKER)
        for profile in profiles:
            candidates = list(self.new_postings.candidates(profile))
            if profile.id in changed:
                candidates += posting_candidates(profile, today=self.today)
            candidates = [posting for posting in candidates if posting.id not in pushed[profile.id]]
            if not candidates:
                continue
            scored = [
                (scoring.points(profile, posting, self.now)[0], posting)
                for posting in {posting.id: posting for posting in candidates}.values()
                if scoring.passes_hard_filters(profile, posting, today=self.today)
            ]
            scored.sort(key=lambda item: (-item[0], -item[1].id))
            picks = scored[: max(self.per_worker - recent[profile.id], 0)]
            if picks:
                self.to_workers[profile.id] = [(total, posting.id) for total, posting in picks]
            for total, posting in scored[:OWNER_CANDIDATES]:
                heap = self.for_owners[posting.id]
                item = (total, profile.id)
                if len(heap) < OWNER_CANDIDATES:
                    heapq.heappush(heap, item)
                else:
                    heapq.heappushpop(heap, item)

    def push_to_workers(self) -> None:
        """One digest per worker (SMS and inbox) with their best new jobs, workers in chunks, each chunk in a
        transaction with its PushedMatch rows."""
        postings = JobPosting.objects.only("id", "title", "wage_min", "wage_max").in_bulk(
            {posting_id for picks in self.to_workers.values() for _score, posting_id in picks}
        )
        user_ids = dict(matchable_workers().filter(id__in=list(self.to_workers)).values_list("id", "user_id"))
        users = User.objects.in_bulk(user_ids.values())
        user_of_worker = {worker_id: users[user_id] for worker_id, user_id in user_ids.items()}
        # A worker who stopped looking for work since the match was made is left out.
        still_looking = [
            (worker_id, picks) for worker_id, picks in self.to_workers.items() if worker_id in user_of_worker
        ]
        for chunk in chunked(still_looking, settings.NOTIFICATIONS_BATCH_SIZE):
            with transaction.atomic():
                PushedMatch.objects.bulk_create(
                    [
                        PushedMatch(
                            worker_id=worker_id,
                            posting_id=posting_id,
                            direction=PushDirection.TO_WORKER,
                            score=total,
                            run=self.run,
                        )
                        for worker_id, picks in chunk
                        for total, posting_id in picks
                    ]
                )
                messages = [
                    (user_of_worker[worker_id], _digest([postings[posting_id] for _total, posting_id in picks]))
                    for worker_id, picks in chunk
                ]
                notify_each(messages=messages, template="job_push", channels=["sms", "inbox"])
            self.run.jobs_pushed += sum(len(picks) for _worker_id, picks in chunk)
            self.run.workers_notified += len(chunk)

    def push_to_owners(self) -> None:
        """Each posting owner one inbox message listing their postings with new candidates."""
        if not self.for_owners:
            return
        pushed = set(
            PushedMatch.objects.filter(
                posting_id__in=list(self.for_owners), direction=PushDirection.TO_OWNER
            ).values_list("worker_id", "posting_id")
        )
        postings = (
            JobPosting.objects.filter(
                pk__in=list(self.for_owners), created_by__isnull=False, created_by__is_active=True
            )
            .select_related("created_by", "employer")
            .only("id", "title", "created_by", "employer__name")
        )
        # Postings whose author is gone were left out above (created_by__isnull=False).
        by_owner: defaultdict[User, list[tuple[JobPosting, list[tuple[float, int]]]]] = defaultdict(list)
        for posting in postings:
            fresh = sorted(
                (
                    (total, worker_id)
                    for total, worker_id in self.for_owners[posting.pk]
                    if (worker_id, posting.pk) not in pushed
                ),
                reverse=True,
            )
            if fresh:
                by_owner[posting.created_by].append((posting, fresh))
        for owner, items in by_owner.items():
            lines = [
                _("「%(title)s」（%(employer)s）新增 %(count)s 位合适人选，查看：%(url)s")
                % {
                    "title": posting.title,
                    "employer": posting.employer.name,
                    "count": len(fresh),
                    "url": reverse("matching_console:candidates", args=[posting.pk]),
                }
                for posting, fresh in items
            ]
            content = _("春风匹配：您录入的岗位有新的合适人选。") + "\n" + "\n".join(lines)
            with transaction.atomic():
                PushedMatch.objects.bulk_create(
                    [
                        PushedMatch(
                            worker_id=worker_id,
                            posting_id=posting.pk,
                            direction=PushDirection.TO_OWNER,
                            score=total,
                            run=self.run,
                        )
                        for posting, fresh in items
                        for total, worker_id in fresh
                    ]
                )
                notify(recipients=[owner], template="announcement", context={"content": content}, channels=["inbox"])
            self.run.owners_notified += 1


def matches_push(
    *, now: datetime | None = None, per_worker: int | None = None, batch_size: int | None = None
) -> MatchRun | None:
    """Run the two-way push once; returns the MatchRun, or None if another run holds the lock.

    Running it again sends nothing twice: every pushed pair is recorded with a unique constraint in the same
    transaction as its messages, and pairs already recorded are left out before anything is written.
    """
    per_worker = per_worker or PUSH_PER_WORKER
    batch_size = batch_size or BATCH_SIZE
    if not cache.add(PUSH_LOCK, "running", timeout=LOCK_SECONDS):
        return None
    try:
        now = now or timezone.now()
        last = MatchRun.objects.filter(finished_at__isnull=False).order_by("-started_at").first()
        since = last.started_at if last else now - timedelta(days=1)
        if since > now:
            raise ApplicationError(_("上次推送的时间晚于本次，请检查服务器时间。"))
        run = MatchRun.objects.create(started_at=now, since=since)
        work = _Run(run, now=now, per_worker=per_worker, batch_size=batch_size)
        work.match_workers()
        work.push_to_workers()
        work.push_to_owners()
        run.finished_at = timezone.now()
        run.save()
        logger.info(
            "Matching push: %d workers, %d jobs, %d owners", run.workers_notified, run.jobs_pushed, run.owners_notified
        )
        return run
    finally:
        cache.delete(PUSH_LOCK)
