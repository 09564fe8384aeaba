"""Every read of applications and job fairs.

Staff reads are scoped twice over: a staff user sees an application when the posting was entered by a county in
their region (the receiving side) or when the worker's home village is in it (the sending side), so both ends of
a labour-cooperation pair follow the same pipeline.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet, Sum

from core.accounts.models import User
from core.accounts.scoping import scope_to_user
from core.typed_input import typed_phone
from jobs.models import Employer, JobPosting, PostingStatus
from placement.applications.models import (
    HIRED_STATES,
    Application,
    ApplicationState,
    FairAttendance,
    JobFair,
)
from workers.models import Worker

_COUNTED_STATES = (
    ApplicationState.APPLIED,
    ApplicationState.RECOMMENDED,
    ApplicationState.INTENTION,
    ApplicationState.SIGNED,
    ApplicationState.ONBOARDED,
)


@dataclass(frozen=True)
class HeadcountTally:
    """A posting's (or an employer's) headcount and where its applications stand, each counted in its current state."""

    posted: int = 0
    applied: int = 0
    recommended: int = 0
    intention: int = 0
    signed: int = 0
    onboarded: int = 0

    @property
    def open(self) -> int:
        """Places still to fill: the headcount less those signed or at work, never below zero."""
        return max(0, self.posted - self.signed - self.onboarded)

    @property
    def is_full(self) -> bool:
        return self.open == 0


def _state_counts(prefix: str = "") -> dict[str, Count]:
    return {
        state.value: Count("id" if not prefix else f"{prefix}id", filter=Q(**{f"{prefix}state": state}))
        for state in _COUNTED_STATES
    }


def headcount_tallies(posting_ids: Iterable[int]) -> dict[int, HeadcountTally]:
    """{posting id: HeadcountTally} for these postings, in one query. Unknown ids are left out."""
    rows = (
        JobPosting.objects.filter(id__in=list(posting_ids))
        .order_by()
        .values("id", "headcount")
        .annotate(**_state_counts("applications__"))
    )
    return {
        row["id"]: HeadcountTally(posted=row["headcount"], **{state: row[state] for state in _COUNTED_STATES})
        for row in rows
    }


def headcount_tally(posting: JobPosting) -> HeadcountTally:
    return headcount_tallies([posting.id]).get(posting.id, HeadcountTally(posted=posting.headcount))


def with_tallies(postings: list[JobPosting]) -> list[JobPosting]:
    """`postings` (a list) with each one's headcount tally attached as `.tally`, in one query."""
    tallies = headcount_tallies([posting.pk for posting in postings])
    for posting in postings:
        posting.tally = tallies.get(posting.pk, HeadcountTally(posted=posting.headcount))
    return postings


def employer_headcount_tally(employer: Employer) -> HeadcountTally:
    """The employer's tally over its postings that are not drafts (two queries: headcounts, then applications)."""
    postings = JobPosting.objects.filter(employer=employer).exclude(status=PostingStatus.DRAFT)
    posted = postings.aggregate(total=Sum("headcount"))["total"] or 0
    counts = Application.objects.filter(posting__in=postings).aggregate(**_state_counts())
    return HeadcountTally(posted=posted, **counts)


def scope_applications(user: User, queryset: QuerySet[Application]) -> QuerySet[Application]:
    """The applications the staff user may see and move: posting entered in their region or worker from it."""
    return scope_to_user(user, queryset, region_field="posting__county") | scope_to_user(
        user, queryset, region_field="worker__home_region"
    )


def _with_relations(queryset: QuerySet[Application]) -> QuerySet[Application]:
    return queryset.select_related("worker__user", "posting", "posting__employer", "fair")


def worker_applications(*, worker: Worker) -> QuerySet[Application]:
    """A worker's own applications, newest change first."""
    return _with_relations(Application.objects.filter(worker=worker)).order_by("-updated_at", "-id")


def worker_application(*, worker: Worker, application_id: int) -> Application | None:
    return _with_relations(Application.objects.filter(worker=worker)).filter(id=application_id).first()


def worker_application_for_posting(*, worker: Worker | None, posting_id: int) -> Application | None:
    if worker is None:
        return None
    return Application.objects.filter(worker=worker, posting_id=posting_id).first()


def staff_application(*, user: User, application_id: int) -> Application | None:
    return _with_relations(scope_applications(user, Application.objects.all())).filter(id=application_id).first()


def posting_pipeline(*, user: User, posting_id: int) -> tuple[JobPosting, QuerySet[Application]] | None:
    """The posting's applications grouped by state, or None when the posting is out of the user's scope."""
    posting = (
        scope_to_user(user, JobPosting.objects.select_related("employer"), region_field="county")
        .filter(id=posting_id)
        .first()
    )
    if posting is None:
        return None
    applications = _with_relations(Application.objects.filter(posting=posting)).order_by("-updated_at", "-id")
    return posting, applications


def employer_pipeline(*, user: User, employer_id: int) -> tuple[list[JobPosting], QuerySet[Application]] | None:
    """The employer's postings in the user's scope and the applications to them."""
    postings = list(
        scope_to_user(user, JobPosting.objects.select_related("employer"), region_field="county")
        .filter(employer_id=employer_id)
        .exclude(status=PostingStatus.DRAFT)
        .order_by("-published_at", "-id")
    )
    if not postings:
        return None
    applications = _with_relations(Application.objects.filter(posting__in=postings)).order_by("-updated_at", "-id")
    return postings, applications


def staff_applications(*, user: User, state: str | None = None, posting_id: int | None = None) -> QuerySet[Application]:
    """The pipeline over everything in the user's scope, optionally one state or one posting."""
    applications = _with_relations(scope_applications(user, Application.objects.all()))
    if state:
        applications = applications.filter(state=state)
    if posting_id:
        applications = applications.filter(posting_id=posting_id)
    return applications.order_by("-updated_at", "-id")


def worker_has_signed_job_for_trip(
    *, worker_id: int, employer_id: int | None = None, posting_ids: Iterable[int] = ()
) -> bool:
    """Whether the worker holds a signed or onboarded application at the employer or to one of these postings."""
    where = Q(posting_id__in=list(posting_ids))
    if employer_id is not None:
        where |= Q(posting__employer_id=employer_id)
    return Application.objects.filter(where, worker_id=worker_id, state__in=HIRED_STATES).exists()


# Job fairs


PAST_FAIRS_SHOWN = 20


def public_fairs(*, now: datetime) -> tuple[QuerySet[JobFair], QuerySet[JobFair]]:
    """(upcoming, past): fairs not yet over, soonest first, and the latest of those that are over, newest first."""
    fairs = JobFair.objects.filter(is_published=True).select_related("county")
    upcoming = fairs.filter(ends_at__gte=now).order_by("starts_at", "id")
    past = fairs.filter(ends_at__lt=now).order_by("-starts_at", "-id")[:PAST_FAIRS_SHOWN]
    return upcoming, past


def public_fair(*, fair_id: int) -> JobFair | None:
    return (
        JobFair.objects.filter(is_published=True, id=fair_id)
        .select_related("county")
        .prefetch_related("employers", "postings__employer")
        .first()
    )


def staff_fairs(*, user: User) -> QuerySet[JobFair]:
    return scope_to_user(user, JobFair.objects.select_related("county"), region_field="county").order_by(
        "-starts_at", "-id"
    )


def staff_fair(*, user: User, fair_id: int) -> JobFair | None:
    return staff_fairs(user=user).prefetch_related("employers", "postings__employer").filter(id=fair_id).first()


@dataclass(frozen=True)
class FairFigures:
    """What the seeds report after a fair: employers, places offered, visitors, page views, intentions reached."""

    employers: int
    places: int
    visitors: int
    views: int
    intentions: int


def fair_figures(fair: JobFair) -> FairFigures:
    employers = fair.employers.count()
    places = fair.postings.aggregate(total=Sum("headcount"))["total"] or 0
    visitors = FairAttendance.objects.filter(fair=fair).count()
    intentions = Application.objects.filter(
        fair=fair,
        state__in=(ApplicationState.INTENTION, ApplicationState.SIGNED, ApplicationState.ONBOARDED),
    ).count()
    return FairFigures(employers=employers, places=places, visitors=visitors, views=fair.views, intentions=intentions)


def fair_recent_intentions(*, fair: JobFair, limit: int = 20) -> QuerySet[Application]:
    return _with_relations(Application.objects.filter(fair=fair)).order_by("-updated_at", "-id")[:limit]


# Finding workers


def workers_to_recommend(*, user: User, query: str, limit: int = 20) -> QuerySet[Worker]:
    """Workers in the staff user's ledger whose phone number or name matches `query`."""
    query = (query or "").strip()
    if not query:
        return Worker.objects.none()
    workers = scope_to_user(user, Worker.objects.filter(anonymised_at__isnull=True), region_field="home_region")
    phone = typed_phone(query)
    where = Q(user__phone=phone) if phone is not None else Q(full_name__contains=query)
    return workers.filter(where).select_related("home_region", "user").order_by("full_name", "id")[:limit]


def fair_worker_by_phone(*, fair: JobFair, phone: str) -> Worker | None:
    """The registered worker of the fair's county with this phone, or None: the desk finds no one from elsewhere,
    so that a phone number typed at the desk never names a stranger (who registers first, in their own county)."""
    workers = Worker.objects.filter(
        user__phone=phone, anonymised_at__isnull=True, home_region__code__startswith=fair.county_id
    )
    return workers.select_related("home_region").first()


def worker_for_staff(*, user: User, worker_id: int) -> Worker | None:
    workers = scope_to_user(user, Worker.objects.filter(anonymised_at__isnull=True), region_field="home_region")
    return workers.filter(id=worker_id).first()
